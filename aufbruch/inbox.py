"""The consumer side of exactly-once effects: remember every event already handled."""
import uuid

from aufbruch.contracts.events import Event


def first_delivery(conn, event: Event) -> bool:
    """True the first time `event` is seen; call inside the transaction that applies its effect.

    A concurrent duplicate (another replica handling a redelivery) waits on the primary key until
    the first transaction commits, then sees the conflict: only one of them applies the effect.
    """
    row = conn.execute(
        "insert into processed_events (event_id, event_type) values (%s, %s)"
        " on conflict do nothing returning event_id",
        (event.id, event.type),
    ).fetchone()
    return row is not None


def first_deliveries(conn, events: list[Event]) -> set[uuid.UUID]:
    """The ids of those `events` seen for the first time: `first_delivery` for a batch, in one statement.
    Ids go in sorted, so that concurrent batches sharing events wait for each other instead of deadlocking."""
    ordered = sorted(events, key=lambda event: event.id)
    rows = conn.execute(
        "insert into processed_events (event_id, event_type) select * from unnest(%s::uuid[], %s::text[])"
        " on conflict do nothing returning event_id",
        ([event.id for event in ordered], [event.type for event in ordered])).fetchall()
    return {row["event_id"] for row in rows}


def new_events(conn, events: list[Event]) -> list[Event]:
    """Those of `events` seen for the first time, each once and in their order: what a batch handler
    applies, inside the transaction that records them as seen."""
    fresh = first_deliveries(conn, events)
    return [event for event in {event.id: event for event in events}.values() if event.id in fresh]
