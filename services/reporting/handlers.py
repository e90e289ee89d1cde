"""The reporting service's use cases; service.py and cli.py only translate to and from them.

Every event received is appended to `event_log` first; the projections (`idea_facts`) are derived
from it by projection.apply, live one event at a time and in `rebuild` from the whole log, with the
same code. Since apply does not depend on the order of events, both give the same figures.
"""

import logging
from datetime import date, timedelta

from aufbruch.contracts.errors import InvalidInput, validated
from aufbruch.contracts.events import parse_events
from aufbruch.contracts.reports import MAX_POINTS, Period, TimeseriesQuery
from services.reporting import projection, repository

log = logging.getLogger(__name__)


def record(db, bodies: list[dict]) -> int:
    """Log the events and apply them to the projections, once per event id whatever the redeliveries
    (a concurrent duplicate on another replica waits on the log's primary key, then skips), in one
    transaction; returns how many were new."""
    unique = {event.id: (event, body) for event, body in zip(parse_events(bodies), bodies, strict=True)}
    events = [event for event, _ in unique.values()]
    with db.transaction() as conn:
        logged = repository.log_events(conn, events, [body["data"] for _, body in unique.values()])
        fresh = [event for event in events if event.id in logged and event.type in projection.IDEA_EVENTS]
        if fresh:
            facts = repository.lock_idea_facts(conn, {event.data["idea_id"] for event in fresh})
            for event in fresh:
                facts[event.data["idea_id"]] = projection.apply(facts[event.data["idea_id"]], event)
            repository.save_idea_facts(conn, list(facts.values()))
    return len(logged)


def replay(events) -> list[projection.IdeaFacts]:
    """The facts the events give, applied in the order given; pure."""
    facts: dict = {}
    for event in events:
        idea_id = event.data["idea_id"]
        facts[idea_id] = projection.apply(facts.get(idea_id) or projection.IdeaFacts(idea_id), event)
    return list(facts.values())


def _rebuild(conn) -> dict:
    repository.clear_projections(conn)  # from here live events wait for this transaction
    facts = replay(repository.logged_events(conn, projection.IDEA_EVENTS))
    repository.insert_idea_facts(conn, facts)
    events = repository.count_logged_events(conn)
    repository.set_projection_version(conn, projection.PROJECTION_VERSION, events)
    return {"events": events, "ideas": len(facts)}


def rebuild(db) -> dict:
    """Throw the projections away and derive them again from the event log, in one transaction and
    in a fixed order (occurred_at, event_id). Returns {"events": logged, "ideas": projected}."""
    with db.transaction() as conn:
        repository.lock_for_rebuild(conn)
        rebuilt = _rebuild(conn)
    log.info("reporting rebuilt from %(events)s logged events: %(ideas)s ideas", rebuilt)
    return rebuilt


def rebuild_if_outdated(db) -> dict | None:
    """At start: rebuild when the projections were built by another version of projection.py."""
    with db.transaction() as conn:
        repository.lock_for_rebuild(conn)  # replicas starting together: one rebuilds, the others see it
        if repository.projection_version(conn) == projection.PROJECTION_VERSION:
            return None
        rebuilt = _rebuild(conn)
    log.info("reporting projections were outdated; rebuilt from %(events)s logged events", rebuilt)
    return rebuilt


def _given(**params) -> dict:
    return {name: value for name, value in params.items() if value is not None}


def summary(db, timezone: str, from_date=None, to_date=None) -> dict:
    period = validated(Period(), _given(from_date=from_date, to_date=to_date))
    with db.transaction() as conn:
        return repository.summary(conn, timezone, period["from_date"], period["to_date"])


def period_start(day: date, interval: str) -> date:
    return day - timedelta(days=day.weekday()) if interval == "week" else day


def fill_periods(counts: dict[date, int], interval: str, start: date | None, end: date | None) -> list[dict]:
    """Every period from `start` to `end` (default: the first and last with counts), zero where
    nothing happened; pure. Periods are days, or weeks named by their Monday."""
    step = timedelta(days=7 if interval == "week" else 1)
    first = period_start(start, interval) if start else min(counts, default=None)
    last = period_start(end, interval) if end else max(counts, default=None)
    if first is None or last is None:
        return []
    if (last - first) // step + 1 > MAX_POINTS:
        raise InvalidInput(
            {"from_date": [f"The series would have more than {MAX_POINTS} points: start it later or ask for weeks."]}
        )
    points, period = [], first
    while period <= last:
        points.append({"period": period.isoformat(), "value": counts.get(period, 0)})
        period += step
    return points


def timeseries(db, timezone: str, metric, interval=None, from_date=None, to_date=None) -> dict:
    query = validated(TimeseriesQuery(), _given(metric=metric, interval=interval, from_date=from_date, to_date=to_date))
    with db.transaction() as conn:
        counts = repository.period_counts(
            conn, timezone, query["metric"], query["interval"], query["from_date"], query["to_date"]
        )
    return {
        "metric": query["metric"],
        "interval": query["interval"],
        "points": fill_periods(counts, query["interval"], query["from_date"], query["to_date"]),
    }


def _iso(value):
    return value.isoformat() if value is not None else None


def published_ideas(db) -> list[dict]:
    """Rows of the open-data export: the ideas public now, in IDEA_EXPORT_COLUMNS."""
    with db.transaction() as conn:
        rows = repository.published_ideas(conn)
    return [
        {
            "id": str(row["idea_id"]),
            "title": row["title"],
            "description": row["description"],
            "category": row["category"],
            "district": row["district"],
            "published_at": _iso(row["published_at"]),
        }
        for row in rows
    ]


def moderation_row(facts: projection.IdeaFacts) -> dict:
    """One idea in MODERATION_EXPORT_COLUMNS; pure. No personal data, no moderator, no text."""
    turnaround = facts.turnaround_seconds
    return {
        "idea_id": str(facts.idea_id),
        "category": facts.category,
        "district": facts.district,
        "submitted_at": _iso(facts.submitted_at),
        "decided_at": _iso(facts.decided_at),
        "decision": facts.decision,
        "actor_kind": facts.decision_actor,
        "reasons": list(facts.decision_reasons),
        "turnaround_seconds": round(turnaround, 3) if turnaround is not None else None,
        "hidden": facts.hidden,
    }


def moderation_rows(db) -> list[dict]:
    with db.transaction() as conn:
        facts = repository.all_idea_facts(conn)
    return [moderation_row(each) for each in facts]
