"""Unit tests of the automatic moderation rules (pure functions, no services or database)."""

import uuid

import pytest

from services.moderation.rules import (
    APPROVE,
    NEAR_DUPLICATE_THRESHOLD,
    REJECT,
    REVIEW,
    Finding,
    SimilarIdea,
    Verdict,
    WordList,
    apply_policy,
    check_policy,
    combined_text,
    moderate,
    normalise,
)

CALM = "Mehr Bänke im Stadtpark"
CALM_TEXT = "Entlang der Wege fehlen Sitzplätze für ältere Menschen. Vorschlag: zehn neue Bänke."


def offensive(text: str, wordlist: WordList | None = None) -> list[str]:
    """The offensive words moderate() finds in a description (fails loudly on any other finding)."""
    verdict = moderate(CALM, text, wordlist)
    assert set(verdict.reasons) <= {"offensive_language"}, verdict
    return [f.detail for f in verdict.findings]


def flagged(title: str, description: str, reason: str, wordlist: WordList | None = None) -> list[str]:
    """The pieces of "title\n\ndescription" that the finding for reason points at with its spans."""
    text = combined_text(title, description)
    [finding] = [f for f in moderate(title, description, wordlist).findings if f.reason == reason]
    return [text[start:end] for start, end in finding.spans]


# --- normalise -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Straße", "strasse"),
        ("GROẞE Öl-Übung, Ärger!", "grosse oel uebung aerger"),
        ("Sh1t 4$$ h0l3 7@g", "shit ass hole tag"),
        ("  many\n\tspaces --- and_under_scores ", "many spaces and under scores"),
        ("ＦＵＬＬＷＩＤＴＨ", "fullwidth"),
        ("A\u0308rger", "aerger"),  # decomposed umlaut
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


# --- offensive language: mechanism (own small list, independent of the shipped lists) ---------

SMALL = WordList(["arschloch", "shit", "miststück", "missgeburt", "häng dich auf", "fick dich"])


@pytest.mark.parametrize(
    "text, found",
    [
        ("Du Arschloch", "arschloch"),
        ("DU ARSCHLOCH!", "arschloch"),
        ("Ärschloch", "aerschloch"),  # umlaut added to a plain word
        ("Miststück", "miststueck"),
        ("Miststueck", "miststueck"),  # umlaut transliterated
        ("Miststuck", "miststuck"),  # umlaut dropped
        ("MISTSTÜCK", "miststueck"),
        ("4rschl0ch", "arschloch"),  # leetspeak
        ("$h1t", "shit"),
        ("shiiiiit", "shiiiiit"),  # stretched letters cut to one
        ("Misssssgeburt", "misssssgeburt"),  # ... and to two
        ("Arschloooch", "arschloooch"),
        ("(arschloch)", "arschloch"),
    ],
)
def test_listed_word_is_found_in_any_spelling(text, found):
    assert offensive(f"Ich sage: {text} und gehe.", SMALL) == [found]


@pytest.mark.parametrize(
    "text",
    [
        "Arschlochkarte",
        "Oberarschloch",
        "Shitake",
        "shitstorm",
        "bullshit",
        "Miststückchen",
        "shiit",  # only runs of three or more letters count as stretched
    ],
)
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
    assert offensive("shit, Arschloch, SHIT, fick dich, arschl0ch", SMALL) == ["shit, arschloch, fick dich"]


def test_title_is_checked_too():
    verdict = moderate("Arschloch", "Sonst alles freundlich.", SMALL)
    assert verdict.outcome == REJECT
    assert verdict.findings == (Finding("offensive_language", REJECT, "arschloch", ((0, 9),)),)


def test_empty_wordlist_is_respected_and_not_replaced_by_the_default():
    assert moderate(CALM, "Du Arschloch", WordList([])).outcome == APPROVE


def test_wordlist_from_files_skips_comments_and_blank_lines(tmp_path):
    path = tmp_path / "words.txt"
    path.write_text(
        "# a comment with arschloch in it\n\nschurke  # trailing comment\n  elender lump \n", encoding="utf-8"
    )
    words = WordList.from_files(path)
    assert len(words) == 2
    assert offensive("Du Schurke, du elender Lump", words) == ["schurke, elender lump"]
    assert offensive("Ein Arschloch, ein Lump", words) == []


# --- offensive language: the shipped lists -------------------------------------------------


def test_default_wordlist_is_loaded_once_and_has_both_languages():
    assert WordList.load() is WordList.load()
    assert len(WordList.load()) >= 60


@pytest.mark.parametrize(
    "text",
    [
        "Du Arschloch",
        "Hurensöhne",
        "Halt die Fresse!",
        "Halt's Maul",
        "fick dich",
        "Schwuchtel",
        "Kümmeltürke",
        "Kuemmeltuerke",
        "Scheiße",
        "SCHEISSE",
        "Missgeburt",
        "fuck this",
        "Sh1t",
        "a$$hole",
        "You c*nt-free cunt",
        "suck my dick",
        "Piss off",
    ],
)
def test_default_wordlist_rejects_common_insults(text):
    verdict = moderate(CALM, text)
    assert verdict.outcome == REJECT
    assert verdict.reasons == ["offensive_language"]


