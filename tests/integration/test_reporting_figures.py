"""Reporting's figures against the real database and broker, on one known sequence of events whose
figures are computed by hand below: the summary (with and without a period), the time series, the
exports; a rebuild from the event log gives the same; redelivery changes nothing; and two reporting
replicas consuming the same queues count exactly."""

import os
import random
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests
from kombu import Connection
from nameko.testing.services import entrypoint_hook, entrypoint_waiter

from aufbruch.contracts import topology
from aufbruch.contracts.errors import InvalidInput
from aufbruch.contracts.events import CATALOG, new_event
from services.reporting.service import ReportingService
from tests.support.infrastructure import RABBITMQ_AUTH, RABBITMQ_MANAGEMENT, REPO_ROOT, wait_until

HANDLERS = {
    "idea.submitted": "on_idea_submitted",
    "idea.published": "on_idea_published",
    "idea.rejected": "on_idea_rejected",
    "moderation.decided": "on_moderation_decided",
    "idea.hidden": "on_idea_hidden",
    "idea.unhidden": "on_idea_unhidden",
    "notification.sent": "on_notification_sent",
    "notification.failed": "on_notification_failed",
    "idea.status_changed": "on_idea_status_changed",
}
SECOND = timedelta(seconds=1)
HOUR = timedelta(hours=1)


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 5, day, hour, minute, tzinfo=UTC)


class Story:
    """The known sequence: seven ideas A..G and their events, in the order they happened."""

    def __init__(self):
        self.ids = {name: str(uuid.uuid4()) for name in "ABCDEFG"}
        self.events: list[dict] = []

    def _add(self, event_type: str, name: str, **data) -> None:
        self.events.append(new_event(event_type, {"idea_id": self.ids[name]} | data))

    def submitted(self, name, at, category, district, author_key, title=None, **process):
        self._add(
            "idea.submitted",
            name,
            title=title or f"Idee {name} für Gütersloh",
            description=f"Beschreibung der Idee {name}, lang genug.",
            category=category,
            district=district,
            submitted_at=at,
            author_key=author_key,
            **process,
        )

    def decided(self, name, at, decision, reasons=(), actor="automatic"):
        self._add("moderation.decided", name, decision=decision, reasons=list(reasons), actor_kind=actor, decided_at=at)

    def published(self, name, at, category, district, title=None):
        self._add(
            "idea.published",
            name,
            title=title or f"Idee {name} für Gütersloh",
            description=f"Beschreibung der Idee {name}, lang genug.",
            category=category,
            district=district,
            published_at=at,
        )

    def rejected(self, name, at, category, reasons):
        self._add("idea.rejected", name, category=category, reasons=list(reasons), rejected_at=at)

    def hidden(self, name, at, reason, actor="moderator"):
        self._add("idea.hidden", name, reason=reason, actor_kind=actor, hidden_at=at)

    def unhidden(self, name, at):
        self._add("idea.unhidden", name, reason="corrected", actor_kind="moderator", unhidden_at=at)

    def answered(self, name, at, status, previous=None):
        self._add(
            "idea.status_changed",
            name,
            answer_id=str(uuid.uuid4()),
            title=f"Idee {name} für Gütersloh",
            process_id="standing",
            official_status=status,
            previous_status=previous,
            answer="Die Antwort der Stadt.",
            answered_at=at,
        )

    def notification(self, name, event_type, kind):
        data = {"notification_id": str(uuid.uuid4()), "kind": kind}
        at = utc(20, 12)
        data |= {"sent_at": at} if event_type == "notification.sent" else {"failed_at": at, "error": "SMTP 550"}
        self._add(event_type, name, **data)


