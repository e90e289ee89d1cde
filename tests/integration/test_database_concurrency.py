"""Concurrent workers of one service overlap in the database instead of queueing behind each other
(psycopg's C implementation would serialise them under eventlet: see ../shared/FACTS.md)."""

from datetime import datetime
from pathlib import Path

from nameko.rpc import rpc
from nameko.standalone.rpc import ServiceRpcProxy

from aufbruch.db import Database

CONCURRENT_CALLS = 5


class SleepyService:
    name = "sleepy"
    db = Database("sleepy", Path(__file__).parent / "no_migrations")

    @rpc
    def sleep_in_database(self):
        # One statement: the server's own clock brackets exactly the time the query ran.
        with self.db.transaction() as conn:
            row = conn.execute(
                "select clock_timestamp() as started, pg_sleep(0.5), clock_timestamp() as ended"
            ).fetchone()
        return row["started"].isoformat(), row["ended"].isoformat()


def test_concurrent_queries_of_one_service_overlap(container_factory, config):
    container = container_factory(SleepyService, config)
    container.start()
    with ServiceRpcProxy("sleepy", config) as sleepy:
        replies = [sleepy.sleep_in_database.call_async() for _ in range(CONCURRENT_CALLS)]
        intervals = [[datetime.fromisoformat(t) for t in reply.result()] for reply in replies]
    latest_start = max(started for started, _ in intervals)
    earliest_end = min(ended for _, ended in intervals)
    # Serialised queries would each start after the previous one ended.
    assert latest_start < earliest_end, intervals
