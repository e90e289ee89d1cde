"""Comments get the rules of ideas (rules.moderate_comment), spans pointing into the comment's body."""

from services.moderation import rules

WORDLIST = rules.WordList(["arschloch"])


def test_a_clean_comment_is_approved():
    verdict = rules.moderate_comment("Gute Idee, am Nordring fehlen auch Fahrradbügel.", WORDLIST)
    assert (verdict.outcome, verdict.reasons) == (rules.APPROVE, [])


def test_offensive_words_reject_a_comment_with_the_span_in_its_body():
    body = "Der Bürgermeister ist ein 4rschl0ch."
    verdict = rules.moderate_comment(body, WORDLIST)
    assert (verdict.outcome, verdict.reasons) == (rules.REJECT, [rules.OFFENSIVE_LANGUAGE])
    start, end = verdict.findings[0].spans[0]
    assert body[start:end] == "4rschl0ch"


def test_personal_data_sends_a_comment_to_review_naming_only_the_kind():
    body = "Ruft mich an: 0171 2345678, dann besprechen wir das."
    verdict = rules.moderate_comment(body, WORDLIST)
    assert (verdict.outcome, verdict.reasons) == (rules.REVIEW, [rules.PERSONAL_DATA])
    assert "0171" not in verdict.findings[0].detail
    start, end = verdict.findings[0].spans[0]
    assert body[start:end].replace(" ", "") == "01712345678"


def test_link_spam_in_a_comment_counts_links_in_its_body():
    body = "Siehe https://a.example und https://b.example und www.c.example"
    verdict = rules.moderate_comment(body, WORDLIST)
    assert verdict.outcome == rules.REJECT and verdict.reasons == [rules.LINK_SPAM]
    assert [body[start:end] for start, end in verdict.findings[0].spans] == [
        "https://a.example",
        "https://b.example",
        "www.c.example",
    ]


def test_one_link_in_a_comment_is_fine():
    assert rules.moderate_comment("Mehr dazu: https://www.guetersloh.de/radwege", WORDLIST).outcome == rules.APPROVE


def test_shouting_sends_a_comment_to_review():
    verdict = rules.moderate_comment("DAS IST EINE GANZ SCHLECHTE IDEE FÜR UNSERE STADT", WORDLIST)
    assert verdict.reasons == [rules.SHOUTING]


def test_the_policy_applies_to_comments_as_to_ideas():
    verdict = rules.apply_policy(rules.moderate_comment("Gute Idee!", WORDLIST), rules.PRE)
    assert (verdict.outcome, verdict.reasons) == (rules.REVIEW, [rules.PRE_MODERATION])
