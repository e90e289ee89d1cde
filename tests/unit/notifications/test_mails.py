"""Unit tests of the mail texts citizens receive (German)."""
import pytest

from services.notifications import mails
from services.notifications.mails import REASON_TEXTS, UNKNOWN_REASON_TEXT

TITLE = "Mehr Bänke im Stadtpark"
URL = "https://aufbruch.example/api/v1/ideas/3f2b8f8e-4c1e-4e57-9d4f-0b7d1c7a5e01"


@pytest.mark.parametrize("compose", [
    lambda name: mails.receipt(TITLE, name, URL),
    lambda name: mails.published(TITLE, name, URL),
    lambda name: mails.rejected(TITLE, name, ["shouting"]),
], ids=["receipt", "published", "rejected"])
class TestEveryMail:
    def test_subject_and_body_name_the_title(self, compose):
        mail = compose("Erika Muster")
        assert TITLE in mail.subject
        assert f"„{TITLE}“" in mail.body

    def test_greets_the_submitter_by_name(self, compose):
        assert compose("Erika Muster").body.startswith("Guten Tag Erika Muster,\n")

    def test_greets_without_name_when_none_is_known(self, compose):
        assert compose(None).body.startswith("Guten Tag,\n")
        assert "None" not in compose(None).body

    def test_greets_without_name_when_name_is_empty(self, compose):
        assert compose("").body.startswith("Guten Tag,\n")

    def test_closes_with_the_platforms_signature(self, compose):
        body = compose(None).body
        assert "Mit freundlichen Grüßen" in body
        assert body.rstrip().endswith("Ihr Team von Aufbruch – Digitaler Aufbruch Gütersloh")


def test_receipt_says_the_idea_arrived_and_links_to_it():
    mail = mails.receipt(TITLE, None, URL)
    assert mail.subject == f"Ihre Idee ist eingegangen: {TITLE}"
    assert "eingegangen" in mail.body and "geprüft" in mail.body
    assert URL in mail.body


def test_published_says_the_idea_is_public_and_links_to_it():
    mail = mails.published(TITLE, None, URL)
    assert mail.subject == f"Ihre Idee ist veröffentlicht: {TITLE}"
    assert "öffentlich sichtbar" in mail.body
    assert URL in mail.body


def test_rejected_subject():
    assert mails.rejected(TITLE, None, []).subject == f"Ihre Idee wurde nicht veröffentlicht: {TITLE}"


@pytest.mark.parametrize("code", sorted(REASON_TEXTS))
def test_rejection_explains_each_reason_in_words_not_the_code(code):
    body = mails.rejected(TITLE, None, [code]).body
    assert f"- {REASON_TEXTS[code]}" in body
    assert code not in body
    assert UNKNOWN_REASON_TEXT not in body


def test_rejection_explains_every_reason_in_order():
    body = mails.rejected(TITLE, None, ["link_spam", "offensive_language", "shouting"]).body
    positions = [body.index(REASON_TEXTS[code]) for code in ("link_spam", "offensive_language", "shouting")]
    assert positions == sorted(positions)
    for code in REASON_TEXTS:
        assert code not in body


def test_rejection_with_an_unknown_reason_gets_the_generic_text_and_hides_the_code():
    body = mails.rejected(TITLE, None, ["internal_rule_17"]).body
    assert f"- {UNKNOWN_REASON_TEXT}" in body
    assert "internal_rule_17" not in body


def test_rejection_mixes_known_and_unknown_reasons():
    body = mails.rejected(TITLE, None, ["shouting", "internal_rule_17"]).body
    assert f"- {REASON_TEXTS['shouting']}\n- {UNKNOWN_REASON_TEXT}" in body


def test_rejection_without_reasons_still_explains_with_the_generic_text():
    assert f"- {UNKNOWN_REASON_TEXT}" in mails.rejected(TITLE, None, []).body


def test_rejection_invites_to_resubmit():
    assert "erneut einreichen" in mails.rejected(TITLE, None, ["shouting"]).body


def test_reason_texts_are_german_sentences():
    for text in [*REASON_TEXTS.values(), UNKNOWN_REASON_TEXT]:
        assert text[0].isupper() and text.endswith(".")
        assert "_" not in text
