"""The reporting service fed through its real handlers and database: the summary is exact whatever
the order of the events and however often each one arrives."""

import uuid
from datetime import UTC, datetime

import pytest
from nameko.testing.services import entrypoint_hook

from aufbruch.contracts.events import new_event
from services.reporting.service import ReportingService

HANDLERS = {
    "idea.submitted": "on_idea_submitted",
    "idea.published": "on_idea_published",
    "idea.rejected": "on_idea_rejected",
    "moderation.decided": "on_moderation_decided",
    "notification.sent": "on_notification_sent",
    "notification.failed": "on_notification_failed",
}


@pytest.fixture
def reporting(container_factory, config):
    container = container_factory(ReportingService, config)
    container.start()
    return container


def at(day: int, hour: int) -> datetime:
    return datetime(2024, 5, day, hour, tzinfo=UTC)


def submitted(idea_id: str, category: str, when: datetime) -> dict:
    return new_event(
        "idea.submitted",
        {
            "idea_id": idea_id,
            "title": "Mehr Fahrradbügel am Bahnhof",
            "category": category,
            "description": "Am Hauptbahnhof fehlen sichere Abstellplätze für Fahrräder.",
            "district": "Innenstadt",
            "submitted_at": when,
        },
    )


def decided(idea_id: str, decision: str, reasons: list[str] = ()) -> dict:
    return new_event(
        "moderation.decided",
        {
            "idea_id": idea_id,
            "decision": decision,
            "reasons": list(reasons),
            "actor_kind": "automatic",
            "decided_at": at(20, 12),
        },
    )


PUBLISHED_AT = at(20, 12)


def published(idea_id: str, category: str, when: datetime = PUBLISHED_AT) -> dict:
    return new_event(
        "idea.published",
        {
            "idea_id": idea_id,
            "title": "Mehr Fahrradbügel am Bahnhof",
            "category": category,
            "description": "Am Hauptbahnhof fehlen sichere Abstellplätze für Fahrräder.",
            "district": None,
            "published_at": when,
        },
    )


def rejected(idea_id: str, category: str, reasons: list[str]) -> dict:
    return new_event(
        "idea.rejected", {"idea_id": idea_id, "category": category, "reasons": reasons, "rejected_at": at(20, 12)}
    )


def notification(event_type: str, idea_id: str, kind: str = "receipt") -> dict:
    data = {"notification_id": str(uuid.uuid4()), "idea_id": idea_id, "kind": kind}
    if event_type == "notification.sent":
        return new_event(event_type, data | {"sent_at": at(20, 12)})
    return new_event(event_type, data | {"failed_at": at(20, 12), "error": "recipient refused: SMTP 550"})


def deliver(container, *events: dict) -> None:
    for event in events:
        with entrypoint_hook(container, HANDLERS[event["type"]]) as hook:
            hook([event])


def summary(container) -> dict:
    with entrypoint_hook(container, "summary") as hook:
        return hook()


def idea_ids(count: int) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(count)]


NO_TURNAROUND = {"count": 0, "median_seconds": None, "p90_seconds": None, "max_seconds": None}


def test_an_empty_report(reporting):
    assert summary(reporting) == {
        "total": 0,
        "by_status": {},
        "by_category": {},
        "by_district": {},
        "per_day": [],
        "turnaround": {"automatic": NO_TURNAROUND, "human": NO_TURNAROUND},
        "rejection_reasons": {},
        "hide_reasons": {},
        "notifications": {"sent": 0, "failed": 0},
        "participants": 0,
        "by_official_status": {},
        "answer_time": NO_TURNAROUND,
        "by_process": {},
    }


