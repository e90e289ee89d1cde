"""The notifications handlers that owe and deliver mails, run for real against an in-memory
repository: exactly one mail per cause and recipient, followers told only once confirmed, links to the
web pages in the recipient's language, and delivery retried, given up and announced."""

import smtplib
import uuid
from datetime import timedelta

import pytest

from aufbruch.contracts.events import new_event, parse_event
from services.notifications import delivery
from services.notifications.handlers import batches, idea_events, sending, subscriptions
from services.notifications.mailer import PermanentFailure, TemporaryFailure
from tests.support.unit_of_work import FakeUnitOfWork
from tests.unit.notifications.fakes import FakeMailer, FakeRepository
from tests.unit.notifications.support import SETTINGS, TITLE, contact, event, link, mails_to, now, token

IDEA_ID = uuid.UUID("3f2b8f8e-4c1e-4e57-9d4f-0b7d1c7a5e01")


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork(FakeRepository())


def confirmed_follower(uow, email: str = "follower@example.org", locale: str = "de") -> str:
    public = {"id": IDEA_ID, "status": "published", "title": TITLE}
    subscriptions.follow(uow, SETTINGS, lambda idea_id: public, str(IDEA_ID), {"email": email, "locale": locale}, None)
    [confirmation] = mails_to(uow.repo, email)
    prefix = "/en" if locale == "en" else ""
    subscriptions.confirm(uow, SETTINGS, token(link(confirmation, f"{prefix}/abo/bestaetigen")))
    return email


# --- owed once ------------------------------------------------------------------------------------------


def test_a_receipt_is_owed_once_however_often_the_event_comes_and_under_a_new_id(uow):
    submitted = event("idea.submitted", IDEA_ID)
    republished = event("idea.submitted", IDEA_ID)  # the same fact announced again, with a new event id

    for received in (submitted, submitted, republished):
        idea_events.idea_submitted(uow, SETTINGS, received, contact())

    [receipt] = mails_to(uow.repo, "erika@example.org")
    assert receipt["kind"] == "receipt" and receipt["subject"] == f"Ihre Idee ist eingegangen: {TITLE}"
    assert {submitted.id, republished.id} <= uow.repo.seen


def test_an_idea_without_an_address_owes_no_mail_but_its_event_is_handled(uow):
    submitted = event("idea.submitted", IDEA_ID)
    idea_events.idea_submitted(uow, SETTINGS, submitted, None)
    assert uow.repo.mails == {} and submitted.id in uow.repo.seen


@pytest.mark.parametrize(
    "locale, pages", [("de", "https://web.aufbruch.example"), ("en", "https://web.aufbruch.example/en")]
)
def test_mails_link_to_the_idea_page_and_the_unsubscribe_page_in_the_recipients_language(uow, locale, pages):
    idea_events.idea_published(uow, SETTINGS, event("idea.published", IDEA_ID), contact(locale=locale))

    [published] = mails_to(uow.repo, "erika@example.org")
    assert link(published, f"{'/en' if locale == 'en' else ''}/ideen/{IDEA_ID}") == f"{pages}/ideen/{IDEA_ID}"
    assert link(published, f"{'/en' if locale == 'en' else ''}/abmelden").startswith(f"{pages}/abmelden?token=")
    assert "/api/v1" not in published["text_body"] and "/api/v1" not in published["html_body"]


def test_followers_hear_of_a_change_only_once_confirmed_and_once_per_change(uow):
    public = {"id": IDEA_ID, "status": "published", "title": TITLE}
    subscriptions.follow(uow, SETTINGS, lambda idea_id: public, str(IDEA_ID), {"email": "late@example.org"}, None)
    follower = confirmed_follower(uow, locale="en")
    hidden = event("idea.hidden", IDEA_ID)

    idea_events.idea_hidden(uow, SETTINGS, hidden, None)
    idea_events.idea_hidden(uow, SETTINGS, hidden, None)

    [_, update] = mails_to(uow.repo, follower)
    assert update["kind"] == "follower_update" and update["subject"] == f"News about the idea “{TITLE}”: hidden"
    assert "Several citizens reported it." in update["text_body"]
    assert [mail["kind"] for mail in mails_to(uow.repo, "late@example.org")] == ["follow_confirmation"]