def known_story() -> Story:
    story = Story()
    # A: Monday 6th, 10:00 in Gütersloh; approved by the rules after 2 s
    a = utc(6, 8)
    story.submitted("A", a, "mobility", "Innenstadt", "k1", title="=1+1 und mehr Radwege")
    story.decided("A", a + 2 * SECOND, "approve")
    story.published("A", a + 2 * SECOND, "mobility", "Innenstadt", title="=1+1 und mehr Radwege")
    # the city answers A an hour after its publication, and accepts it three days later
    story.answered("A", a + 2 * SECOND + HOUR, "under_evaluation")
    story.answered("A", a + 2 * SECOND + 72 * HOUR, "accepted", previous="under_evaluation")
    # B: same author; rejected by the rules after 4 s
    b = utc(6, 9)
    story.submitted("B", b, "culture", "Avenwedde", "k1")
    story.decided("B", b + 4 * SECOND, "reject", ["link_spam"])
    story.rejected("B", b + 4 * SECOND, "culture", ["link_spam"])
    # C: reviewed, approved by a moderator after 1 h; later hidden by flags and rejected
    c = utc(7, 10)
    story.submitted("C", c, "mobility", "Innenstadt", "k2")
    story.decided("C", c + SECOND, "review", ["shouting"])
    story.decided("C", c + HOUR, "approve", ["acceptable"], actor="moderator")
    story.published("C", c + HOUR, "mobility", "Innenstadt")
    story.hidden("C", utc(10, 9), "flags", actor="automatic")
    story.decided("C", utc(11, 9), "reject", ["offensive_language"], actor="moderator")
    story.rejected("C", utc(11, 9), "mobility", ["offensive_language"])
    # D: 22:30 UTC on the 7th is 00:30 on the 8th in Gütersloh; no address; rejected by a moderator after 3 h
    d = utc(7, 22, 30)
    story.submitted("D", d, "environment", None, None)
    story.decided("D", d + SECOND, "review", ["personal_data"])
    story.decided("D", d + 3 * HOUR, "reject", ["personal_data"], actor="moderator")
    story.rejected("D", d + 3 * HOUR, "environment", ["personal_data"])
    # E: Monday 13th; approved after 6 s; hidden by a moderator and shown again
    e = utc(13, 7)
    story.submitted("E", e, "mobility", "Innenstadt", "k3")
    story.decided("E", e + 6 * SECOND, "approve")
    story.published("E", e + 6 * SECOND, "mobility", "Innenstadt")
    story.answered("E", e + 6 * SECOND + 2 * HOUR, "declined")  # two hours after its publication
    story.hidden("E", utc(14, 8), "legal_review")
    story.unhidden("E", utc(15, 8))
    # F: C's author; approved after 10 s; hidden by a moderator
    f = utc(13, 12)
    story.submitted("F", f, "health", "Blankenhagen", "k2", process_id="digitalgipfel-2027")
    story.decided("F", f + 10 * SECOND, "approve")
    story.published("F", f + 10 * SECOND, "health", "Blankenhagen")
    story.hidden("F", utc(14, 9), "spam")
    # G: waits for a moderator (pre-moderation)
    g = utc(14, 12)
    story.submitted("G", g, "other", None, "k4")
    story.decided("G", g + SECOND, "review", ["pre_moderation"])
    # mails: 6 sent, 2 failed
    for name, kind in [
        ("A", "receipt"),
        ("A", "published"),
        ("B", "receipt"),
        ("C", "receipt"),
        ("E", "receipt"),
        ("F", "receipt"),
    ]:
        story.notification(name, "notification.sent", kind)
    story.notification("B", "notification.failed", "rejected")
    story.notification("G", "notification.failed", "receipt")
    return story