@pytest.mark.parametrize(
    "text",
    [
        "Scunthorpe United",
        "Shiitake und Shitake auf dem Wochenmarkt",
        "Assessment-Center",
        "Class act",
        "Passau",
        "Dickens lesen",
        "Cocktailbar",
        "Schwanensee im Theater",
        "Spastik ist eine Erkrankung",
        "Ein Fotzenhobel ist eine Mundharmonika",
        "Schuhe mit Wichse putzen",
        "Montenegro",
        "flame retardant",
        "Hurenkind und Schusterjunge",
        "Du spaßt wohl!",
        "Wurdest du Opfer eines Diebstahls?",
        "Das Dorf liegt am Arsch der Welt",
        "Don't kill yourself over it",
        "Bitte keine Hundehaufen",
        "Sussex und Essex",
    ],
)
def test_default_wordlist_approves_innocent_text(text):
    assert moderate(CALM, text) == Verdict(APPROVE, ())


# --- link spam -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "description, detail, links",
    [
        (
            "Siehe https://a.example, http://b.example und www.c.example.",
            "3 links",
            ["https://a.example", "http://b.example", "www.c.example"],
        ),
        (
            "https://a.example https://b.example https://c.example HTTPS://D.EXAMPLE",
            "4 links",
            ["https://a.example", "https://b.example", "https://c.example", "HTTPS://D.EXAMPLE"],
        ),
        (
            "(https://a.example/x?y=1) «www.b.example/ü» https://c.example/a.b!",
            "3 links",
            ["https://a.example/x?y=1", "www.b.example/ü", "https://c.example/a.b"],
        ),
    ],
)
def test_three_or_more_links_are_spam(description, detail, links):
    verdict = moderate(CALM, description)
    assert verdict.outcome == REJECT
    assert [(f.reason, f.outcome, f.detail) for f in verdict.findings] == [("link_spam", REJECT, detail)]
    assert flagged(CALM, description, "link_spam") == links


@pytest.mark.parametrize(
    "description",
    [
        "",
        "Mehr dazu: https://stadt.example/plan und www.verein.example",
        "https://www.stadt.example/plan ist nur ein Link",  # scheme plus www counts once
    ],
)
def test_fewer_than_three_links_in_the_description_are_fine(description):
    assert moderate(CALM, description).outcome == APPROVE


def test_any_link_in_the_title_is_spam():
    verdict = moderate("Jetzt www.casino.example besuchen", "Harmloser Text")
    assert verdict.findings == (Finding("link_spam", REJECT, "1 link (1 in title)", ((6, 24),)),)


def test_bare_domains_and_words_ending_in_www_are_not_links():
    assert moderate("Mehr Grün für stadt.example, wwwroot.example und awww.example", "").outcome == APPROVE


def test_links_in_title_and_description_are_counted_together():
    verdict = moderate("Plan: https://a.example", "https://b.example")
    assert verdict.findings == (Finding("link_spam", REJECT, "2 links (1 in title)", ((6, 23), (25, 42))),)
    assert flagged("Plan: https://a.example", "https://b.example", "link_spam") == [
        "https://a.example",
        "https://b.example",
    ]


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
    assert verdict.findings == (Finding("shouting", REVIEW, "title in capitals", ((0, 14),)),)


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
    verdict = Verdict(
        REJECT,
        (
            Finding("shouting", REVIEW, "title in capitals"),
            Finding("link_spam", REJECT, "3 links"),
            Finding("offensive_language", REJECT, "arschloch"),
            Finding("link_spam", REJECT, "1 link (1 in title)"),
        ),
    )
    assert verdict.reasons == ["offensive_language", "link_spam", "shouting"]


def test_long_text_is_handled():
    text = ("Ein ganz normaler Satz über Radwege und Bänke. " * 110)[:5000] + " Arschloch"
    assert moderate(CALM, text).reasons == ["offensive_language"]


# --- spans: what triggered a finding, as offsets into "title\n\ndescription" ------------------


def test_combined_text_separates_title_and_description_by_a_blank_line():
    assert combined_text("Titel", "Text") == "Titel\n\nText"


