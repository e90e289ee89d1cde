"""Delivering owed mails: within each recipient's rate limit, retried after passing failures (the
retry policy of delivery.py), and announced as sent or, once given up, failed."""

import logging
from datetime import UTC, datetime

from aufbruch.contracts.event_data import MAIL_KINDS
from services.notifications import delivery
from services.notifications.mailer import PermanentFailure, TemporaryFailure, build_message
from services.notifications.repository import Repository, Work
from services.notifications.settings import NotificationSettings

log = logging.getLogger(__name__)
DELIVERY_BATCH_SIZE = 20


def deliver_due(uow: Work, settings: NotificationSettings, mailer) -> None:
    """Send one batch of due mails with `mailer` (its `sender` and `send(message)`, mailer.Mailer).
    A recipient over the rate limit waits (not a failed attempt)."""
    with uow.transaction() as repository:
        for mail in repository.claim_due(DELIVERY_BATCH_SIZE):
            if not repository.lock_recipient(mail["recipient"]):
                continue  # another replica is mailing this address right now; next tick
            now = datetime.now(UTC)
            recent = repository.sent_since(mail["recipient"], now - delivery.RATE_WINDOW)
            free_at = delivery.rate_limited_until(recent, settings.mails_per_recipient_per_hour)
            if free_at is not None:
                repository.defer(mail["id"], free_at)
            else:
                _deliver(repository, settings, mailer, mail)


def _deliver(repository: Repository, settings: NotificationSettings, mailer, mail: dict) -> None:
    message = build_message(
        mailer.sender,
        mail["recipient"],
        mail["subject"],
        mail["text_body"],
        mail["html_body"],
        f"<{mail['id']}@aufbruch>",
        settings.links.one_click_unsubscribe_url(mail["id"]),
    )
    failure: TemporaryFailure | PermanentFailure
    try:
        mailer.send(message)
    except TemporaryFailure as exc:
        retry_in = delivery.RETRIES.next_try_in(mail["attempts"] + 1)
        if retry_in is not None:
            repository.postpone(mail["id"], retry_in, exc.detail)
            return
        failure = exc
    except PermanentFailure as exc:
        failure = exc
    else:
        repository.mark_sent(mail["id"])
        _announce(repository, "notification.sent", mail, sent_at=datetime.now(UTC))
        return
    repository.mark_failed(mail["id"], failure.detail)
    _announce(repository, "notification.failed", mail, failed_at=datetime.now(UTC), error=failure.summary)
    log.warning("mail %s (%s) failed for good: %s", mail["id"], mail["kind"], failure.summary)


def _announce(repository: Repository, event_type: str, mail: dict, **data) -> None:
    """Mails about one idea are public facts (never to whom); digests and moderator alerts are not
    about one idea and stay in the mails table only."""
    if mail["idea_id"] is not None and mail["kind"] in MAIL_KINDS:
        repository.add_event(
            event_type, {"notification_id": mail["id"], "idea_id": mail["idea_id"], "kind": mail["kind"]} | data
        )
