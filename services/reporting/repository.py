"""Every SQL statement of the reporting service, as the methods of one transaction's `Repository`.

`event_log` is the source of truth; `idea_facts` is derived from it alone (projection.py) and can
be truncated and replayed at any time. The figures read `idea_facts`, and `event_log` directly for
what is counted per event (notifications, hides).
"""

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from psycopg import sql
from psycopg.types.json import Jsonb

from aufbruch.contracts.events import CATALOG, Event
from aufbruch.unit_of_work import Transaction
from services.reporting.projection import COLUMNS, IdeaFacts

SCHEMA = "reporting"
MIGRATIONS = Path(__file__).parent / "migrations"

_ARRAY_COLUMNS = ("rejection_reasons", "decision_reasons")
_FACT_COLUMNS = sql.SQL(", ").join(map(sql.Identifier, COLUMNS))
ACTOR_KEYS = {"automatic": "automatic", "moderator": "human"}  # event vocabulary -> summary key
NOTIFICATION_EVENTS = {"notification.sent": "sent", "notification.failed": "failed"}
METRIC_COLUMNS = {"submissions": "submitted_at", "publications": "published_at"}


def _facts(row: dict) -> IdeaFacts:
    values: dict[str, Any] = {name: tuple(row[name]) if name in _ARRAY_COLUMNS else row[name] for name in COLUMNS}
    return IdeaFacts(**values)


_LOCK_FACTS = sql.SQL("select {} from idea_facts where idea_id = any(%s) order by idea_id for update").format(
    _FACT_COLUMNS
)
_SAVE_FACTS = sql.SQL("update idea_facts set {} where idea_id = %s").format(
    sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(name)) for name in COLUMNS[1:] + ("status",))
)


def _values(facts: IdeaFacts) -> list:
    return [
        list(value) if name in _ARRAY_COLUMNS else value
        for name, value in ((name, getattr(facts, name)) for name in COLUMNS)
    ] + [facts.status]


# The ideas submitted from `from` to `to` (city days, both inclusive); all ideas when both are None
# (then also those whose idea.submitted has not arrived yet).
_COHORT = """with cohort as (
    select * from idea_facts
    where (%(from)s::date is null or submitted_at >= (%(from)s::date::timestamp at time zone %(tz)s))
      and (%(to)s::date is null or submitted_at < ((%(to)s::date + 1)::timestamp at time zone %(tz)s))
) """
# Events about an idea of the cohort; without a period every logged event counts.
_IN_COHORT = "(%(unfiltered)s or (data->>'idea_id')::uuid in (select idea_id from cohort))"


# count, median, p90 and maximum of `seconds` per `key` of the rows of a subquery
_DISTRIBUTION = """
    select key, count(*) as n,
           percentile_cont(0.5) within group (order by seconds) as median,
           percentile_cont(0.9) within group (order by seconds) as p90,
           max(seconds) as maximum
    from ({}) measured group by key"""
_NO_DURATIONS = {"count": 0, "median_seconds": None, "p90_seconds": None, "max_seconds": None}


def _durations(row: dict | None) -> dict:
    if row is None:
        return dict(_NO_DURATIONS)
    return {
        "count": row["n"],
        "median_seconds": round(row["median"], 3),
        "p90_seconds": round(row["p90"], 3),
        "max_seconds": round(row["maximum"], 3),
    }


def _turnaround(rows: list[dict]) -> dict:
    figures = {key: _durations(None) for key in ACTOR_KEYS.values()}
    for row in rows:
        figures[ACTOR_KEYS[row["key"]]] = _durations(row)
    return figures


