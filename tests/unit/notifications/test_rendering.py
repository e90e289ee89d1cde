"""Unit tests of the mails' words: every template in German and English, as plain text and HTML."""

import pytest
from markupsafe import escape

from aufbruch.labels import CATEGORY_LABELS
from services.notifications import rendering
from services.notifications.rendering import (
    HIDING_REASONS,
    REJECTION_REASONS,
    UNKNOWN_HIDING_REASON,
    UNKNOWN_REJECTION_REASON,
    render,
)

TITLE = "Mehr Bänke im Stadtpark"
IDEA_URL = "https://web.aufbruch.example/ideen/3f2b8f8e-4c1e-4e57-9d4f-0b7d1c7a5e01"
UNSUBSCRIBE_URL = "https://web.aufbruch.example/abmelden?token=abc.def"
CONFIRM_URL = "https://web.aufbruch.example/abo/bestaetigen?token=ghi.jkl"
SUPPORT_CONFIRM_URL = "https://aufbruch.example/api/v1/supports/confirm?token=abc.def"
SUPPORT_WITHDRAW_URL = "https://aufbruch.example/api/v1/supports/withdraw?token=ghi.jkl"
CASES = [
    {"case_id": "c-1", "idea_id": "i-1", "requested_at": "12.05.2025 09:14", "reasons": ["personal_data"]},
    {"case_id": "c-2", "idea_id": "i-2", "requested_at": "12.05.2025 09:20", "reasons": ["near_duplicate"]},
]
CONTEXTS = {  # every template with what it needs
    "receipt": dict(title=TITLE, idea_url=IDEA_URL),
    "published": dict(title=TITLE, idea_url=IDEA_URL),
    "rejected": dict(title=TITLE, idea_url=IDEA_URL, reason_codes=["link_spam"]),
    "hidden": dict(title=TITLE, idea_url=IDEA_URL, reason_code="flags"),
    "follow_confirmation": dict(title=TITLE, confirm_url=CONFIRM_URL),
    "digest_confirmation": dict(category_code="mobility", confirm_url=CONFIRM_URL),
    "follower_published": dict(title=TITLE, idea_url=IDEA_URL),
    "follower_rejected": dict(title=TITLE, idea_url=IDEA_URL, reason_codes=["spam"]),
    "follower_hidden": dict(title=TITLE, idea_url=IDEA_URL, reason_code="legal_review"),
    "follower_unhidden": dict(title=TITLE, idea_url=IDEA_URL),
    "digest": dict(category_code="mobility", ideas=[{"title": TITLE, "url": IDEA_URL}]),
    "status_changed": dict(
        title=TITLE, idea_url=IDEA_URL, official_status="in_implementation", answer="Bänke & Tische kommen im Juni."
    ),
    "follower_status_changed": dict(
        title=TITLE, idea_url=IDEA_URL, official_status="accepted", answer="Wir setzen das um."
    ),
    "support_confirmation": dict(title=TITLE, confirm_url=SUPPORT_CONFIRM_URL, withdraw_url=SUPPORT_WITHDRAW_URL),
    "moderator_alert": dict(cases=CASES, queue_url="https://web.aufbruch.example/verwaltung/pruefung"),
}
SUBJECTS = {
    ("receipt", "de"): f"Ihre Idee ist eingegangen: {TITLE}",
    ("receipt", "en"): f"Your idea has arrived: {TITLE}",
    ("published", "de"): f"Ihre Idee ist veröffentlicht: {TITLE}",
    ("published", "en"): f"Your idea is published: {TITLE}",
    ("rejected", "de"): f"Ihre Idee wurde nicht veröffentlicht: {TITLE}",
    ("rejected", "en"): f"Your idea was not published: {TITLE}",
    ("hidden", "de"): f"Ihre Idee ist vorübergehend ausgeblendet: {TITLE}",
    ("hidden", "en"): f"Your idea is hidden for now: {TITLE}",
    ("moderator_alert", "de"): "2 Fälle warten auf Prüfung",
    ("moderator_alert", "en"): "2 cases wait for review",
    ("status_changed", "de"): f"Die Stadt hat auf Ihre Idee geantwortet: in Umsetzung – {TITLE}",
    ("status_changed", "en"): f"The city answered your idea: in implementation – {TITLE}",
    ("follower_status_changed", "de"): f"Neuigkeiten zur Idee „{TITLE}“: angenommen",
    ("follower_status_changed", "en"): f"News about the idea “{TITLE}”: accepted",
    ("support_confirmation", "de"): f"Bitte bestätigen Sie Ihre Unterstützung: {TITLE}",
    ("support_confirmation", "en"): f"Please confirm your support: {TITLE}",
    ("digest", "de"): "Neue Ideen zu „Mobilität“: 1",
    ("digest", "en"): "New ideas on “Mobility”: 1",
}
TEMPLATES = sorted(path.stem for path in (rendering.TEMPLATES / "de").glob("*.jinja") if path.stem != "layout")


