"""Mails assembled on a timer: an alert to the moderators listing the cases that wait, and each
subscriber's digest of the ideas newly published in a category."""

from datetime import UTC, datetime

from aufbruch.contracts.events import Event
from aufbruch.contracts.ideas import DEFAULT_LOCALE
from services.notifications import delivery
from services.notifications.handlers.owing import owe
from services.notifications.repository import Work
from services.notifications.settings import NotificationSettings

DIGEST_BATCH_SIZE = 50
MODERATOR_ALERTS = "moderator_alerts"


def review_requested(uow: Work, event: Event) -> None:
    data = event.data
    with uow.transaction() as repository:
        if repository.first_delivery(event):
            repository.add_waiting_case(data["case_id"], data["idea_id"], data["reasons"], data["requested_at"])


def moderation_decided(uow: Work, event: Event) -> None:
    """A moderator's decision closes the idea's waiting cases: an alert lists only cases still waiting."""
    data = event.data
    with uow.transaction() as repository:
        if repository.first_delivery(event) and data["actor_kind"] == "moderator":
            repository.drop_decided_cases(data["idea_id"], data["decided_at"])


def alert_moderators(uow: Work, settings: NotificationSettings) -> int:
    """At most once per interval, one mail to each moderator address listing the cases that began
    waiting since the last one and still wait; returns how many cases it named."""
    now = datetime.now(UTC)
    with uow.transaction() as repository:
        clock = repository.lock_moderator_alert_clock()
        if clock is None or not delivery.batch_due(clock["last_sent_at"], settings.moderator_alert_interval, now):
            return 0
        cases = repository.unalerted_cases()
        if not cases or not settings.moderator_addresses:
            return 0
        listed = [
            case | {"requested_at": case["requested_at"].astimezone(settings.city).strftime("%d.%m.%Y %H:%M")}
            for case in cases
        ]
        for address in settings.moderator_addresses:
            owe(
                repository,
                settings,
                template="moderator_alert",
                recipient=address,
                locale=DEFAULT_LOCALE,
                dedup_key=f"moderator_alert:{now.isoformat()}",
                list_id=MODERATOR_ALERTS,
                cases=listed,
                queue_url=settings.links.review_queue_url(),
            )
        repository.mark_alerted([case["case_id"] for case in cases], now)
    return len(cases)


def send_digests(uow: Work, settings: NotificationSettings) -> int:
    """A digest to each confirmed subscriber whose last one is an interval old, listing the ideas
    of its category published since (none: no mail, the next one waits another interval)."""
    now = datetime.now(UTC)
    with uow.transaction() as repository:
        due = repository.claim_due_digests(now - settings.digest_interval, DIGEST_BATCH_SIZE)
        for subscription in due:
            ideas = repository.published_in(subscription["category"], subscription["covered_until"], now)
            if ideas:
                owe(
                    repository,
                    settings,
                    template="digest",
                    recipient=subscription["email"],
                    locale=subscription["locale"],
                    dedup_key=f"digest:{subscription['id']}:{now.isoformat()}",
                    list_id=f"digest:{subscription['id']}",
                    category_code=subscription["category"],
                    ideas=[
                        {
                            "title": idea["title"],
                            "url": settings.links.idea_url(idea["idea_id"], subscription["locale"]),
                        }
                        for idea in ideas
                    ],
                )
            repository.cover_digest(subscription["id"], now)
    return len(due)
