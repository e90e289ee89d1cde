"""Every SQL statement of the reporting service."""
import uuid
from dataclasses import astuple

from psycopg.types.json import Jsonb

from aufbruch.contracts.events import Event
from services.reporting.projection import IdeaFacts


def log_event(conn, event: Event, raw_data: dict) -> bool:
    """Append to the event log; False if this event was logged before (a redelivery)."""
    row = conn.execute(
        "insert into event_log (event_id, event_type, occurred_at, data) values (%s, %s, %s, %s)"
        " on conflict do nothing returning event_id",
        (event.id, event.type, event.time, Jsonb(raw_data)),
    ).fetchone()
    return row is not None


def lock_idea_facts(conn, idea_id: uuid.UUID) -> IdeaFacts:
    conn.execute("insert into idea_facts (idea_id) values (%s) on conflict do nothing", (idea_id,))
    row = conn.execute("select idea_id, category, district, status, submitted_at, decided_at"
                       " from idea_facts where idea_id = %s for update", (idea_id,)).fetchone()
    return IdeaFacts(**row)


def save_idea_facts(conn, facts: IdeaFacts) -> None:
    conn.execute(
        "update idea_facts set category = %s, district = %s, status = %s, submitted_at = %s,"
        " decided_at = %s where idea_id = %s", astuple(facts)[1:] + (facts.idea_id,))


def summary(conn, timezone: str) -> dict:
    by_status = conn.execute("select status as key, count(*) as n from idea_facts group by 1").fetchall()
    by_category = conn.execute(
        "select category as key, count(*) as n from idea_facts where category is not null group by 1"
    ).fetchall()
    per_day = conn.execute(
        "select (submitted_at at time zone %s)::date as day, count(*) as n from idea_facts"
        " where submitted_at is not null group by 1 order by 1", (timezone,)).fetchall()
    notifications = conn.execute(
        "select event_type as key, count(*) as n from event_log"
        " where event_type = any(%s) group by 1", (["notification.sent", "notification.failed"],)
    ).fetchall()
    counts = {row["key"]: row["n"] for row in notifications}
    return {
        "total": sum(row["n"] for row in by_status),
        "by_status": {row["key"]: row["n"] for row in by_status},
        "by_category": {row["key"]: row["n"] for row in by_category},
        "per_day": [{"date": row["day"].isoformat(), "submitted": row["n"]} for row in per_day],
        "notifications": {"sent": counts.get("notification.sent", 0),
                          "failed": counts.get("notification.failed", 0)},
    }

