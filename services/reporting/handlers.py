"""The reporting service's use cases; service.py and cli.py only translate to and from them. Each
takes its unit of work (`aufbruch.unit_of_work.UnitOfWork`, or a fake in the unit tests).

Every event received is appended to `event_log` first; the projections (`idea_facts`) are derived
from it by projection.apply, live one event at a time and in `rebuild` from the whole log, with the
same code. Since apply does not depend on the order of events, both give the same figures.
"""

import logging
from datetime import date, timedelta

from aufbruch.contracts.errors import InvalidInput, validated
from aufbruch.contracts.events import Event
from aufbruch.contracts.reports import MAX_POINTS, Period, TimeseriesQuery
from aufbruch.unit_of_work import UnitOfWork
from services.reporting import projection
from services.reporting.repository import Repository
from services.reporting.settings import ReportingSettings

log = logging.getLogger(__name__)


def record(uow: UnitOfWork[Repository], received: list[tuple[Event, dict]]) -> int:
    """Log the events, each with its data as received (fields this version does not know included,
    for the projections of later ones), and apply them to the projections, once per event id whatever
    the redeliveries (a concurrent duplicate on another replica waits on the log's primary key, then
    skips), in one transaction; returns how many were new."""
    unique = {event.id: (event, data) for event, data in received}
    events = [event for event, _ in unique.values()]
    with uow.transaction() as reporting:
        logged = reporting.log_events(events, [data for _, data in unique.values()])
        fresh = [event for event in events if event.id in logged and event.type in projection.IDEA_EVENTS]
        if fresh:
            facts = reporting.lock_idea_facts({event.data["idea_id"] for event in fresh})
            for event in fresh:
                facts[event.data["idea_id"]] = projection.apply(facts[event.data["idea_id"]], event)
            reporting.save_idea_facts(list(facts.values()))
    return len(logged)


def replay(events) -> list[projection.IdeaFacts]:
    """The facts the events give, applied in the order given; pure."""
    facts: dict = {}
    for event in events:
        idea_id = event.data["idea_id"]
        facts[idea_id] = projection.apply(facts.get(idea_id) or projection.IdeaFacts(idea_id), event)
    return list(facts.values())


def _rebuild(reporting: Repository) -> dict:
    reporting.clear_projections()  # from here live events wait for this transaction
    facts = replay(reporting.logged_events(projection.IDEA_EVENTS))
    reporting.insert_idea_facts(facts)
    events = reporting.count_logged_events()
    reporting.set_projection_version(projection.PROJECTION_VERSION, events)
    return {"events": events, "ideas": len(facts)}


def rebuild(uow: UnitOfWork[Repository]) -> dict:
    """Throw the projections away and derive them again from the event log, in one transaction and
    in a fixed order (occurred_at, event_id). Returns {"events": logged, "ideas": projected}."""
    with uow.transaction() as reporting:
        reporting.lock_for_rebuild()
        rebuilt = _rebuild(reporting)
    log.info("reporting rebuilt from %(events)s logged events: %(ideas)s ideas", rebuilt)
    return rebuilt


def rebuild_if_outdated(uow: UnitOfWork[Repository]) -> dict | None:
    """At start: rebuild when the projections were built by another version of projection.py."""
    with uow.transaction() as reporting:
        reporting.lock_for_rebuild()  # replicas starting together: one rebuilds, the others see it
        if reporting.projection_version() == projection.PROJECTION_VERSION:
            return None
        rebuilt = _rebuild(reporting)
    log.info("reporting projections were outdated; rebuilt from %(events)s logged events", rebuilt)
    return rebuilt


def _given(**params) -> dict:
    return {name: value for name, value in params.items() if value is not None}


def summary(uow: UnitOfWork[Repository], settings: ReportingSettings, from_date=None, to_date=None) -> dict:
    period = validated(Period(), _given(from_date=from_date, to_date=to_date))
    with uow.transaction() as reporting:
        return reporting.summary(settings.city.key, period["from_date"], period["to_date"])


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


def timeseries(
    uow: UnitOfWork[Repository], settings: ReportingSettings, metric, interval=None, from_date=None, to_date=None
) -> dict:
    query = validated(TimeseriesQuery(), _given(metric=metric, interval=interval, from_date=from_date, to_date=to_date))
    with uow.transaction() as reporting:
        counts = reporting.period_counts(
            settings.city.key, query["metric"], query["interval"], query["from_date"], query["to_date"]
        )
    return {
        "metric": query["metric"],
        "interval": query["interval"],
        "points": fill_periods(counts, query["interval"], query["from_date"], query["to_date"]),
    }


def _iso(value):
    return value.isoformat() if value is not None else None


def published_ideas(uow: UnitOfWork[Repository]) -> list[dict]:
    """Rows of the open-data export: the ideas public now, in IDEA_EXPORT_COLUMNS."""
    with uow.transaction() as reporting:
        rows = reporting.published_ideas()
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


def moderation_rows(uow: UnitOfWork[Repository]) -> list[dict]:
    with uow.transaction() as reporting:
        facts = reporting.all_idea_facts()
    return [moderation_row(each) for each in facts]