# Computed by hand from known_story.
# automatic turnarounds 2, 4, 6, 10 s: median (4 + 6) / 2 = 5; p90 at rank 0.9 * 3 = 2.7: 6 + 0.7 * 4 = 8.8
# human turnarounds 3600, 10800 s: median 7200; p90 3600 + 0.9 * 7200 = 10080
EXPECTED = {
    "total": 7,
    "by_status": {"published": 2, "rejected": 3, "hidden": 1, "in_review": 1},
    "by_category": {"mobility": 3, "culture": 1, "environment": 1, "health": 1, "other": 1},
    "by_district": {"Innenstadt": 3, "Avenwedde": 1, "Blankenhagen": 1},
    "per_day": [
        {"date": "2024-05-06", "submitted": 2},
        {"date": "2024-05-07", "submitted": 1},
        {"date": "2024-05-08", "submitted": 1},
        {"date": "2024-05-13", "submitted": 2},
        {"date": "2024-05-14", "submitted": 1},
    ],
    "turnaround": {
        "automatic": {"count": 4, "median_seconds": 5.0, "p90_seconds": 8.8, "max_seconds": 10.0},
        "human": {"count": 2, "median_seconds": 7200.0, "p90_seconds": 10080.0, "max_seconds": 10800.0},
    },
    "rejection_reasons": {"link_spam": 1, "offensive_language": 1, "personal_data": 1},
    "hide_reasons": {"flags": 1, "legal_review": 1, "spam": 1},
    "notifications": {"sent": 6, "failed": 2},
    "participants": 4,
    # answer times 3600 s (A's first answer), 7200 s (E): median 5400; p90 3600 + 0.9 * 3600 = 6840
    "by_official_status": {"accepted": 1, "declined": 1},
    "answer_time": {"count": 2, "median_seconds": 5400.0, "p90_seconds": 6840.0, "max_seconds": 7200.0},
    "by_process": {"standing": 6, "digitalgipfel-2027": 1},
}
# Submitted from the 7th to the 13th (city days): C, D, E, F.
# automatic 6, 10 s: median 8, p90 6 + 0.9 * 4 = 9.6
EXPECTED_7_TO_13 = {
    "total": 4,
    "by_status": {"rejected": 2, "published": 1, "hidden": 1},
    "by_category": {"mobility": 2, "environment": 1, "health": 1},
    "by_district": {"Innenstadt": 2, "Blankenhagen": 1},
    "per_day": [
        {"date": "2024-05-07", "submitted": 1},
        {"date": "2024-05-08", "submitted": 1},
        {"date": "2024-05-13", "submitted": 2},
    ],
    "turnaround": {
        "automatic": {"count": 2, "median_seconds": 8.0, "p90_seconds": 9.6, "max_seconds": 10.0},
        "human": {"count": 2, "median_seconds": 7200.0, "p90_seconds": 10080.0, "max_seconds": 10800.0},
    },
    "rejection_reasons": {"offensive_language": 1, "personal_data": 1},
    "hide_reasons": {"flags": 1, "legal_review": 1, "spam": 1},
    "notifications": {"sent": 3, "failed": 0},
    "participants": 2,
    "by_official_status": {"declined": 1},
    "answer_time": {"count": 1, "median_seconds": 7200.0, "p90_seconds": 7200.0, "max_seconds": 7200.0},
    "by_process": {"standing": 3, "digitalgipfel-2027": 1},
}


@pytest.fixture
def reporting(container_factory, config):
    container = container_factory(ReportingService, config)
    container.start()
    return container


def deliver(container, *events: dict) -> None:
    for event in events:
        with entrypoint_hook(container, HANDLERS[event["type"]]) as hook:
            hook([event])


def ask(container, method: str, *args, **kwargs):
    with entrypoint_hook(container, method) as hook:
        return hook(*args, **kwargs)


def figures(container) -> dict:
    """Everything reporting answers, for comparing before and after."""
    return {
        "summary": ask(container, "summary"),
        "summary 7..13": ask(container, "summary", from_date="2024-05-07", to_date="2024-05-13"),
        "series": {
            (metric, interval): ask(container, "timeseries", metric, interval)
            for metric in ("submissions", "publications")
            for interval in ("day", "week")
        },
        "ideas": ask(container, "published_ideas"),
        "moderation": ask(container, "moderation_rows"),
    }


def facts(database) -> list[tuple]:
    return database.query("select * from reporting.idea_facts order by idea_id")


def shuffled(events: list[dict], seed: int) -> list[dict]:
    copy = list(events)
    random.Random(seed).shuffle(copy)
    return copy


# --- the figures ----------------------------------------------------------------------------------


def test_the_summary_of_the_known_sequence_is_the_one_computed_by_hand(reporting):
    deliver(reporting, *known_story().events)

    assert ask(reporting, "summary") == EXPECTED


def test_the_same_figures_whatever_order_the_events_arrive_in(reporting):
    deliver(reporting, *shuffled(known_story().events, seed=5))

    assert ask(reporting, "summary") == EXPECTED


def test_a_period_counts_the_ideas_submitted_in_it_on_the_citys_days(reporting):
    deliver(reporting, *known_story().events)

    assert ask(reporting, "summary", from_date="2024-05-07", to_date="2024-05-13") == EXPECTED_7_TO_13
    # D was submitted at 22:30 UTC on the 7th, which is the 8th in Gütersloh
    only_d = ask(reporting, "summary", from_date="2024-05-08", to_date="2024-05-08")
    assert (only_d["total"], only_d["by_status"], only_d["participants"]) == (1, {"rejected": 1}, 0)
    assert ask(reporting, "summary", from_date="2024-05-14")["total"] == 1
    assert ask(reporting, "summary", to_date="2024-05-06")["total"] == 2
    assert ask(reporting, "summary", from_date="2024-06-01")["total"] == 0