def test_the_summary_counts_each_idea_once_whatever_order_and_duplicates(reporting, database):
    a, b, c, d, e, g = idea_ids(6)
    sent_a, sent_b = notification("notification.sent", a), notification("notification.sent", b)
    events = [
        # a: the usual way to publication, its submission delivered twice
        submitted(a, "mobility", at(1, 12)),
        decided(a, "approve"),
        published(a, "mobility"),
        # b: rejected
        submitted(b, "culture", at(1, 15)),
        decided(b, "reject", ["link_spam"]),
        rejected(b, "culture", ["link_spam"]),
        # c: waiting for a moderator
        submitted(c, "mobility", at(2, 9)),
        decided(c, "review", ["shouting"]),
        # d: not decided yet
        submitted(d, "education", at(1, 8)),
        # e: published before its submission arrives, the publication delivered twice
        published(e, "health"),
        submitted(e, "health", at(2, 11)),
        # g: rejected, then a late review that must not reopen it, then its submission
        rejected(g, "culture", ["offensive_language"]),
        decided(g, "review"),
        submitted(g, "culture", at(3, 10)),
        sent_a,
        sent_b,
        notification("notification.sent", c),
        notification("notification.failed", g),
    ]
    duplicates = [events[0], events[9], sent_a]

    deliver(reporting, *events[:10], duplicates[0], *events[10:], duplicates[1], duplicates[2])

    report = summary(reporting)
    assert {
        name: report[name]
        for name in (
            "total",
            "by_status",
            "by_category",
            "by_district",
            "per_day",
            "rejection_reasons",
            "notifications",
        )
    } == {
        "total": 6,
        "by_status": {"published": 2, "rejected": 2, "in_review": 1, "submitted": 1},
        "by_category": {"mobility": 2, "culture": 2, "education": 1, "health": 1},
        "by_district": {"Innenstadt": 6},
        "per_day": [
            {"date": "2024-05-01", "submitted": 3},
            {"date": "2024-05-02", "submitted": 2},
            {"date": "2024-05-03", "submitted": 1},
        ],
        "rejection_reasons": {"link_spam": 1, "offensive_language": 1},
        "notifications": {"sent": 3, "failed": 1},
    }
    # a and b were decided automatically on May 20th, 12:00 (the decided() events)
    assert report["turnaround"]["automatic"]["count"] == 2
    assert database.query("select count(*) from reporting.event_log") == [(len(events),)]


def three_ideas() -> list[dict]:
    """Published on the usual way, published before its submission arrived, and waiting for review."""
    a, b, c = idea_ids(3)
    return [
        submitted(a, "mobility", at(4, 12)),
        decided(a, "approve"),
        published(a, "mobility"),
        published(b, "economy"),
        submitted(b, "economy", at(5, 8)),
        submitted(c, "health", at(5, 9)),
        decided(c, "review"),
        notification("notification.sent", a),
        notification("notification.failed", b),
    ]


def test_redelivering_every_event_changes_nothing(reporting, database):
    events = three_ideas()
    deliver(reporting, *events)
    before = summary(reporting)
    facts_before = database.query("select * from reporting.idea_facts order by idea_id")

    deliver(reporting, *reversed(events))

    assert summary(reporting) == before
    assert database.query("select * from reporting.idea_facts order by idea_id") == facts_before
    assert before["total"] == 3 and before["by_status"] == {"published": 2, "in_review": 1}
    assert before["notifications"] == {"sent": 1, "failed": 1}


def test_a_batch_with_duplicates_inside_counts_each_event_once(reporting, database):
    events = three_ideas()
    with entrypoint_hook(reporting, "on_idea_submitted") as hook:  # the handler takes any batch it is given
        assert hook(events + events[:3]) == len(events)
    batched = summary(reporting)
    assert batched["total"] == 3 and batched["by_status"] == {"published": 2, "in_review": 1}
    assert batched["by_category"] == {"mobility": 1, "economy": 1, "health": 1}
    assert batched["notifications"] == {"sent": 1, "failed": 1}
    assert batched["turnaround"]["automatic"]["count"] == 1
    assert database.query("select count(*) from reporting.event_log") == [(len(events),)]
    facts = database.query("select * from reporting.idea_facts order by idea_id")

    deliver(reporting, *events)  # redelivered one at a time

    assert summary(reporting) == batched
    assert database.query("select * from reporting.idea_facts order by idea_id") == facts


def test_an_idea_published_before_it_was_submitted_keeps_the_facts_of_both(reporting, database):
    [idea_id] = idea_ids(1)
    publication = published(idea_id, "culture", at(9, 18))

    deliver(reporting, publication, decided(idea_id, "review"), submitted(idea_id, "culture", at(8, 10)))

    [(category, district, status, submitted_at, published_at)] = database.query(
        "select category, district, status, submitted_at, published_at from reporting.idea_facts"
    )
    assert (category, district, status) == ("culture", "Innenstadt", "published")
    assert (submitted_at, published_at) == (at(8, 10), at(9, 18))


def test_a_review_moves_a_submitted_idea_forward_but_never_back(reporting):
    early, late = idea_ids(2)

    deliver(
        reporting,
        submitted(early, "other", at(6, 12)),
        decided(early, "review"),
        submitted(late, "other", at(6, 13)),
        published(late, "other"),
        decided(late, "review"),
        decided(late, "reject", ["link_spam"]),
    )

    assert summary(reporting)["by_status"] == {"in_review": 1, "published": 1}


def test_notifications_are_counted_per_event_not_per_idea(reporting):
    [idea_id] = idea_ids(1)

    deliver(
        reporting,
        notification("notification.sent", idea_id, "receipt"),
        notification("notification.sent", idea_id, "published"),
        notification("notification.failed", idea_id, "rejected"),
    )

    report = summary(reporting)
    assert report["notifications"] == {"sent": 2, "failed": 1}
    assert report["total"] == 0  # a notification alone says nothing about an idea's status
