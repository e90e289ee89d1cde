"""The participation service against the real broker and database, with the real notifications
service and the tests' SMTP server: what it learns of ideas from events (idempotently, in any
order), one support per person however many confirmations race, withdrawal, and what it makes of
moderation's decisions on comments. No address is ever stored by participation or put in an event."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import eventlet
import pytest
from nameko.testing.services import entrypoint_hook

from aufbruch.contracts.errors import Conflict, InvalidInput, NotFound
from aufbruch.contracts.events import new_event
from aufbruch.pseudonyms import pseudonym
from services.notifications.service import NotificationsService
from services.participation import links
from services.participation.service import ParticipationService
from tests.support.infrastructure import wait_until

TITLE = "Mehr Fahrradbügel am Bahnhof"
NOW = datetime.now(UTC)
WEB_URL = "https://beteiligung.example"


@pytest.fixture
def participation(container_factory, config):
    container = container_factory(ParticipationService, config | {"PUBLIC_WEB_URL": WEB_URL})
    container.start()
    return container


@pytest.fixture
def notifications(container_factory, config):
    container = container_factory(NotificationsService, config)
    container.start()
    return container


def call(container, method: str, *args):
    with entrypoint_hook(container, method) as hook:
        return hook(*args)


BATCH_HANDLERS = {"on_idea_submitted", "on_idea_published", "on_idea_rejected", "on_idea_hidden", "on_idea_unhidden"}


def deliver(container, handler: str, event_type: str, data: dict) -> dict:
    event = new_event(event_type, data)
    call(container, handler, [event] if handler in BATCH_HANDLERS else event)
    return event


def published_idea(participation) -> str:
    idea_id = str(uuid.uuid4())
    deliver(
        participation,
        "on_idea_published",
        "idea.published",
        {
            "idea_id": idea_id,
            "title": TITLE,
            "description": "Am Hauptbahnhof fehlen sichere Abstellplätze.",
            "category": "mobility",
            "district": None,
            "published_at": NOW,
        },
    )
    return idea_id


def outbox(database, event_type: str) -> list[dict]:
    return [
        body["data"]
        for (body,) in database.query(
            "select body from participation.outbox where event_type = %s order by id", (event_type,)
        )
    ]


def token(config, action: str, idea_id: str, email: str) -> str:
    return links.sign(config["LINK_SECRET"], action, idea_id, pseudonym(config["PSEUDONYM_SECRET"], email))


def address() -> str:
    return f"fan-{uuid.uuid4().hex[:10]}@example.org"


# --- ideas, from events --------------------------------------------------------------------------


def test_an_idea_is_open_for_support_only_once_published(participation):
    idea_id = str(uuid.uuid4())
    with pytest.raises(NotFound):
        call(participation, "support_count", idea_id)
    deliver(
        participation,
        "on_idea_submitted",
        "idea.submitted",
        {"idea_id": idea_id, "title": TITLE, "description": "x" * 20, "category": "mobility", "submitted_at": NOW},
    )
    assert call(participation, "support_count", idea_id) == {"idea_id": idea_id, "count": 0, "open": False}
    with pytest.raises(Conflict):
        call(participation, "submit_comment", idea_id, {"body": "Gute Idee!"})


def test_a_late_or_repeated_event_does_not_move_an_idea_back(participation, database):
    idea_id = published_idea(participation)
    late_submitted = new_event(
        "idea.submitted",
        {"idea_id": idea_id, "title": TITLE, "description": "x" * 20, "category": "mobility", "submitted_at": NOW},
    )
    call(participation, "on_idea_submitted", [late_submitted])
    call(participation, "on_idea_submitted", [late_submitted, late_submitted])
    assert database.query("select status, title from participation.ideas where idea_id = %s", (idea_id,)) == [
        ("published", TITLE)
    ]


def test_the_latest_hide_or_unhide_wins_whatever_the_arrival_order(participation):
    idea_id = published_idea(participation)
    deliver(
        participation,
        "on_idea_unhidden",
        "idea.unhidden",
        {
            "idea_id": idea_id,
            "reason": "acceptable",
            "actor_kind": "moderator",
            "unhidden_at": NOW + timedelta(minutes=2),
        },
    )
    deliver(
        participation,
        "on_idea_hidden",
        "idea.hidden",
        {"idea_id": idea_id, "reason": "flags", "actor_kind": "automatic", "hidden_at": NOW + timedelta(minutes=1)},
    )
    call(participation, "submit_comment", idea_id, {"body": "Sichtbar, also kommentierbar."})

    deliver(
        participation,
        "on_idea_hidden",
        "idea.hidden",
        {"idea_id": idea_id, "reason": "spam", "actor_kind": "moderator", "hidden_at": NOW + timedelta(minutes=3)},
    )
    with pytest.raises(Conflict):
        call(participation, "submit_comment", idea_id, {"body": "Versteckt, also nicht."})


# --- supports ------------------------------------------------------------------------------------


def mailed_links(mail) -> dict[str, str]:
    """The links of a support mail: each web page it opens (without PUBLIC_WEB_URL), with its token."""
    body = mail.get_body(("plain",)).get_content()
    found = {}
    for url in re.findall(rf"{re.escape(WEB_URL)}\S+", body):
        parts = urlsplit(url)
        [found[parts.path]] = parse_qs(parts.query)["token"]
    return found


def test_a_support_request_mails_links_to_the_web_pages_and_stores_no_address(
    participation, notifications, smtp_sink, database
):
    idea_id = published_idea(participation)
    email = address()
    assert call(participation, "request_support", idea_id, {"email": email}) == {"status": "confirmation_sent"}

    [mail] = wait_until(lambda: smtp_sink.messages_to(email), message="the confirmation mail")
    assert TITLE in mail["Subject"]
    mailed = mailed_links(mail)
    assert set(mailed) == {"/unterstuetzung/bestaetigen", "/unterstuetzung/zuruecknehmen"}  # German: no /en
    confirmed = call(participation, "confirm_support", {"token": mailed["/unterstuetzung/bestaetigen"]})
    assert confirmed == {"idea_id": idea_id, "supported": True, "count": 1}
    withdrawn = call(participation, "withdraw_support", {"token": mailed["/unterstuetzung/zuruecknehmen"]})
    assert withdrawn == {"idea_id": idea_id, "supported": False, "count": 0}

    tables = [
        name
        for (name,) in database.query(
            "select table_name from information_schema.tables where table_schema = 'participation'"
        )
    ]
    for table in tables:
        assert email not in str(database.query(f"select * from participation.{table}")), table


@pytest.mark.parametrize(
    ("body", "accepted_locale"), [({"locale": "en"}, None), ({}, "en")], ids=["locale", "accept-language"]
)
def test_an_english_support_request_gets_an_english_mail_linking_the_english_pages(
    participation, notifications, smtp_sink, body, accepted_locale
):
    idea_id = published_idea(participation)
    email = address()
    call(participation, "request_support", idea_id, {"email": email} | body, accepted_locale)

    [mail] = wait_until(lambda: smtp_sink.messages_to(email), message="the confirmation mail")
    assert mail["Subject"] == f"Please confirm your support: {TITLE}"
    assert "Only then does your support count." in mail.get_body(("plain",)).get_content()
    mailed = mailed_links(mail)
    assert set(mailed) == {"/en/unterstuetzung/bestaetigen", "/en/unterstuetzung/zuruecknehmen"}
    confirmed = call(participation, "confirm_support", {"token": mailed["/en/unterstuetzung/bestaetigen"]})
    assert confirmed == {"idea_id": idea_id, "supported": True, "count": 1}


def test_a_support_for_an_unknown_or_unpublished_idea_is_refused_before_any_mail(participation):
    with pytest.raises(NotFound):
        call(participation, "request_support", str(uuid.uuid4()), {"email": address()})
    with pytest.raises(InvalidInput) as refused:
        call(participation, "request_support", published_idea(participation), {"email": "kein-at", "locale": "fr"})
    assert sorted(refused.value.errors) == ["email", "locale"]


def test_concurrent_confirmations_of_one_person_count_once(participation, database, config):
    idea_id = published_idea(participation)
    link = {"token": token(config, links.CONFIRM, idea_id, address())}

    pool = eventlet.GreenPool(20)
    states = list(pool.imap(lambda _: call(participation, "confirm_support", link), range(20)))

    assert {state["count"] for state in states} == {1}
    assert call(participation, "support_count", idea_id)["count"] == 1
    assert [event["support_count"] for event in outbox(database, "idea.supported")] == [1]


def test_concurrent_confirmations_of_many_people_each_count_once_with_exact_counts(participation, database, config):
    idea_id = published_idea(participation)
    people = [{"token": token(config, links.CONFIRM, idea_id, address())} for _ in range(12)]

    pool = eventlet.GreenPool(12)
    list(pool.imap(lambda link: call(participation, "confirm_support", link), people + people))

    assert call(participation, "support_count", idea_id)["count"] == 12
    assert sorted(event["support_count"] for event in outbox(database, "idea.supported")) == list(range(1, 13))


def test_the_same_address_in_other_spelling_is_the_same_person(participation, config):
    idea_id = published_idea(participation)
    call(participation, "confirm_support", {"token": token(config, links.CONFIRM, idea_id, "Erika@Example.org")})
    call(participation, "confirm_support", {"token": token(config, links.CONFIRM, idea_id, " erika@example.org")})
    assert call(participation, "support_count", idea_id)["count"] == 1


def test_withdrawing_removes_the_support_once_and_tells_only_the_count(participation, database, config):
    idea_id = published_idea(participation)
    email = address()
    call(participation, "confirm_support", {"token": token(config, links.CONFIRM, idea_id, email)})
    withdraw = {"token": token(config, links.WITHDRAW, idea_id, email)}
    assert call(participation, "withdrawal_state", withdraw)["supported"] is True

    assert call(participation, "withdraw_support", withdraw) == {"idea_id": idea_id, "supported": False, "count": 0}
    assert call(participation, "withdraw_support", withdraw)["count"] == 0
    [withdrawn] = outbox(database, "idea.support_withdrawn")  # the second withdrawal announced nothing
    assert set(withdrawn) == {"idea_id", "support_count", "withdrawn_at"}
    assert (withdrawn["idea_id"], withdrawn["support_count"]) == (idea_id, 0)


def test_a_forged_or_crossed_link_is_refused_naming_the_token(participation, config):
    idea_id = published_idea(participation)
    withdraw_token = token(config, links.WITHDRAW, idea_id, address())
    for bad in ("forged", withdraw_token):
        with pytest.raises(InvalidInput) as refused:
            call(participation, "confirm_support", {"token": bad})
        assert list(refused.value.errors) == ["token"]


def test_a_hidden_idea_takes_no_new_support(participation, config):
    idea_id = published_idea(participation)
    deliver(
        participation,
        "on_idea_hidden",
        "idea.hidden",
        {"idea_id": idea_id, "reason": "flags", "actor_kind": "automatic", "hidden_at": NOW},
    )
    with pytest.raises(Conflict):
        call(participation, "confirm_support", {"token": token(config, links.CONFIRM, idea_id, address())})


# --- comments ------------------------------------------------------------------------------------


def decide(participation, comment_id: str, idea_id: str, decision: str, actor_kind: str = "automatic") -> dict:
    return deliver(
        participation,
        "on_comment_moderated",
        "comment.moderated",
        {
            "comment_id": comment_id,
            "idea_id": idea_id,
            "decision": decision,
            "reasons": [],
            "actor_kind": actor_kind,
            "decided_at": datetime.now(UTC),
        },
    )


def test_a_comment_waits_for_moderation_and_hands_only_its_text_to_it(participation, database):
    idea_id = published_idea(participation)
    receipt = call(participation, "submit_comment", idea_id, {"body": "Gute Idee!", "author_name": "Erika M."})
    assert receipt["status"] == "submitted" and receipt["parent_id"] is None

    [submitted] = outbox(database, "comment.submitted")
    assert submitted["comment_id"] == receipt["id"] and submitted["body"] == "Gute Idee!"
    assert "Erika" not in str(submitted)
    assert call(participation, "comments", idea_id)["items"] == []


def test_an_approved_comment_is_posted_once_and_listed_with_its_name(participation, database):
    idea_id = published_idea(participation)
    comment_id = call(participation, "submit_comment", idea_id, {"body": "Gute Idee!", "author_name": "Erika M."})["id"]

    event = decide(participation, comment_id, idea_id, "approve")
    call(participation, "on_comment_moderated", event)  # redelivered
    decide(participation, comment_id, idea_id, "approve", "moderator")  # a second decision changes nothing

    [posted] = outbox(database, "comment.posted")
    assert posted["comment_id"] == comment_id and "Erika" not in str(posted)
    listing = call(participation, "comments", idea_id)
    assert listing["total"] == 1
    assert [(item["id"], item["author_name"], item["body"]) for item in listing["items"]] == [
        (comment_id, "Erika M.", "Gute Idee!")
    ]


def test_a_reviewed_comment_is_posted_when_the_moderator_approves_and_never_when_rejected(participation, database):
    idea_id = published_idea(participation)
    approved = call(participation, "submit_comment", idea_id, {"body": "Ruft an: 0171 2345678"})["id"]
    rejected = call(participation, "submit_comment", idea_id, {"body": "Ruft an: 0171 7654321"})["id"]
    for comment_id in (approved, rejected):
        decide(participation, comment_id, idea_id, "review")
    assert call(participation, "comments", idea_id)["items"] == []

    decide(participation, approved, idea_id, "approve", "moderator")
    decide(participation, rejected, idea_id, "reject", "moderator")

    assert [item["id"] for item in call(participation, "comments", idea_id)["items"]] == [approved]
    assert [event["comment_id"] for event in outbox(database, "comment.posted")] == [approved]


def test_a_hidden_comment_leaves_the_list_with_its_replies_and_returns_when_unhidden(participation):
    idea_id = published_idea(participation)
    top = call(participation, "submit_comment", idea_id, {"body": "Gute Idee!"})["id"]
    decide(participation, top, idea_id, "approve")
    reply = call(participation, "submit_comment", idea_id, {"body": "Finde ich auch.", "parent_id": top})["id"]
    decide(participation, reply, idea_id, "approve")
    [thread] = call(participation, "comments", idea_id)["items"]
    assert [r["id"] for r in thread["replies"]] == [reply]

    deliver(
        participation,
        "on_comment_hidden",
        "comment.hidden",
        {"comment_id": top, "idea_id": idea_id, "reason": "flags", "actor_kind": "automatic", "hidden_at": NOW},
    )
    assert call(participation, "comments", idea_id) == {"idea_id": idea_id, "items": [], "total": 0}

    deliver(
        participation,
        "on_comment_unhidden",
        "comment.unhidden",
        {
            "comment_id": top,
            "idea_id": idea_id,
            "reason": "acceptable",
            "actor_kind": "moderator",
            "unhidden_at": NOW + timedelta(seconds=1),
        },
    )
    assert call(participation, "comments", idea_id)["total"] == 2


def test_a_reply_to_a_reply_is_refused_naming_parent_id(participation):
    idea_id = published_idea(participation)
    top = call(participation, "submit_comment", idea_id, {"body": "Gute Idee!"})["id"]
    decide(participation, top, idea_id, "approve")
    reply = call(participation, "submit_comment", idea_id, {"body": "Stimmt.", "parent_id": top})["id"]
    decide(participation, reply, idea_id, "approve")

    with pytest.raises(InvalidInput) as refused:
        call(participation, "submit_comment", idea_id, {"body": "Und noch tiefer.", "parent_id": reply})
    assert list(refused.value.errors) == ["parent_id"]
    with pytest.raises(InvalidInput) as refused:
        call(participation, "submit_comment", published_idea(participation), {"body": "Andere Idee.", "parent_id": top})
    assert list(refused.value.errors) == ["parent_id"]