@pytest.mark.parametrize(
    "metric, interval, period, points",
    [
        (
            "submissions",
            "day",
            {},
            [
                ("2024-05-06", 2),
                ("2024-05-07", 1),
                ("2024-05-08", 1),
                ("2024-05-09", 0),
                ("2024-05-10", 0),
                ("2024-05-11", 0),
                ("2024-05-12", 0),
                ("2024-05-13", 2),
                ("2024-05-14", 1),
            ],
        ),
        ("submissions", "week", {}, [("2024-05-06", 4), ("2024-05-13", 3)]),
        (
            "publications",
            "day",
            {},
            [
                ("2024-05-06", 1),
                ("2024-05-07", 1),
                ("2024-05-08", 0),
                ("2024-05-09", 0),
                ("2024-05-10", 0),
                ("2024-05-11", 0),
                ("2024-05-12", 0),
                ("2024-05-13", 2),
            ],
        ),
        ("publications", "week", {}, [("2024-05-06", 2), ("2024-05-13", 2)]),
        (
            "submissions",
            "day",
            {"from_date": "2024-05-12", "to_date": "2024-05-15"},
            [("2024-05-12", 0), ("2024-05-13", 2), ("2024-05-14", 1), ("2024-05-15", 0)],
        ),
        ("submissions", "week", {"from_date": "2024-05-08"}, [("2024-05-06", 1), ("2024-05-13", 3)]),
    ],
)
def test_time_series_of_the_known_sequence(reporting, metric, interval, period, points):
    deliver(reporting, *known_story().events)

    assert ask(reporting, "timeseries", metric, interval, **period) == {
        "metric": metric,
        "interval": interval,
        "points": [{"period": day, "value": value} for day, value in points],
    }


@pytest.mark.parametrize(
    "args, kwargs, wrong",
    [
        (("votes", "day"), {}, {"metric"}),
        (("submissions", "month"), {}, {"interval"}),
        ((None,), {}, {"metric"}),
        (("submissions", "day"), {"from_date": "2024-05-32"}, {"from_date"}),
        (("submissions", "day"), {"from_date": "2024-05-09", "to_date": "2024-05-08"}, {"to_date"}),
    ],
)
def test_a_wrong_timeseries_question_names_the_parameter(reporting, args, kwargs, wrong):
    with pytest.raises(InvalidInput) as info:
        ask(reporting, "timeseries", *args, **kwargs)
    assert set(info.value.errors) == wrong


def test_a_wrong_period_names_the_parameter(reporting):
    with pytest.raises(InvalidInput) as info:
        ask(reporting, "summary", from_date="gestern", to_date="2024-02-30")
    assert set(info.value.errors) == {"from_date", "to_date"}


def test_the_export_holds_the_ideas_public_now_with_their_published_text(reporting):
    story = known_story()
    deliver(reporting, *story.events)

    assert ask(reporting, "published_ideas") == [
        {
            "id": story.ids["A"],
            "title": "=1+1 und mehr Radwege",
            "description": "Beschreibung der Idee A, lang genug.",
            "category": "mobility",
            "district": "Innenstadt",
            "published_at": "2024-05-06T08:00:02+00:00",
        },
        {
            "id": story.ids["E"],
            "title": "Idee E für Gütersloh",
            "description": "Beschreibung der Idee E, lang genug.",
            "category": "mobility",
            "district": "Innenstadt",
            "published_at": "2024-05-13T07:00:06+00:00",
        },
    ]


def test_the_moderation_rows_of_the_known_sequence(reporting):
    story = known_story()
    deliver(reporting, *story.events)

    rows = {row["idea_id"]: row for row in ask(reporting, "moderation_rows")}
    by_name = {name: rows[idea_id] for name, idea_id in story.ids.items()}
    assert {
        name: (row["decision"], row["actor_kind"], row["reasons"], row["turnaround_seconds"], row["hidden"])
        for name, row in by_name.items()
    } == {
        "A": ("approve", "automatic", [], 2.0, False),
        "B": ("reject", "automatic", ["link_spam"], 4.0, False),
        "C": ("approve", "moderator", ["acceptable"], 3600.0, True),
        "D": ("reject", "moderator", ["personal_data"], 10800.0, False),
        "E": ("approve", "automatic", [], 6.0, False),
        "F": ("approve", "automatic", [], 10.0, True),
        "G": (None, None, [], None, False),
    }
    assert by_name["D"]["submitted_at"] == "2024-05-07T22:30:00+00:00"
    assert by_name["D"]["decided_at"] == "2024-05-08T01:30:00+00:00"
    assert "author_key" not in by_name["A"] and "title" not in by_name["A"]


# --- rebuild, redelivery ----------------------------------------------------------------------------


