"""The notifications service with the real ideas service (for the address), PostgreSQL, RabbitMQ
and the tests' SMTP server: exactly one mail per idea and kind, passing failures retried, lasting
ones announced, and no address in any event.

The ideas container also relays its events, so the notifications service may receive each one from
the broker as well as from the test: one more duplicate for it to ignore."""

import json
import time
from datetime import UTC, datetime

import pytest
import requests

from aufbruch.contracts.events import new_event, parse_event
from services.notifications import delivery
from services.notifications.service import DELIVERY_INTERVAL_SECONDS, NotificationsService
from tests.support.infrastructure import free_port, wait_until
from tests.support.notifications import address, call, start, start_ideas, text_of, wait_for_mails

IDEA = {
    "title": "Mehr Fahrradbügel am Bahnhof",
    "description": "Am Hauptbahnhof fehlen sichere Abstellplätze für Fahrräder, besonders morgens.",
    "category": "mobility",
}
AUTHOR_NAME = "Erika Muster"
QUIET_PERIOD = 4 * DELIVERY_INTERVAL_SECONDS  # long enough for a second mail to show up if there were one
WAIT = 15  # the whole suite shares the SMTP sink with the end-to-end platform


@pytest.fixture
def ideas(container_factory, config):
    return start_ideas(container_factory, config)


@pytest.fixture
def notifications(container_factory, config, ideas):
    return start(container_factory, NotificationsService, config)


def submit(ideas, database, email: str | None) -> tuple[str, dict]:
    """Submit an idea through the ideas service's API; returns its id and its idea.submitted event."""
    author = {"name": AUTHOR_NAME, "email": email} if email else None
    response = requests.post(f"{ideas.base_url}/ideas", json=IDEA | {"author": author}, timeout=10)
    assert response.status_code == 202, response.text
    idea_id = response.json()["id"]
    return idea_id, ideas_event(database, "idea.submitted", idea_id)


def ideas_event(database, event_type: str, idea_id: str) -> dict:
    rows = database.query("select body from ideas.outbox where event_type = %s", (event_type,))
    [event] = [body for (body,) in rows if body["data"]["idea_id"] == idea_id]
    return event


def decide(ideas, database, idea_id: str, decision: str, reasons: list[str]) -> dict:
    """Let the ideas service apply a moderation decision; returns the event it announced."""
    call(
        ideas,
        "on_moderation_decided",
        [
            new_event(
                "moderation.decided",
                {
                    "idea_id": idea_id,
                    "decision": decision,
                    "reasons": reasons,
                    "actor_kind": "automatic",
                    "decided_at": datetime.now(UTC),
                },
            )
        ],
    )
    return ideas_event(database, {"approve": "idea.published", "reject": "idea.rejected"}[decision], idea_id)


def mail_row(database, idea_id: str, kind: str = "receipt") -> dict | None:
    rows = database.query(
        "select recipient, status, attempts, next_attempt_at > now(), last_error, subject"
        " from notifications.mails where idea_id = %s and kind = %s",
        (idea_id, kind),
    )
    if not rows:
        return None
    [(recipient, status, attempts, postponed, last_error, subject)] = rows
    return {
        "recipient": recipient,
        "status": status,
        "attempts": attempts,
        "postponed": postponed,
        "last_error": last_error,
        "subject": subject,
    }


def wait_for_mail_row(database, idea_id: str, condition, kind: str = "receipt") -> dict:
    return wait_until(
        lambda: (row := mail_row(database, idea_id, kind)) and condition(row) and row,
        timeout=WAIT,
        message=f"the {kind} mail of {idea_id} to change",
    )


def notification_events(database, event_type: str) -> list[dict]:
    rows = database.query("select body from notifications.outbox where event_type = %s order by id", (event_type,))
    return [body for (body,) in rows]


def processed(database, event: dict) -> bool:
    return bool(database.query("select 1 from notifications.processed_events where event_id = %s", (event["id"],)))


