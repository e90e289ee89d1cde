"""The consumer side of exactly-once effects: remember every event already handled."""

from aufbruch.contracts.events import Event


def first_delivery(conn, event: Event) -> bool:
    """True the first time `event` is seen; call inside the transaction that applies its effect.

    A concurrent duplicate (another replica handling a redelivery) waits on the primary key until
    the first transaction commits, then sees the conflict: only one of them applies the effect.
    """
    row = conn.execute(
        "insert into processed_events (event_id, event_type) values (%s, %s) on conflict do nothing returning event_id",
        (event.id, event.type),
    ).fetchone()
    return row is not None


def new_events(conn, events: list[Event]) -> list[Event]:
    """Those of `events` seen for the first time, each once and in their order: `first_delivery` for a
    batch, in one statement, inside the transaction that applies their effects. Ids go in sorted, so
    that concurrent batches sharing events wait for each other instead of deadlocking."""
    unique = {event.id: event for event in events}
    ordered = sorted(unique.values(), key=lambda event: event.id)
    rows = conn.execute(
        "insert into processed_events (event_id, event_type) select * from unnest(%s::uuid[], %s::text[])"
        " on conflict do nothing returning event_id",
        ([event.id for event in ordered], [event.type for event in ordered]),
    ).fetchall()
    fresh = {row["event_id"] for row in rows}
    return [event for event in unique.values() if event.id in fresh]
