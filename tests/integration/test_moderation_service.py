"""The moderation service against a real database and broker: one automatic decision per idea,
recorded with its `moderation.decided` event, however often the idea's event arrives."""

import uuid
from datetime import UTC, datetime

import pytest
from kombu import Connection
from nameko.testing.services import entrypoint_hook, entrypoint_waiter

from aufbruch.contracts import topology
from aufbruch.contracts.events import new_event
from services.moderation.service import ModerationService

CLEAN = {
    "title": "Mehr Fahrradbügel am Bahnhof",
    "description": "Am Hauptbahnhof fehlen sichere Abstellplätze für Fahrräder, besonders morgens.",
}
OFFENSIVE = {
    "title": "Der Bürgermeister ist ein Arschloch",
    "description": "Das muss mal gesagt werden, und zwar deutlich und öffentlich.",
}
SHOUTING = {
    "title": "WIR BRAUCHEN SOFORT MEHR PARKPLÄTZE",
    "description": "DIE INNENSTADT IST JEDEN SAMSTAG VOLLKOMMEN ÜBERFÜLLT UND NIEMAND TUT ETWAS.",
}
SPAM = {
    "title": "Günstige Angebote",
    "description": "Siehe https://a.example http://b.example und www.c.example für mehr Information.",
}


@pytest.fixture
def moderation(container_factory, config):
    container = container_factory(ModerationService, config)
    container.start()
    return container


def submitted_event(text: dict, idea_id: str | None = None) -> dict:
    return new_event(
        "idea.submitted",
        text
        | {
            "idea_id": idea_id or str(uuid.uuid4()),
            "category": "mobility",
            "district": None,
            "submitted_at": datetime.now(UTC),
        },
    )


def deliver(container, event: dict) -> None:
    with entrypoint_hook(container, "on_idea_submitted") as hook:
        hook(event)


def publish(config: dict, *events: dict) -> None:
    """Put events on the broker as the ideas relay would, with publisher confirms."""
    with Connection(config["AMQP_URI"], transport_options={"confirm_publish": True}) as connection:
        topology.declare_all(connection.default_channel)
        publisher = connection.Producer(serializer="json")
        for event in events:
            publisher.publish(
                event, exchange=topology.event_exchange("ideas"), routing_key=event["type"], delivery_mode=2
            )


def decisions(database) -> list[tuple]:
    return database.query("select idea_id::text, outcome, reasons, actor_kind from moderation.decisions")


def decided_events(database) -> list[dict]:
    rows = database.query("select body from moderation.outbox where event_type = 'moderation.decided' order by id")
    return [body for (body,) in rows]


def count(database, table: str) -> int:
    [(n,)] = database.query(f"select count(*) from {table}")
    return n


def test_a_clean_idea_is_approved_and_the_decision_announced(moderation, database):
    event = submitted_event(CLEAN)
    idea_id = event["data"]["idea_id"]

    deliver(moderation, event)

    assert decisions(database) == [(idea_id, "approve", [], "automatic")]
    [announced] = decided_events(database)
    assert count(database, "moderation.outbox") == 1
    assert announced["type"] == "moderation.decided" and announced["source"].endswith(":moderation")
    assert announced["data"]["idea_id"] == idea_id
    assert announced["data"]["decision"] == "approve"
    assert announced["data"]["reasons"] == []
    assert announced["data"]["actor_kind"] == "automatic"
    assert database.query("select event_id::text from moderation.processed_events") == [(event["id"],)]


@pytest.mark.parametrize(
    "text, outcome, reasons",
    [
        (OFFENSIVE, "reject", ["offensive_language"]),
        (SPAM, "reject", ["link_spam"]),
        (SHOUTING, "review", ["shouting"]),
    ],
)
def test_a_problematic_idea_gets_its_outcome_and_reason(moderation, database, text, outcome, reasons):
    event = submitted_event(text)

    deliver(moderation, event)

    [(idea_id, stored_outcome, stored_reasons, _)] = decisions(database)
    assert (idea_id, stored_outcome, stored_reasons) == (event["data"]["idea_id"], outcome, reasons)
    [announced] = decided_events(database)
    assert announced["data"]["decision"] == outcome and announced["data"]["reasons"] == reasons


def test_the_findings_explain_a_rejection(moderation, database):
    deliver(moderation, submitted_event(OFFENSIVE))

    [(findings,)] = database.query("select findings from moderation.decisions")
    assert findings == [
        {"reason": "offensive_language", "outcome": "reject", "detail": "arschloch", "spans": [[26, 35]]}
    ]


def test_the_same_event_twice_records_one_decision_and_one_event(moderation, database):
    event = submitted_event(OFFENSIVE)

    deliver(moderation, event)
    deliver(moderation, event)

    assert len(decisions(database)) == 1
    assert len(decided_events(database)) == 1
    assert count(database, "moderation.processed_events") == 1


def test_a_republished_duplicate_with_a_new_event_id_changes_no_decision(moderation, database):
    first = submitted_event(CLEAN)
    idea_id = first["data"]["idea_id"]
    # The same idea announced again, now with text that would be rejected: the first decision stands.
    duplicate = submitted_event(OFFENSIVE, idea_id=idea_id)
    assert duplicate["id"] != first["id"]

    deliver(moderation, first)
    deliver(moderation, duplicate)

    assert decisions(database) == [(idea_id, "approve", [], "automatic")]
    [announced] = decided_events(database)
    assert announced["data"]["decision"] == "approve"
    assert count(database, "moderation.processed_events") == 2


def test_two_events_for_one_idea_handled_at_once_through_the_broker_record_one_decision(moderation, database, config):
    first = submitted_event(CLEAN)
    duplicate = submitted_event(CLEAN, idea_id=first["data"]["idea_id"])
    handled = []

    def both_handled(worker_ctx, result, exc_info):
        handled.append(exc_info)
        return len(handled) == 2

    with entrypoint_waiter(moderation, "on_idea_submitted", callback=both_handled, timeout=10):
        publish(config, first, duplicate)

    assert handled == [None, None]
    assert len(decisions(database)) == 1
    assert len(decided_events(database)) == 1
    assert count(database, "moderation.processed_events") == 2


def test_each_idea_gets_its_own_decision(moderation, database):
    for text in (CLEAN, OFFENSIVE, SHOUTING):
        deliver(moderation, submitted_event(text))

    assert sorted(outcome for _, outcome, _, _ in decisions(database)) == ["approve", "reject", "review"]
    assert len(decided_events(database)) == 3


def test_a_malformed_event_is_refused_and_leaves_no_trace(moderation, database):
    event = submitted_event(CLEAN)
    del event["data"]["title"]

    with pytest.raises(Exception, match="title"):
        deliver(moderation, event)

    assert count(database, "moderation.decisions") == 0
    assert count(database, "moderation.processed_events") == 0
    assert count(database, "moderation.outbox") == 0