def test_a_rebuild_gives_exactly_the_same_figures_and_facts(reporting, database):
    story = known_story()
    deliver(reporting, *shuffled(story.events, seed=11))  # live: in an order other than the replay's
    before, facts_before = figures(reporting), facts(database)
    assert before["summary"] == EXPECTED

    assert ask(reporting, "rebuild") == {"events": len(story.events), "ideas": 7}

    assert figures(reporting) == before
    assert facts(database) == facts_before


def test_a_rebuild_replaces_whatever_the_projections_held(reporting, database):
    deliver(reporting, *known_story().events)
    before = figures(reporting)
    database.query("update reporting.idea_facts set status = 'submitted', category = 'vandalised' returning idea_id")

    ask(reporting, "rebuild")

    assert figures(reporting) == before


def test_the_rebuild_command_gives_the_same_figures(reporting, database, config):
    deliver(reporting, *known_story().events)
    before = figures(reporting)
    database.query("delete from reporting.idea_facts returning idea_id")
    assert ask(reporting, "summary")["total"] == 0

    done = subprocess.run(
        [sys.executable, "-m", "services.reporting.cli", "rebuild"],
        cwd=REPO_ROOT,
        env=os.environ | {"DATABASE_URL": config["DATABASE_URL"]},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"rebuilt reporting from {len(known_story().events)} logged events: 7 ideas"
    assert figures(reporting) == before


def test_redelivering_every_event_changes_nothing(reporting, database):
    events = known_story().events
    deliver(reporting, *events)
    before, facts_before = figures(reporting), facts(database)

    deliver(reporting, *shuffled(events, seed=3))
    deliver(reporting, *reversed(events))

    assert figures(reporting) == before
    assert facts(database) == facts_before
    assert database.query("select count(*) from reporting.event_log") == [(len(events),)]


def test_the_projections_are_rebuilt_at_start_when_they_were_built_by_another_version(
    container_factory, config, database
):
    first = container_factory(ReportingService, config)
    first.start()
    deliver(first, *known_story().events)
    first.stop()
    database.query("update reporting.projection_state set version = version - 1 returning version")
    database.query("delete from reporting.idea_facts returning idea_id")

    second = container_factory(ReportingService, config)
    second.start()

    assert ask(second, "summary") == EXPECTED


# --- two replicas on the broker ------------------------------------------------------------------


def publish(config: dict, events: list[dict]) -> None:
    """Put events on their producers' exchanges as the relays would, with publisher confirms."""
    with Connection(config["AMQP_URI"], transport_options={"confirm_publish": True}) as connection:
        topology.declare_all(connection.default_channel)
        publisher = connection.Producer(serializer="json")
        for event in events:
            publisher.publish(
                event,
                exchange=topology.event_exchange(CATALOG[event["type"]].producer),
                routing_key=event["type"],
                delivery_mode=2,
            )


def acknowledged(vhost, queues: list[str]) -> int:
    """Deliveries the reporting queues have had acknowledged so far (the broker's statistics lag)."""
    total = 0
    for name in queues:
        response = requests.get(f"{RABBITMQ_MANAGEMENT}/api/queues/{vhost.name}/{name}", auth=RABBITMQ_AUTH, timeout=10)
        response.raise_for_status()
        total += response.json().get("message_stats", {}).get("ack", 0)
    return total


def test_two_replicas_consuming_the_same_queues_count_exactly(container_factory, config, database, vhost):
    replicas = [container_factory(ReportingService, config) for _ in range(2)]
    for replica in replicas:
        replica.start()
    events = known_story().events
    deliveries = events + shuffled(events, seed=7)  # every event twice, as after a relay's crash

    with (
        entrypoint_waiter(replicas[0], "on_idea_submitted", timeout=30),
        entrypoint_waiter(replicas[1], "on_idea_submitted", timeout=30),
    ):  # both take part
        publish(config, deliveries)

    queues = [
        topology.subscription("reporting", event_type).queue_name for event_type in topology.SUBSCRIPTIONS["reporting"]
    ]
    wait_until(
        lambda: acknowledged(vhost, queues) == len(deliveries),
        timeout=60,
        interval=1,
        message="every delivery to be handled and acknowledged",
    )
    assert all(vhost.ready_messages(queue) == 0 for queue in queues)
    assert database.query("select count(*) from reporting.event_log") == [(len(events),)]
    assert ask(replicas[0], "summary") == EXPECTED
    assert ask(replicas[1], "summary", from_date="2024-05-07", to_date="2024-05-13") == EXPECTED_7_TO_13
