"""The consumer side of exactly-once effects: remember every event already handled."""
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