def mail(template: str, locale: str = "de", name: str | None = "Erika Muster", **overrides):
    return render(template, locale, name=name, unsubscribe_url=UNSUBSCRIBE_URL, **(CONTEXTS[template] | overrides))


def test_every_template_exists_in_both_languages_and_is_tested_here():
    english = sorted(path.stem for path in (rendering.TEMPLATES / "en").glob("*.jinja") if path.stem != "layout")
    assert TEMPLATES == english == sorted(CONTEXTS)


@pytest.mark.parametrize("locale", ["de", "en"])
@pytest.mark.parametrize("template", TEMPLATES)
class TestEveryMail:
    def test_has_a_one_line_subject_and_both_parts(self, template, locale):
        rendered = mail(template, locale)
        assert rendered.subject and "\n" not in rendered.subject
        assert rendered.text.strip() and rendered.html.startswith("<!DOCTYPE html>")
        assert f'<html lang="{locale}">' in rendered.html

    def test_both_parts_carry_the_unsubscribe_link(self, template, locale):
        rendered = mail(template, locale)
        assert UNSUBSCRIBE_URL in rendered.text
        assert f'href="{UNSUBSCRIBE_URL}"' in rendered.html

    def test_greets_by_name_or_without(self, template, locale):
        greeting = {"de": "Guten Tag", "en": "Hello"}[locale]
        assert mail(template, locale).text.startswith(f"{greeting} Erika Muster,\n")
        assert mail(template, locale, name=None).text.startswith(f"{greeting},\n")
        assert "None" not in mail(template, locale, name=None).text

    def test_plain_text_has_no_markup_and_no_runs_of_blank_lines(self, template, locale):
        text = mail(template, locale).text
        assert "<" not in text and "\n\n\n" not in text

    def test_html_escapes_what_people_typed_and_text_keeps_it(self, template, locale):
        typed = "<script>alert(1)</script> & Co"
        rendered = mail(template, locale, name=typed)
        assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
        assert typed in rendered.text


@pytest.mark.parametrize("template, locale", sorted(SUBJECTS))
def test_subjects(template, locale):
    assert mail(template, locale).subject == SUBJECTS[(template, locale)]


def test_the_other_language_is_really_another_language():
    assert "Guten Tag" in mail("receipt", "de").text and "Mit freundlichen Grüßen" in mail("receipt", "de").text
    assert "Hello" in mail("receipt", "en").text and "Kind regards" in mail("receipt", "en").text
    assert "Grüßen" not in mail("receipt", "en").text


@pytest.mark.parametrize("locale", [None, "fr", ""])
def test_an_unsupported_locale_gets_the_citys_language(locale):
    assert mail("receipt", locale).subject == SUBJECTS[("receipt", "de")]


def test_a_title_with_a_line_break_cannot_break_the_subject_header():
    assert (
        mail("receipt", title="Zwei\r\nBcc: someone@example.org").subject
        == "Ihre Idee ist eingegangen: Zwei Bcc: someone@example.org"
    )


