"""Pure rules of participation: signed support links and one-level comment threads."""

import time
import uuid

import pytest
from itsdangerous import TimestampSigner

from aufbruch.contracts.errors import InvalidInput
from services.participation import links, threads

SECRET = "test-link-secret"
IDEA = uuid.uuid4()
PERSON = "a" * 64


def test_a_confirmation_link_names_its_idea_and_person():
    token = links.sign(SECRET, links.CONFIRM, IDEA, PERSON)
    assert links.verify(SECRET, links.CONFIRM, token) == (IDEA, PERSON)


def test_a_link_carries_the_pseudonym_only_never_an_address():
    token = links.sign(SECRET, links.CONFIRM, IDEA, PERSON)
    assert "@" not in token


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # the signature
        lambda token: "x" + token,  # the payload
        lambda token: "",
        lambda token: "not-a-token",
    ],
)
def test_a_damaged_link_is_refused(tamper):
    token = links.sign(SECRET, links.CONFIRM, IDEA, PERSON)
    with pytest.raises(links.InvalidLink):
        links.verify(SECRET, links.CONFIRM, tamper(token))


def test_a_link_signed_with_another_secret_is_refused():
    with pytest.raises(links.InvalidLink):
        links.verify(SECRET, links.CONFIRM, links.sign("another-secret", links.CONFIRM, IDEA, PERSON))


def test_a_confirmation_link_cannot_withdraw_nor_a_withdrawal_link_confirm():
    confirm = links.sign(SECRET, links.CONFIRM, IDEA, PERSON)
    withdraw = links.sign(SECRET, links.WITHDRAW, IDEA, PERSON)
    with pytest.raises(links.InvalidLink):
        links.verify(SECRET, links.WITHDRAW, confirm)
    with pytest.raises(links.InvalidLink):
        links.verify(SECRET, links.CONFIRM, withdraw)


def _signed_days_ago(monkeypatch, action: str, days: float) -> str:
    signed_at = time.time() - days * 86400
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(signed_at))
    token = links.sign(SECRET, action, IDEA, PERSON)
    monkeypatch.undo()
    return token


def test_a_confirmation_link_expires_after_its_max_age(monkeypatch):
    days = links.CONFIRM_MAX_AGE.days
    assert links.verify(SECRET, links.CONFIRM, _signed_days_ago(monkeypatch, links.CONFIRM, days - 0.5))
    with pytest.raises(links.InvalidLink, match="expired"):
        links.verify(SECRET, links.CONFIRM, _signed_days_ago(monkeypatch, links.CONFIRM, days + 0.5))


def test_a_withdrawal_link_never_expires(monkeypatch):
    assert links.verify(SECRET, links.WITHDRAW, _signed_days_ago(monkeypatch, links.WITHDRAW, 3650)) == (IDEA, PERSON)


# --- threads -------------------------------------------------------------------------------------


def comment(parent_id=None, idea_id=IDEA, status=threads.POSTED, hidden=False, **extra) -> dict:
    return {"id": uuid.uuid4(), "idea_id": idea_id, "parent_id": parent_id, "status": status, "hidden": hidden} | extra


def test_a_visible_top_level_comment_can_be_answered():
    assert threads.check_parent(comment(), IDEA) is None  # no InvalidInput naming parent_id


@pytest.mark.parametrize(
    ("parent", "message"),
    [
        (None, "No comment with this id"),
        (comment(idea_id=uuid.uuid4()), "No comment with this id"),
        (comment(parent_id=uuid.uuid4()), "not another reply"),
        (comment(status="submitted"), "not visible"),
        (comment(status="rejected"), "not visible"),
        (comment(hidden=True), "not visible"),
    ],
)
def test_a_reply_needs_a_visible_top_level_comment_of_the_same_idea(parent, message):
    with pytest.raises(InvalidInput) as refused:
        threads.check_parent(parent, IDEA)
    assert list(refused.value.errors) == ["parent_id"] and message in refused.value.errors["parent_id"][0]


def test_threads_hold_replies_under_their_comment_in_order():
    first, second = comment(), comment()
    reply_one, reply_two = comment(parent_id=first["id"]), comment(parent_id=first["id"])
    shown = threads.threads([first, reply_one, second, reply_two])
    assert [top["id"] for top in shown] == [first["id"], second["id"]]
    assert [reply["id"] for reply in shown[0]["replies"]] == [reply_one["id"], reply_two["id"]]
    assert shown[1]["replies"] == []


def test_replies_to_a_comment_that_is_not_shown_are_not_shown_either():
    assert threads.threads([comment(parent_id=uuid.uuid4())]) == []


@pytest.mark.parametrize(
    "locale, page",
    [
        ("de", "https://web.example/unterstuetzung/bestaetigen"),
        ("en", "https://web.example/en/unterstuetzung/bestaetigen"),
    ],
)
def test_a_link_opens_the_web_page_in_its_language_with_the_token(locale, page):
    token = links.sign(SECRET, links.CONFIRM, IDEA, PERSON)
    url = links.page_url("https://web.example/", locale, links.CONFIRM, token)
    assert url == f"{page}?token={token}"
    assert links.page_url("https://web.example", locale, links.WITHDRAW, token).endswith(
        f"/zuruecknehmen?token={token}"
    )
