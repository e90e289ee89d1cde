"""Unit tests of the automatic moderation rules (pure functions, no services or database)."""
import pytest

from services.moderation.rules import (
    APPROVE, REJECT, REVIEW, Finding, Verdict, WordList, moderate, normalise,
)

CALM = "Mehr Bänke im Stadtpark"
CALM_TEXT = "Entlang der Wege fehlen Sitzplätze für ältere Menschen. Vorschlag: zehn neue Bänke."


def offensive(text: str, wordlist: WordList | None = None) -> list[str]:
    """The offensive words moderate() finds in a description (fails loudly on any other finding)."""
    verdict = moderate(CALM, text, wordlist)
    assert set(verdict.reasons) <= {"offensive_language"}, verdict
    return [f.detail for f in verdict.findings]


# --- normalise -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Straße", "strasse"),
    ("GROẞE Öl-Übung, Ärger!", "grosse oel uebung aerger"),
    ("Sh1t 4$$ h0l3 7@g", "shit ass hole tag"),
    ("  many\n\tspaces --- and_under_scores ", "many spaces and under scores"),
    ("ＦＵＬＬＷＩＤＴＨ", "fullwidth"),
    ("A\u0308rger", "aerger"),  # decomposed umlaut
])
def test_normalise(text, expected):
    assert normalise(text) == expected


# --- offensive language: mechanism (own small list, independent of the shipped lists) ---------

SMALL = WordList(["arschloch", "shit", "miststück", "missgeburt", "häng dich auf", "fick dich"])


@pytest.mark.parametrize("text, found", [
    ("Du Arschloch", "arschloch"),
    ("DU ARSCHLOCH!", "arschloch"),
    ("Ärschloch", "aerschloch"),          # umlaut added to a plain word
    ("Miststück", "miststueck"),
    ("Miststueck", "miststueck"),         # umlaut transliterated
    ("Miststuck", "miststuck"),           # umlaut dropped
    ("MISTSTÜCK", "miststueck"),
    ("4rschl0ch", "arschloch"),           # leetspeak
    ("$h1t", "shit"),
    ("shiiiiit", "shiiiiit"),             # stretched letters cut to one
    ("Misssssgeburt", "misssssgeburt"),   # ... and to two
    ("Arschloooch", "arschloooch"),
    ("(arschloch)", "arschloch"),
])
def test_listed_word_is_found_in_any_spelling(text, found):
    assert offensive(f"Ich sage: {text} und gehe.", SMALL) == [found]


@pytest.mark.parametrize("text", [
    "Arschlochkarte", "Oberarschloch", "Shitake", "shitstorm", "bullshit",
    "Miststückchen", "shiit",  # only runs of three or more letters count as stretched
])
def test_word_merely_containing_a_listed_word_is_not_found(text):
    assert offensive(text, SMALL) == []


def test_phrase_matches_only_as_a_whole_run_of_words():
    assert offensive("Dann häng dich auf!", SMALL) == ["haeng dich auf"]
    assert offensive("Haeng dich auf", SMALL) == ["haeng dich auf"]
    assert offensive("Fick, dich!", SMALL) == ["fick dich"]  # punctuation does not split a phrase
    assert offensive("Häng dich an", SMALL) == []
    assert offensive("häng mich auf", SMALL) == []
    assert offensive("Dich auf häng", SMALL) == []
    assert offensive("fick dichter", SMALL) == []


def test_every_match_is_reported_once_in_order_of_appearance():
    assert offensive("shit, Arschloch, SHIT, fick dich, arschl0ch", SMALL) == [
        "shit, arschloch, fick dich"]


def test_title_is_checked_too():
    verdict = moderate("Arschloch", "Sonst alles freundlich.", SMALL)
    assert verdict.outcome == REJECT
    assert verdict.findings == (Finding("offensive_language", REJECT, "arschloch"),)


def test_empty_wordlist_is_respected_and_not_replaced_by_the_default():
    assert moderate(CALM, "Du Arschloch", WordList([])).outcome == APPROVE


def test_wordlist_from_files_skips_comments_and_blank_lines(tmp_path):
    path = tmp_path / "words.txt"
    path.write_text("# a comment with arschloch in it\n\nschurke  # trailing comment\n  elender lump \n",
                    encoding="utf-8")
    words = WordList.from_files(path)
    assert len(words) == 2
    assert offensive("Du Schurke, du elender Lump", words) == ["schurke, elender lump"]
    assert offensive("Ein Arschloch, ein Lump", words) == []


# --- offensive language: the shipped lists -------------------------------------------------

def test_default_wordlist_is_loaded_once_and_has_both_languages():
    assert WordList.load() is WordList.load()
    assert len(WordList.load()) >= 60


@pytest.mark.parametrize("text", [
    "Du Arschloch", "Hurensöhne", "Halt die Fresse!", "Halt's Maul", "fick dich", "Schwuchtel",
    "Kümmeltürke", "Kuemmeltuerke", "Scheiße", "SCHEISSE", "Missgeburt",
    "fuck this", "Sh1t", "a$$hole", "You c*nt-free cunt", "suck my dick", "Piss off",
])
def test_default_wordlist_rejects_common_insults(text):
    verdict = moderate(CALM, text)
    assert verdict.outcome == REJECT
    assert verdict.reasons == ["offensive_language"]


