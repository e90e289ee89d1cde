"""Phase 6: a CPU-bound consumer (moderation) draining a backlog of submissions, with one and with
two replicas, each on a platform of its own that runs moderation alone."""

import random
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from kombu import Connection, Producer

from aufbruch.contracts.events import CATALOG, new_event
from aufbruch.contracts.topology import event_exchange, subscription
from benchmarks.isolated_platform import running_platform
from benchmarks.plan import Plan
from benchmarks.process_usage import cpu_snapshot
from benchmarks.report import Report
from tests.support.ideas import distinct_text
from tests.support.infrastructure import SmtpSink, wait_until


def submitted_events(count: int) -> list[dict]:
    rng = random.Random()
    now = datetime.now(UTC)
    return [
        new_event(
            "idea.submitted",
            {
                "idea_id": uuid.uuid4(),
                "title": distinct_text(3, rng),
                "description": distinct_text(14, rng),
                "category": "other",
                "district": None,
                "submitted_at": now,
                "author_key": None,
            },
        )
        for _ in range(count)
    ]


def decision_rate(database_url: str) -> tuple[int, float]:
    """How many decisions moderation has taken, and how many a second from its first to its last."""
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "select count(*), extract(epoch from max(decided_at) - min(decided_at))::float from moderation.decisions"
        ).fetchone()
    assert row is not None  # an aggregate always answers one row
    count, span = row
    return count, (count - 1) / span if span else 0.0


def moderation_throughput(replicas: int, plan: Plan, logs: Path, mail: SmtpSink) -> tuple[float, float]:
    """Decisions per second of `replicas` moderation processes draining a backlog of submissions that
    arrives once all of them consume (from what was decided within the plan's wait), and
    the CPU time they spent per decision."""
    with running_platform(mail, logs, ("moderation",), replicas) as platform:
        queue = subscription("moderation", "idea.submitted").queue_name
        events = submitted_events(plan.replica_events)
        with Connection(platform.vhost.amqp_uri) as connection:
            channel = connection.default_channel
            wait_until(
                lambda: channel.queue_declare(queue, passive=True).consumer_count == replicas,
                timeout=60,
                interval=0.2,
                message=f"{replicas} moderation replicas to consume",
            )
            producer = Producer(channel, exchange=event_exchange(CATALOG["idea.submitted"].producer))
            cpu_before = sum(cpu_snapshot(platform).values())
            for event in events:
                producer.publish(event, routing_key="idea.submitted", delivery_mode=2, serializer="json")
        deadline = time.monotonic() + plan.replica_wait_seconds
        while decision_rate(platform.database.url)[0] < len(events) and time.monotonic() < deadline:
            time.sleep(0.5)
        cpu_spent = sum(cpu_snapshot(platform).values()) - cpu_before
        decided, rate = decision_rate(platform.database.url)
        return rate, cpu_spent * 1000 / max(decided, 1)


def measure_replicas(plan: Plan, logs: Path, mail: SmtpSink, report: Report) -> None:
    report.line(
        "\n[6] a CPU-bound consumer (moderation: rules and trigram similarity) draining a backlog,"
        f" of {plan.replica_events} submissions"
    )
    one, one_cpu = moderation_throughput(1, plan, logs, mail)
    report.figure("moderation, 1 replica: decisions per second", f"{one:,.0f}/s ({one_cpu:.1f} ms CPU each)")
    two, two_cpu = moderation_throughput(2, plan, logs, mail)
    report.figure("moderation, 2 replicas: decisions per second", f"{two:,.0f}/s ({two_cpu:.1f} ms CPU each)")
    report.figure("  two replicas as a multiple of one", f"{two / one:.2f}x" if one else "n/a")