class Repository(Transaction):
    def log_events(self, events: list[Event], raw_data: list[dict]) -> set[uuid.UUID]:
        """Append to the event log; returns the ids logged now, without those logged before (redeliveries).
        Rows go in by event id, so concurrent batches that share events wait for each other in one order
        rather than deadlock."""
        rows = sorted(zip((event.id for event in events), events, raw_data, strict=True), key=lambda row: row[0])
        logged = self.conn.execute(
            "insert into event_log (event_id, event_type, occurred_at, data)"
            " select * from unnest(%s::uuid[], %s::text[], %s::timestamptz[], %s::jsonb[])"
            " on conflict do nothing returning event_id",
            (
                [event_id for event_id, _, _ in rows],
                [event.type for _, event, _ in rows],
                [event.time for _, event, _ in rows],
                [Jsonb(data) for _, _, data in rows],
            ),
        ).fetchall()
        return {row["event_id"] for row in logged}

    def logged_events(self, event_types) -> Iterator[Event]:
        """Every logged event of `event_types`, parsed again, in replay order (occurred_at, event_id)."""
        with self.conn.cursor(name="replay") as cursor:
            cursor.execute(
                "select event_id, event_type, occurred_at, data from event_log"
                " where event_type = any(%s) order by occurred_at, event_id",
                (list(event_types),),
            )
            for row in cursor:
                data = CATALOG[row["event_type"]].schema.load(row["data"])
                yield Event(id=row["event_id"], type=row["event_type"], time=row["occurred_at"], data=data)

    def count_logged_events(self) -> int:
        return self.conn.execute("select count(*) as n from event_log").fetchone()["n"]

    def lock_idea_facts(self, idea_ids: set[uuid.UUID]) -> dict[uuid.UUID, IdeaFacts]:
        """The facts of these ideas (new ones empty), locked until commit, in id order (no deadlock)."""
        ordered = sorted(idea_ids)
        self.conn.execute(
            "insert into idea_facts (idea_id) select unnest(%s::uuid[]) on conflict do nothing", (ordered,)
        )
        rows = self.conn.execute(_LOCK_FACTS, (ordered,)).fetchall()
        return {row["idea_id"]: _facts(row) for row in rows}

    def save_idea_facts(self, facts: list[IdeaFacts]) -> None:
        with self.conn.cursor() as cursor:
            cursor.executemany(_SAVE_FACTS, [_values(each)[1:] + [each.idea_id] for each in facts])

    def clear_projections(self) -> None:
        """Empty every table derived from the event log; the lock holds live events off until commit."""
        self.conn.execute("truncate idea_facts")

    def insert_idea_facts(self, facts: list[IdeaFacts]) -> None:
        columns = sql.SQL(", ").join(map(sql.Identifier, COLUMNS + ("status",)))
        placeholders = sql.SQL(", ").join([sql.Placeholder()] * (len(COLUMNS) + 1))
        with self.conn.cursor() as cursor:
            cursor.executemany(
                sql.SQL("insert into idea_facts ({}) values ({})").format(columns, placeholders),
                [_values(each) for each in facts],
            )

    def all_idea_facts(self) -> list[IdeaFacts]:
        rows = self.conn.execute(
            sql.SQL("select {} from idea_facts order by submitted_at nulls last, idea_id").format(_FACT_COLUMNS)
        ).fetchall()
        return [_facts(row) for row in rows]

    def projection_version(self) -> int | None:
        row = self.conn.execute("select version from projection_state").fetchone()
        return row["version"] if row else None

    def set_projection_version(self, version: int, events: int) -> None:
        self.conn.execute(
            "insert into projection_state (version, events) values (%s, %s) on conflict (singleton)"
            " do update set version = excluded.version, events = excluded.events, rebuilt_at = now()",
            (version, events),
        )

    def lock_for_rebuild(self) -> None:
        """Serialises rebuilds (by hand, over RPC, and at the start of replicas)."""
        self.conn.execute("select pg_advisory_xact_lock(hashtext('reporting:rebuild'))")

    def _counts(self, query: str, params: dict) -> dict:
        return {row["key"]: row["n"] for row in self.conn.execute(_COHORT + query, params).fetchall()}

    def summary(self, timezone: str, from_date: date | None = None, to_date: date | None = None) -> dict:
        params = {"tz": timezone, "from": from_date, "to": to_date, "unfiltered": from_date is None and to_date is None}
        by_status = self._counts("select status as key, count(*) as n from cohort group by 1", params)
        per_day = self.conn.execute(
            _COHORT + "select (submitted_at at time zone %(tz)s)::date as day, count(*) as n from cohort"
            " where submitted_at is not null group by 1 order by 1",
            params,
        ).fetchall()
        turnaround = self.conn.execute(
            _COHORT
            + _DISTRIBUTION.format(
                "select decision_actor as key, extract(epoch from decided_at - submitted_at)::float8 as seconds"
                " from cohort where decided_at is not null and submitted_at is not null"
            ),
            params,
        ).fetchall()
        answer_time = self.conn.execute(
            _COHORT
            + _DISTRIBUTION.format(
                "select 'answered' as key, extract(epoch from first_answered_at - published_at)::float8 as seconds"
                " from cohort where first_answered_at is not null and published_at is not null"
            ),
            params,
        ).fetchone()
        notifications = self._counts(
            "select event_type as key, count(*) as n from event_log"
            f" where event_type = any(%(types)s) and {_IN_COHORT} group by 1",
            params | {"types": list(NOTIFICATION_EVENTS)},
        )
        [participants] = self.conn.execute(
            _COHORT + "select count(distinct author_key) as n from cohort", params
        ).fetchall()
        return {
            "total": sum(by_status.values()),
            "by_status": by_status,
            "by_category": self._counts(
                "select category as key, count(*) as n from cohort where category is not null group by 1", params
            ),
            "by_district": self._counts(
                "select district as key, count(*) as n from cohort where district is not null group by 1", params
            ),
            "per_day": [{"date": row["day"].isoformat(), "submitted": row["n"]} for row in per_day],
            "turnaround": _turnaround(turnaround),
            "rejection_reasons": self._counts(
                "select reason as key, count(*) as n from cohort, unnest(rejection_reasons) as reason"
                " where status = 'rejected' group by 1",
                params,
            ),
            "hide_reasons": self._counts(
                "select data->>'reason' as key, count(*) as n from event_log"
                f" where event_type = 'idea.hidden' and {_IN_COHORT} group by 1",
                params,
            ),
            "notifications": {
                name: notifications.get(event_type, 0) for event_type, name in NOTIFICATION_EVENTS.items()
            },
            "participants": participants["n"],
            "by_official_status": self._counts(
                "select official_status as key, count(*) as n from cohort where official_status is not null group by 1",
                params,
            ),
            "answer_time": _durations(answer_time),
            "by_process": self._counts(
                "select process_id as key, count(*) as n from cohort where process_id is not null group by 1", params
            ),
        }

    def period_counts(
        self, timezone: str, metric: str, interval: str, from_date: date | None, to_date: date | None
    ) -> dict[date, int]:
        """Ideas per period (day, or week by its Monday) of the metric's own date, from..to inclusive."""
        column = sql.Identifier(METRIC_COLUMNS[metric])
        query = sql.SQL(
            "select date_trunc(%(unit)s, {column} at time zone %(tz)s)::date as period, count(*) as n"
            " from idea_facts where {column} is not null"
            " and (%(from)s::date is null or {column} >= (%(from)s::date::timestamp at time zone %(tz)s))"
            " and (%(to)s::date is null or {column} < ((%(to)s::date + 1)::timestamp at time zone %(tz)s))"
            " group by 1 order by 1"
        ).format(column=column)
        rows = self.conn.execute(query, {"unit": interval, "tz": timezone, "from": from_date, "to": to_date}).fetchall()
        return {row["period"]: row["n"] for row in rows}

    def published_ideas(self) -> list[dict]:
        """Ideas that are public now (published, neither hidden nor rejected), oldest publication first."""
        return self.conn.execute(
            "select idea_id, title, description, category, district, published_at from idea_facts"
            " where status = 'published' order by published_at, idea_id"
        ).fetchall()
