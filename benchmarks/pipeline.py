"""Watching ideas go through the platform: a subscriber that notes when each `idea.published` event
arrives, and the database's record of when reporting counted an idea and notifications mailed it."""

import threading
import time
import uuid

import psycopg
from kombu import Connection, Consumer, Queue

from aufbruch.contracts.topology import event_exchange


class PublishedSubscriber:
    """A city system's view: an exclusive queue bound to `idea.published`, consumed in a thread."""

    def __init__(self, amqp_uri: str):
        self.amqp_uri = amqp_uri
        self.seen: dict[str, float] = {}
        self.ready = threading.Event()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._consume, daemon=True)

    def start(self) -> "PublishedSubscriber":
        self.thread.start()
        if not self.ready.wait(30):
            raise RuntimeError("the benchmark's subscriber did not connect to RabbitMQ")
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(10)

    def _on_message(self, body, message):
        self.seen[body["data"]["idea_id"]] = time.time()
        message.ack()

    def _consume(self):
        queue = Queue(
            f"bench-subscriber-{uuid.uuid4().hex[:8]}",
            exchange=event_exchange("ideas"),
            routing_key="idea.published",
            exclusive=True,
            auto_delete=True,
        )
        with (
            Connection(self.amqp_uri) as connection,
            Consumer(connection, queues=[queue], callbacks=[self._on_message], prefetch_count=500),
        ):
            self.ready.set()
            while not self.stopping.is_set():
                try:
                    connection.drain_events(timeout=0.5)
                except TimeoutError:
                    pass


def counted_by_reporting(database_url: str) -> dict[str, float]:
    """When reporting counted each idea as published (its log's receipt of `idea.published`)."""
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "select data->>'idea_id', extract(epoch from received_at)::float"
            " from reporting.event_log where event_type = 'idea.published'"
        ).fetchall()
    return dict(rows)


def notified(database_url: str) -> dict[str, float]:
    """When both mails of each idea (receipt and publication) had been sent."""
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "select idea_id::text, extract(epoch from max(sent_at))::float from notifications.mails"
            " where kind in ('receipt', 'published') group by idea_id"
            " having count(sent_at) = 2"
        ).fetchall()
    return dict(rows)
