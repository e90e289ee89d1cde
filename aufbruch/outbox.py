"""Transactional outbox: an event is stored in the same transaction as the change it announces,
and a relay publishes stored events with publisher confirms, marking each one sent.

Several replicas may relay at once: each claims its batch with FOR UPDATE SKIP LOCKED. If the
broker is down, events stay pending and go out when it is back; publishing twice after a crash
between confirm and commit is possible, which is why every consumer is idempotent by event id.
"""
import logging

from kombu import Connection
from nameko.amqp.publish import Publisher
from nameko.extensions import DependencyProvider
from psycopg.types.json import Jsonb

from aufbruch.contracts import topology
from aufbruch.contracts.events import CATALOG, new_event

log = logging.getLogger(__name__)
RELAY_BATCH_SIZE = 200
PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.4, "interval_max": 1}


def add_event(conn, event_type: str, data: dict) -> dict:
    """Record an event in the caller's transaction; it is published after that transaction commits."""
    event = new_event(event_type, data)
    conn.execute(
        "insert into outbox (event_id, event_type, body) values (%s, %s, %s)",
        (event["id"], event_type, Jsonb(event)),
    )
    return event


class EventRelay(DependencyProvider):
    """Publishes a service's pending outbox events; call `relay(db)` from a timer entrypoint."""

    def setup(self):
        self.amqp_uri = self.container.config["AMQP_URI"]
        self.topology_declared = False
        # Not mandatory: some public events (idea.flagged, ...) have no internal consumer, only city
        # systems that may not be listening yet. Internal consumers' queues exist before the first
        # publish because the relay declares the whole topology first.
        # A short, bounded retry lets kombu replace a connection the broker dropped; a longer outage
        # fails the batch quickly and the next tick tries again, the events still pending.
        self.publisher = Publisher(self.amqp_uri, use_confirms=True, retry=True, retry_policy=PUBLISH_RETRY)

    def get_dependency(self, worker_ctx):
        return self

    def declare_topology(self):
        with Connection(self.amqp_uri, connect_timeout=5) as connection:
            connection.ensure_connection(max_retries=2, interval_start=0.2, interval_step=0.4, interval_max=1)
            topology.declare_all(connection.default_channel)
        self.topology_declared = True

    def relay(self, db) -> int:
        """Publish one batch of pending events; returns how many went out."""
        with db.transaction() as conn:
            pending = conn.execute(
                "select id, event_type, body from outbox where published_at is null"
                " order by id limit %s for update skip locked", (RELAY_BATCH_SIZE,)).fetchall()
            if not pending:
                return 0
            published = []
            try:
                if not self.topology_declared:
                    self.declare_topology()
                for row in pending:
                    self.publisher.publish(row["body"], exchange=CATALOG[row["event_type"]].exchange,
                                           routing_key=row["event_type"])
                    published.append(row["id"])
            except Exception as exc:  # broker unreachable or channel error: keep the rest pending
                self.topology_declared = False  # the broker may come back empty: declare again
                log.warning("outbox relay paused, broker unavailable: %s", exc)
            conn.execute("update outbox set published_at = now() where id = any(%s)", (published,))
        return len(published)