def test_a_receipt_delivered_twice_is_mailed_once_and_announced_without_the_address(
    ideas, notifications, database, smtp_sink
):
    to = address()
    idea_id, submitted = submit(ideas, database, to)

    call(notifications, "on_idea_submitted", submitted)
    call(notifications, "on_idea_submitted", submitted)

    [mail] = wait_for_mails(smtp_sink, to, 1)
    assert mail["Subject"] == f"Ihre Idee ist eingegangen: {IDEA['title']}"
    assert AUTHOR_NAME in text_of(mail) and idea_id in text_of(mail)
    row = wait_for_mail_row(database, idea_id, lambda row: row["status"] == "sent")
    assert row["attempts"] == 1 and row["last_error"] is None
    [sent] = wait_until(
        lambda: notification_events(database, "notification.sent"), timeout=WAIT, message="notification.sent"
    )
    assert sent["data"]["idea_id"] == idea_id and sent["data"]["kind"] == "receipt"
    raw = json.dumps(sent)
    assert to not in raw and AUTHOR_NAME not in raw and "@" not in raw
    time.sleep(QUIET_PERIOD)
    assert len(smtp_sink.messages_to(to)) == 1
    assert len(notification_events(database, "notification.sent")) == 1
    assert database.query("select count(*) from notifications.mails") == [(1,)]


def test_a_republished_event_with_a_new_id_owes_no_second_mail(ideas, notifications, database, smtp_sink):
    to = address()
    idea_id, submitted = submit(ideas, database, to)
    republished = new_event("idea.submitted", parse_event(submitted).data)

    call(notifications, "on_idea_submitted", submitted)
    call(notifications, "on_idea_submitted", republished)

    wait_for_mails(smtp_sink, to, 1)
    time.sleep(QUIET_PERIOD)
    assert len(smtp_sink.messages_to(to)) == 1
    assert processed(database, submitted) and processed(database, republished)


def test_publication_and_rejection_mails_follow_the_receipt(ideas, notifications, database, smtp_sink):
    published_to, rejected_to = address(), address()
    published_id, _ = submit(ideas, database, published_to)
    rejected_id, _ = submit(ideas, database, rejected_to)

    call(notifications, "on_idea_published", decide(ideas, database, published_id, "approve", []))
    call(notifications, "on_idea_rejected", decide(ideas, database, rejected_id, "reject", ["link_spam"]))

    published = [m for m in wait_for_mails(smtp_sink, published_to, 2) if "ist veröffentlicht" in m["Subject"]]
    rejected = [m for m in wait_for_mails(smtp_sink, rejected_to, 2) if "nicht veröffentlicht" in m["Subject"]]
    assert len(published) == 1 and len(rejected) == 1
    assert "zu viele Links" in text_of(rejected[0])
    assert "link_spam" not in text_of(rejected[0])
    time.sleep(QUIET_PERIOD)
    assert len(smtp_sink.messages_to(published_to)) == len(smtp_sink.messages_to(rejected_to)) == 2


def test_an_idea_without_author_gets_no_mail_but_its_event_is_processed(ideas, notifications, database):
    idea_id, submitted = submit(ideas, database, None)

    call(notifications, "on_idea_submitted", submitted)

    assert wait_until(lambda: processed(database, submitted), timeout=WAIT, message="the event processed")
    time.sleep(QUIET_PERIOD)
    assert mail_row(database, idea_id) is None
    assert database.query("select count(*) from notifications.outbox") == [(0,)]