# --- moderator alerts --------------------------------------------------------------------------------


def test_moderators_are_alerted_once_per_interval_about_the_cases_still_waiting(uow):
    def review(idea_id):
        body = new_event(
            "moderation.review_requested",
            {"case_id": uuid.uuid4(), "idea_id": idea_id, "reasons": ["personal_data"], "requested_at": now()},
        )
        return parse_event(body)

    waiting, decided = review(uuid.uuid4()), review(uuid.uuid4())
    for case in (waiting, decided, waiting):
        batches.review_requested(uow, case)
    decision = {
        "idea_id": decided.data["idea_id"],
        "decision": "approve",
        "reasons": ["acceptable"],
        "actor_kind": "moderator",
        "decided_at": now(),
    }
    batches.moderation_decided(uow, parse_event(new_event("moderation.decided", decision)))

    assert batches.alert_moderators(uow, SETTINGS) == 1
    assert batches.alert_moderators(uow, SETTINGS) == 0  # nothing new, and the interval holds
    [alert] = mails_to(uow.repo, "moderation@aufbruch.example")
    assert alert["subject"] == "1 Fall wartet auf Prüfung"
    assert str(waiting.data["case_id"]) in alert["text_body"]
    assert str(decided.data["case_id"]) not in alert["text_body"]


# --- delivery ------------------------------------------------------------------------------------------


def owed_receipt(uow) -> dict:
    idea_events.idea_submitted(uow, SETTINGS, event("idea.submitted", IDEA_ID), contact())
    [mail] = uow.repo.mails.values()
    return mail


def test_a_delivered_mail_carries_the_one_click_unsubscribe_url_and_is_announced_without_the_address(uow):
    mail, mailer = owed_receipt(uow), FakeMailer()

    sending.deliver_due(uow, SETTINGS, mailer)

    [message] = mailer.sent
    assert message["List-Unsubscribe"].startswith("<https://aufbruch.example/api/v1/unsubscribe?token=")
    assert token(message["List-Unsubscribe"].strip("<>")) == token(link(mail, "/abmelden"))
    assert (mail["status"], mail["attempts"]) == ("sent", 1)
    [(event_type, data)] = uow.repo.events
    assert event_type == "notification.sent" and data["kind"] == "receipt" and data["idea_id"] == IDEA_ID
    assert "erika" not in repr(data)


def test_a_passing_failure_is_retried_after_the_policys_delay_until_the_attempts_are_used_up(uow):
    mail, mailer = owed_receipt(uow), FakeMailer()
    mailer.failures.append(TemporaryFailure("recipient refused: SMTP 451", "451 try later erika@example.org"))

    before = now()
    sending.deliver_due(uow, SETTINGS, mailer)

    assert (mail["status"], mail["attempts"], mail["last_error"]) == ("pending", 1, "451 try later erika@example.org")
    assert before + timedelta(seconds=10) <= mail["next_attempt_at"] <= now() + timedelta(seconds=10)
    sending.deliver_due(uow, SETTINGS, mailer)
    assert mailer.sent == []  # not due again before its delay
    assert uow.repo.events == []

    mail |= {"attempts": delivery.RETRIES.attempts - 1, "next_attempt_at": mail["next_attempt_at"] - timedelta(hours=1)}
    mailer.failures.append(TemporaryFailure("recipient refused: SMTP 451", "451 try later"))
    sending.deliver_due(uow, SETTINGS, mailer)

    assert (mail["status"], mail["attempts"]) == ("failed", delivery.RETRIES.attempts)
    [(event_type, data)] = uow.repo.events
    assert event_type == "notification.failed" and data["error"] == "recipient refused: SMTP 451"


def test_a_lasting_failure_fails_at_once(uow):
    mail, mailer = owed_receipt(uow), FakeMailer()
    mailer.failures.append(PermanentFailure("recipient refused: SMTP 550", str(smtplib.SMTPRecipientsRefused({}))))

    sending.deliver_due(uow, SETTINGS, mailer)

    assert (mail["status"], mail["attempts"]) == ("failed", 1)
    assert [event_type for event_type, _ in uow.repo.events] == ["notification.failed"]
