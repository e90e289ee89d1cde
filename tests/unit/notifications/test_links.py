"""Unit tests of the signed links in mails."""

import uuid
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from services.notifications.links import Confirmation, InvalidLink, Links

LINKS = Links("https://aufbruch.example/", "https://web.aufbruch.example", "link-secret")
ID = uuid.UUID("3f2b8f8e-4c1e-4e57-9d4f-0b7d1c7a5e01")


def token(url: str) -> str:
    [value] = parse_qs(urlsplit(url).query)["token"]
    return value


@pytest.mark.parametrize("locale, prefix", [("de", ""), ("en", "/en"), (None, ""), ("fr", "")])
def test_mails_link_to_the_web_pages_in_the_recipients_language(locale, prefix):
    web = f"https://web.aufbruch.example{prefix}"
    assert LINKS.idea_url(ID, locale) == f"{web}/ideen/{ID}"
    assert LINKS.confirmation_url("follower", ID, locale).startswith(f"{web}/abo/bestaetigen?token=")
    assert LINKS.unsubscribe_page_url(ID, locale).startswith(f"{web}/abmelden?token=")


def test_the_moderator_alert_links_the_staff_pages_review_queue_not_the_api():
    assert LINKS.review_queue_url() == "https://web.aufbruch.example/verwaltung/pruefung"


def test_the_one_click_unsubscribe_url_is_the_apis_and_takes_the_pages_token():
    """RFC 8058: mail clients POST to the List-Unsubscribe URL, which must act on a bare POST."""
    url = LINKS.one_click_unsubscribe_url(ID)
    assert url.startswith("https://aufbruch.example/api/v1/unsubscribe?token=")
    assert token(url) == token(LINKS.unsubscribe_page_url(ID, "en"))


@pytest.mark.parametrize("subscription", ["follower", "digest"])
def test_a_confirmation_link_names_what_it_confirms(subscription):
    assert LINKS.read_confirmation(token(LINKS.confirmation_url(subscription, ID, "de"))) == Confirmation(
        subscription, ID
    )


def test_an_unsubscribe_link_names_its_mail_and_no_address():
    url = LINKS.one_click_unsubscribe_url(ID)
    assert LINKS.read_unsubscribe(token(url)) == ID
    assert "@" not in url
    assert LINKS.one_click_unsubscribe_url(ID) == url  # the same every time: it can be rebuilt when the mail goes out


def test_a_link_signed_with_another_secret_is_invalid():
    forged = Links("https://aufbruch.example/", "https://web.aufbruch.example", "guessed")
    with pytest.raises(InvalidLink):
        LINKS.read_unsubscribe(token(forged.one_click_unsubscribe_url(ID)))
    with pytest.raises(InvalidLink):
        LINKS.read_confirmation(token(forged.confirmation_url("follower", ID, "de")))


def test_an_altered_link_is_invalid():
    original = token(LINKS.one_click_unsubscribe_url(ID))
    payload, signature = original.split(".")
    other = token(LINKS.one_click_unsubscribe_url(uuid.uuid4())).split(".")[0]
    with pytest.raises(InvalidLink):
        LINKS.read_unsubscribe(f"{other}.{signature}")


def test_one_purpose_cannot_stand_for_the_other():
    with pytest.raises(InvalidLink):
        LINKS.read_unsubscribe(token(LINKS.confirmation_url("follower", ID, "de")))
    with pytest.raises(InvalidLink):
        LINKS.read_confirmation(token(LINKS.one_click_unsubscribe_url(ID)))


def test_a_confirmation_link_expires():
    with pytest.raises(InvalidLink):
        LINKS.read_confirmation(token(LINKS.confirmation_url("follower", ID, "de")), max_age=timedelta(seconds=-1))


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "%00"])
def test_garbage_is_invalid(garbage):
    with pytest.raises(InvalidLink):
        LINKS.read_unsubscribe(garbage)
    with pytest.raises(InvalidLink):
        LINKS.read_confirmation(garbage)