@pytest.mark.parametrize("locale", ["de", "en"])
@pytest.mark.parametrize("template", ["rejected", "follower_rejected"])
def test_rejection_reasons_are_words_in_the_mails_language_never_codes(template, locale):
    codes = ["link_spam", "offensive_language", "internal_rule_17"]
    rendered = mail(template, locale, reason_codes=codes)
    for part, words in ((rendered.text, str), (rendered.html, lambda text: str(escape(text)))):
        positions = [part.index(words(REJECTION_REASONS[locale][code])) for code in codes[:2]]
        assert positions == sorted(positions)
        assert words(UNKNOWN_REJECTION_REASON[locale]) in part
        assert not any(code in part for code in codes)


@pytest.mark.parametrize("locale", ["de", "en"])
def test_every_rejection_reason_has_words_in_both_languages(locale):
    assert REJECTION_REASONS[locale].keys() == REJECTION_REASONS["de"].keys()
    for text in [*REJECTION_REASONS[locale].values(), UNKNOWN_REJECTION_REASON[locale]]:
        assert text[0].isupper() and text.endswith(".") and "_" not in text


def test_a_rejection_without_reasons_still_explains():
    assert UNKNOWN_REJECTION_REASON["de"] in mail("rejected", reason_codes=[]).text


@pytest.mark.parametrize("locale", ["de", "en"])
@pytest.mark.parametrize("code", sorted(HIDING_REASONS["de"]) + ["other"])
def test_hiding_reasons_are_words(locale, code):
    text = mail("hidden", locale, reason_code=code).text
    assert HIDING_REASONS[locale].get(code, UNKNOWN_HIDING_REASON[locale]) in text
    if "_" in code or code == "flags":  # a code, not a word the sentence may use ("spam")
        assert code not in text


@pytest.mark.parametrize("locale", ["de", "en"])
def test_categories_are_named_in_the_mails_language(locale):
    assert CATEGORY_LABELS[locale]["mobility"] in mail("digest_confirmation", locale).text
    assert "mobility" not in mail("digest_confirmation", locale).subject


def test_confirmation_mails_carry_the_confirmation_link_and_say_nothing_comes_without_it():
    for template in ("follow_confirmation", "digest_confirmation"):
        rendered = mail(template)
        assert CONFIRM_URL in rendered.text and f'href="{CONFIRM_URL}"' in rendered.html
        assert "Ohne Bestätigung schicken wir Ihnen nichts weiter" in rendered.text


@pytest.mark.parametrize("locale", ["de", "en"])
def test_the_support_confirmation_carries_the_confirmation_and_then_the_withdrawal_link(locale):
    rendered = mail("support_confirmation", locale)
    lines = rendered.text.splitlines()
    assert lines.index(SUPPORT_CONFIRM_URL) < lines.index(SUPPORT_WITHDRAW_URL)
    assert f'href="{SUPPORT_CONFIRM_URL}"' in rendered.html and f'href="{SUPPORT_WITHDRAW_URL}"' in rendered.html


def test_the_citys_answer_is_quoted_as_typed_in_text_and_escaped_in_html():
    rendered = mail("status_changed")
    assert "Bänke & Tische kommen im Juni." in rendered.text
    assert "Bänke &amp; Tische kommen im Juni." in rendered.html
    assert "in_implementation" not in rendered.text


def test_the_moderator_alert_lists_every_waiting_case():
    text = mail("moderator_alert").text
    assert "Fall c-1 (Idee i-1), seit 12.05.2025 09:14: personal_data" in text
    assert "Fall c-2" in text
    assert "Zur Warteschlange: https://web.aufbruch.example/verwaltung/pruefung" in text


def test_the_digest_lists_each_idea_with_its_link():
    ideas = [{"title": "Erste Idee", "url": "u1"}, {"title": "Zweite Idee", "url": "u2"}]
    rendered = mail("digest", ideas=ideas)
    assert "- Erste Idee\n  u1\n- Zweite Idee\n  u2" in rendered.text
    assert rendered.subject == "Neue Ideen zu „Mobilität“: 2"
    assert '<a href="u2">Zweite Idee</a>' in rendered.html
