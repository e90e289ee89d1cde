"""Unit tests of the signed links in mails."""

import uuid
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from services.notifications.links import Confirmation, InvalidLink, Links

LINKS = Links("https://aufbruch.example/", "link-secret")
ID = uuid.UUID("3f2b8f8e-4c1e-4e57-9d4f-0b7d1c7a5e01")


def token(url: str) -> str:
    [value] = parse_qs(urlsplit(url).query)["token"]
    return value


def test_urls_are_under_the_public_api():
    assert LINKS.idea_url(ID) == f"https://aufbruch.example/api/v1/ideas/{ID}"
    assert LINKS.unsubscribe_url(ID).startswith("https://aufbruch.example/api/v1/unsubscribe?token=")
    assert LINKS.confirmation_url("follower", ID).startswith(
        "https://aufbruch.example/api/v1/subscriptions/confirm?token="
    )


@pytest.mark.parametrize("subscription", ["follower", "digest"])
def test_a_confirmation_link_names_what_it_confirms(subscription):
    assert LINKS.read_confirmation(token(LINKS.confirmation_url(subscription, ID))) == Confirmation(subscription, ID)


def test_an_unsubscribe_link_names_its_mail_and_no_address():
    url = LINKS.unsubscribe_url(ID)
    assert LINKS.read_unsubscribe(token(url)) == ID
    assert "@" not in url
    assert LINKS.unsubscribe_url(ID) == url  # the same every time: it can be rebuilt when the mail goes out


def test_a_link_signed_with_another_secret_is_invalid():
    forged = Links("https://aufbruch.example/", "guessed")
    with pytest.raises(InvalidLink):
        LINKS.read_unsubscribe(token(forged.unsubscribe_url(ID)))
    with pytest.raises(InvalidLink):
        LINKS.read_confirmation(token(forged.confirmation_url("follower", ID)))


def test_an_altered_link_is_invalid():
    original = token(LINKS.unsubscribe_url(ID))
    payload, signature = original.split(".")
    other = token(LINKS.unsubscribe_url(uuid.uuid4())).split(".")[0]
    with pytest.raises(InvalidLink):
        LINKS.read_unsubscribe(f"{other}.{signature}")


def test_one_purpose_cannot_stand_for_the_other():
    with pytest.raises(InvalidLink):
        LINKS.read_unsubscribe(token(LINKS.confirmation_url("follower", ID)))
    with pytest.raises(InvalidLink):
        LINKS.read_confirmation(token(LINKS.unsubscribe_url(ID)))


def test_a_confirmation_link_expires():
    with pytest.raises(InvalidLink):
        LINKS.read_confirmation(token(LINKS.confirmation_url("follower", ID)), max_age=timedelta(seconds=-1))


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "%00"])
def test_garbage_is_invalid(garbage):
    with pytest.raises(InvalidLink):
        LINKS.read_unsubscribe(garbage)
    with pytest.raises(InvalidLink):
        LINKS.read_confirmation(garbage)
