import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from services.web import forms, i18n
from services.web.pages import city_date
from services.web.texts import TEXTS


def request(path: str, **headers) -> Request:
    return Request(EnvironBuilder(path=path, headers=headers).get_environ())


@pytest.mark.parametrize(
    ("message", "german"),
    [
        ("Missing data for required field.", "Bitte ausfüllen."),
        ("Length must be between 20 and 5000.", "Bitte 20 bis 5000 Zeichen."),
        ("Longer than maximum length 100.", "Bitte höchstens 100 Zeichen."),
        ("Not a valid email address.", "Bitte geben Sie eine gültige E-Mail-Adresse an."),
        ("Must be one of: mobility, other.", "Bitte wählen Sie einen Eintrag der Liste."),
        ("Something the web does not know.", "Something the web does not know."),
    ],
)
def test_the_apis_messages_in_german(message, german):
    assert forms.in_language("de", message) == german
    assert forms.in_language("en", message) == message


def test_nested_errors_land_on_the_forms_fields_and_the_rest_in_the_summary():
    errors = {"author": {"email": ["Not a valid email address."]}, "extra": ["Unknown field."], "title": ["x"]}

    shown = forms.field_errors(errors, forms.IDEA_FIELDS, "de")

    assert shown == {
        "email": "Bitte geben Sie eine gültige E-Mail-Adresse an.",
        "title": "x",
        "_general": "Unbekanntes Feld.",
    }


def test_an_idea_without_author_or_process_sends_neither():
    form = {"title": " Bänke ", "description": "d", "category": "other", "district": " ", "name": "", "email": ""}

    assert forms.idea_submission(form) == {
        "title": " Bänke ",
        "description": "d",
        "category": "other",
        "district": None,
        "locale": None,
    }


@pytest.mark.parametrize(
    ("path", "query", "other"),
    [
        ("/", "", "/en/"),
        ("/en/", "", "/?lang=de"),
        ("/en", "", "/?lang=de"),
        ("/ideen", "category=mobility&page=2", "/en/ideen?category=mobility&page=2"),
        ("/en/ideen/abc", "", "/ideen/abc"),
        ("/verwaltung/faelle/1", "", "/en/verwaltung/faelle/1"),
    ],
)
def test_every_page_links_to_itself_in_the_other_language(path, query, other):
    assert i18n.other_language_url(request(f"{path}?{query}" if query else path)) == other


def test_only_the_start_page_listens_to_the_browser():
    assert i18n.browser_prefers_english(request("/", **{"Accept-Language": "en-US,en;q=0.9,de;q=0.5"}))
    assert not i18n.browser_prefers_english(request("/?lang=de", **{"Accept-Language": "en-US"}))
    assert not i18n.browser_prefers_english(request("/", **{"Accept-Language": "fr-FR, de;q=0.8"}))


def test_dates_are_the_citys_days_written_out():
    assert city_date("de", "2026-12-31T23:30:00+00:00") == "1. Januar 2027"  # already the next day in Gütersloh
    assert city_date("en", "2027-03-31") == "31 March 2027"
    assert city_date("de", None) == ""


def test_both_languages_have_every_text():
    assert set(TEXTS["de"]) == set(TEXTS["en"])