def test_a_busy_mailbox_is_retried_later_and_the_mail_delivered_once_it_can_be(
    ideas, notifications, database, smtp_sink
):
    busy = address("busy")
    idea_id, submitted = submit(ideas, database, busy)

    call(notifications, "on_idea_submitted", submitted)

    row = wait_for_mail_row(database, idea_id, lambda row: row["attempts"] >= 1)
    assert row["status"] == "pending" and row["attempts"] == 1 and row["postponed"]
    assert "451" in row["last_error"]
    time.sleep(QUIET_PERIOD)  # postponed, not tried again on the next ticks
    assert mail_row(database, idea_id)["attempts"] == 1
    assert smtp_sink.messages_to(busy) == []
    assert database.query("select count(*) from notifications.outbox") == [(0,)]

    reachable = address()
    database.query(
        "update notifications.mails set recipient = %s, next_attempt_at = now() where idea_id = %s returning id",
        (reachable, idea_id),
    )

    [mail] = wait_for_mails(smtp_sink, reachable, 1)
    assert mail["Subject"] == row["subject"]
    row = wait_for_mail_row(database, idea_id, lambda row: row["status"] == "sent")
    assert row["attempts"] == 2 and row["last_error"] is None
    assert (
        len(
            wait_until(
                lambda: notification_events(database, "notification.sent"), timeout=WAIT, message="notification.sent"
            )
        )
        == 1
    )


def test_a_mail_still_busy_at_its_last_attempt_fails_and_is_announced(ideas, notifications, database):
    busy = address("busy")
    idea_id, submitted = submit(ideas, database, busy)
    call(notifications, "on_idea_submitted", submitted)
    wait_for_mail_row(database, idea_id, lambda row: row["attempts"] == 1)

    database.query(
        "update notifications.mails set attempts = %s, next_attempt_at = now() where idea_id = %s returning id",
        (delivery.RETRIES.attempts - 1, idea_id),
    )

    row = wait_for_mail_row(database, idea_id, lambda row: row["status"] != "pending")
    assert row["status"] == "failed" and row["attempts"] == delivery.RETRIES.attempts
    [failed] = wait_until(
        lambda: notification_events(database, "notification.failed"), timeout=WAIT, message="notification.failed"
    )
    assert failed["data"]["error"] == "recipient refused: SMTP 451"
    assert busy not in json.dumps(failed)


def test_a_refused_recipient_fails_for_good_and_is_announced_without_the_address(
    ideas, notifications, database, smtp_sink
):
    refused = address("refuse")
    idea_id, submitted = submit(ideas, database, refused)

    call(notifications, "on_idea_submitted", submitted)

    row = wait_for_mail_row(database, idea_id, lambda row: row["status"] != "pending")
    assert row["status"] == "failed" and row["attempts"] == 1
    [failed] = wait_until(
        lambda: notification_events(database, "notification.failed"), timeout=WAIT, message="notification.failed"
    )
    assert failed["data"]["idea_id"] == idea_id and failed["data"]["kind"] == "receipt"
    assert failed["data"]["error"] == "recipient refused: SMTP 550"
    raw = json.dumps(failed)
    assert refused not in raw and refused.split("@")[0] not in raw and "@" not in raw
    time.sleep(QUIET_PERIOD)
    assert mail_row(database, idea_id)["attempts"] == 1  # not tried again
    assert notification_events(database, "notification.sent") == []
    assert smtp_sink.messages_to(refused) == []


def test_while_the_mail_server_is_down_the_mail_waits_and_goes_out_after(
    ideas, database, smtp_sink, config, container_factory
):
    to = address()
    down = start(container_factory, NotificationsService, config | {"SMTP_PORT": free_port()})
    idea_id, submitted = submit(ideas, database, to)

    call(down, "on_idea_submitted", submitted)

    row = wait_for_mail_row(database, idea_id, lambda row: row["attempts"] >= 1)
    assert row["status"] == "pending" and row["postponed"]
    assert "ConnectionRefused" in row["last_error"] or "refused" in row["last_error"].lower()
    assert database.query("select count(*) from notifications.outbox") == [(0,)]

    down.stop()
    start(container_factory, NotificationsService, config)  # the same service, now with a mail server
    database.query("update notifications.mails set next_attempt_at = now() where idea_id = %s returning id", (idea_id,))

    [mail] = wait_for_mails(smtp_sink, to, 1)
    assert mail["Subject"] == f"Ihre Idee ist eingegangen: {IDEA['title']}"
    assert wait_for_mail_row(database, idea_id, lambda row: row["status"] == "sent")["attempts"] == 2