@pytest.mark.parametrize("text", [
    "Scunthorpe United", "Shiitake und Shitake auf dem Wochenmarkt", "Assessment-Center",
    "Class act", "Passau", "Dickens lesen", "Cocktailbar", "Schwanensee im Theater",
    "Spastik ist eine Erkrankung", "Ein Fotzenhobel ist eine Mundharmonika", "Schuhe mit Wichse putzen",
    "Montenegro", "flame retardant", "Hurenkind und Schusterjunge", "Du spaßt wohl!",
    "Wurdest du Opfer eines Diebstahls?", "Das Dorf liegt am Arsch der Welt",
    "Don't kill yourself over it", "Bitte keine Hundehaufen", "Sussex und Essex",
])
def test_default_wordlist_approves_innocent_text(text):
    assert moderate(CALM, text) == Verdict(APPROVE, ())


# --- link spam -----------------------------------------------------------------------------

@pytest.mark.parametrize("description, detail", [
    ("Siehe https://a.example, http://b.example und www.c.example", "3 links"),
    ("https://a.example https://b.example https://c.example HTTPS://D.EXAMPLE", "4 links"),
])
def test_three_or_more_links_are_spam(description, detail):
    verdict = moderate(CALM, description)
    assert verdict.outcome == REJECT
    assert verdict.findings == (Finding("link_spam", REJECT, detail),)


@pytest.mark.parametrize("description", [
    "",
    "Mehr dazu: https://stadt.example/plan und www.verein.example",
    "https://www.stadt.example/plan ist nur ein Link",  # scheme plus www counts once
])
def test_fewer_than_three_links_in_the_description_are_fine(description):
    assert moderate(CALM, description).outcome == APPROVE


def test_any_link_in_the_title_is_spam():
    verdict = moderate("Jetzt www.casino.example besuchen", "Harmloser Text")
    assert verdict.findings == (Finding("link_spam", REJECT, "1 link (1 in title)"),)


def test_bare_domains_and_words_ending_in_www_are_not_links():
    assert moderate("Mehr Grün für stadt.example, wwwroot.example und awww.example", "").outcome == APPROVE


def test_links_in_title_and_description_are_counted_together():
    verdict = moderate("Plan: https://a.example", "https://b.example")
    assert verdict.findings == (Finding("link_spam", REJECT, "2 links (1 in title)"),)


# --- shouting ------------------------------------------------------------------------------

def test_mostly_capitals_are_shouting():
    verdict = moderate("Radweg", "WIR BRAUCHEN ENDLICH MEHR RADWEGE in Bonn")  # 31 of 41 letters
    assert verdict.outcome == REVIEW
    assert verdict.findings == (Finding("shouting", REVIEW, "76% capitals"),)


def test_capitals_ratio_must_exceed_seventy_percent():
    assert moderate("idee", "ABCDEFGHIJKLMN op").outcome == APPROVE  # 14 of 20 letters
    assert moderate("idee", "ABCDEFGHIJKLMNO p").outcome == REVIEW  # 15 of 20 letters


def test_few_letters_are_never_shouting():
    assert moderate("ÖPNV", "MEHR BUSSE!!! 2025").outcome == APPROVE  # 4 + 9 letters
    assert moderate("ÖPNV", "MEHR BUSSE UND BAHNEN").outcome == REVIEW  # 4 + 18 letters


def test_title_entirely_in_capitals_is_shouting():
    verdict = moderate("RADWEGE JETZT!", "Eine ausführliche, ruhig formulierte Begründung folgt hier.")
    assert verdict.findings == (Finding("shouting", REVIEW, "title in capitals"),)


@pytest.mark.parametrize("title", ["ÖPNV-Ausbau", "TEMPO 30", "Radwege jetzT", "STRAßE"])
def test_short_or_mixed_case_title_is_not_shouting(title):
    assert moderate(title, "Eine ruhig formulierte Begründung mit ausreichend Text.").outcome == APPROVE


def test_eszett_does_not_break_an_all_capitals_title():
    assert moderate("GROßE STRAßE", "Eine ruhig formulierte Begründung.").reasons == ["shouting"]


# --- verdicts ------------------------------------------------------------------------------

def test_clean_idea_is_approved_without_findings():
    verdict = moderate(CALM, CALM_TEXT)
    assert verdict == Verdict(APPROVE, ())
    assert verdict.reasons == []


def test_strictest_outcome_wins_and_findings_follow_rule_order():
    verdict = moderate("MEHR RADWEGE JETZT", "DU ARSCHLOCH, SIEHE https://a.example https://b.example www.c.example")
    assert verdict.outcome == REJECT
    assert verdict.reasons == ["offensive_language", "link_spam", "shouting"]
    assert [f.outcome for f in verdict.findings] == [REJECT, REJECT, REVIEW]


def test_review_beats_approve():
    assert moderate("MEHR RADWEGE JETZT", CALM_TEXT).outcome == REVIEW


def test_reasons_are_in_rule_order_without_duplicates():
    verdict = Verdict(REJECT, (
        Finding("shouting", REVIEW, "title in capitals"),
        Finding("link_spam", REJECT, "3 links"),
        Finding("offensive_language", REJECT, "arschloch"),
        Finding("link_spam", REJECT, "1 link (1 in title)"),
    ))
    assert verdict.reasons == ["offensive_language", "link_spam", "shouting"]


def test_long_text_is_handled():
    text = ("Ein ganz normaler Satz über Radwege und Bänke. " * 110)[:5000] + " Arschloch"
    assert moderate(CALM, text).reasons == ["offensive_language"]