@pytest.mark.parametrize(
    "description, pieces",
    [
        ("Du Arschloch!", ["Arschloch"]),
        ("Dann häng dich auf!", ["häng dich auf"]),
        ("Fick, dich!", ["Fick, dich"]),
        ("Straße, Größe, Ärger: 4rschl0ch", ["4rschl0ch"]),  # ß→ss, ä→ae before it shift nothing
        ("Ein $h1t-Tag", ["$h1t"]),  # "$" folds into the word's first letter
        ("Du A\u0308rschloch", ["A\u0308rschloch"]),  # decomposed umlaut: both code points
        ("Du ＡＲＳＣＨＬＯＣＨ", ["ＡＲＳＣＨＬＯＣＨ"]),
        ("ﬁck dich", ["ﬁck dich"]),  # a ligature is one character of the text
        ("shit, Arschloch, SHIT", ["shit", "Arschloch", "SHIT"]),  # every occurrence, in order
    ],
)
def test_offensive_spans_point_at_the_words_as_written(description, pieces):
    assert flagged(CALM, description, "offensive_language", SMALL) == pieces


def test_offensive_span_ends_after_a_combining_mark_at_the_end_of_a_word():
    assert flagged(CALM, "Ach ba\u0308! Ba\u0308h.", "offensive_language", WordList(["bä"])) == ["ba\u0308"]


def test_offensive_spans_cover_title_and_description():
    assert flagged("Arschloch!", "Und noch einmal: shiiit", "offensive_language", SMALL) == ["Arschloch", "shiiit"]
    verdict = moderate("Arschloch!", "Und noch einmal: shiiit", SMALL)
    assert verdict.findings[0].spans == ((0, 9), (29, 35))


def test_findings_without_a_place_have_no_spans():
    assert moderate("Radweg", "WIR BRAUCHEN ENDLICH MEHR RADWEGE in Bonn").findings[0].spans == ()


# --- near-duplicates -----------------------------------------------------------------------


def test_near_duplicate_threshold_is_documented_value():
    assert NEAR_DUPLICATE_THRESHOLD == 0.6


@pytest.mark.parametrize("similar", [(), [SimilarIdea("a", 0.59)], [SimilarIdea("a", 0.3), SimilarIdea("b", 0.5999)]])
def test_ideas_below_the_threshold_are_no_near_duplicates(similar):
    assert moderate(CALM, CALM_TEXT, similar_ideas=similar) == Verdict(APPROVE, ())


def test_an_idea_at_the_threshold_is_a_near_duplicate():
    verdict = moderate(CALM, CALM_TEXT, similar_ideas=[SimilarIdea("4b9e0c1a", 0.6)])
    assert verdict == Verdict(
        REVIEW, (Finding("near_duplicate", REVIEW, "most similar: idea 4b9e0c1a (similarity 0.60)"),)
    )


def test_near_duplicate_names_the_most_similar_idea_whatever_the_order():
    closest = uuid.UUID("0e6f9c1e-8a4b-4a57-9d4c-2b1f7e0a9c31")
    similar = [SimilarIdea(uuid.uuid4(), 0.65), SimilarIdea(closest, 0.912), SimilarIdea(uuid.uuid4(), 0.2)]
    [finding] = moderate(CALM, CALM_TEXT, similar_ideas=similar).findings
    assert finding.detail == f"most similar: idea {closest} (similarity 0.91)"


def test_near_duplicate_does_not_soften_a_rejection_and_comes_after_the_text_rules():
    verdict = moderate("MEHR RADWEGE JETZT", "Du Arschloch", similar_ideas=[SimilarIdea("a", 0.95)])
    assert verdict.outcome == REJECT
    assert verdict.reasons == ["offensive_language", "shouting", "near_duplicate"]


# --- policy --------------------------------------------------------------------------------

APPROVED = Verdict(APPROVE, ())
REVIEWED = Verdict(REVIEW, (Finding("shouting", REVIEW, "title in capitals", ((0, 14),)),))
REJECTED = Verdict(REJECT, (Finding("link_spam", REJECT, "3 links"),))


@pytest.mark.parametrize("verdict", [APPROVED, REVIEWED, REJECTED])
def test_post_moderation_leaves_every_verdict_alone(verdict):
    assert apply_policy(verdict, "post") is verdict


def test_pre_moderation_sends_a_clean_idea_to_review():
    verdict = apply_policy(moderate(CALM, CALM_TEXT), "pre")
    assert verdict == Verdict(REVIEW, (Finding("pre_moderation", REVIEW, "every idea is reviewed before publication"),))
    assert verdict.reasons == ["pre_moderation"]


@pytest.mark.parametrize("verdict", [REVIEWED, REJECTED])
def test_pre_moderation_changes_no_review_or_rejection(verdict):
    assert apply_policy(verdict, "pre") is verdict


@pytest.mark.parametrize("policy", ["", "Pre", "POST", " post", "strict", None])
def test_unknown_policy_is_refused(policy):
    with pytest.raises(ValueError, match="moderation policy"):
        apply_policy(APPROVED, policy)
    with pytest.raises(ValueError):
        check_policy(policy)


def test_configured_default_policy_is_post_and_valid(monkeypatch):
    from aufbruch.config import load_config

    monkeypatch.delenv("MODERATION_POLICY", raising=False)
    assert check_policy(load_config()["MODERATION_POLICY"]) == "post"
