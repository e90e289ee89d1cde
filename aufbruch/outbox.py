"""Transactional outbox: an event is stored in the same transaction as the change it announces,
and a relay publishes stored events with publisher confirms, marking each one sent.

Several replicas may relay at once: each claims its batch with FOR UPDATE SKIP LOCKED. If the
broker is down, events stay pending and go out when it is back; publishing twice after a crash
between confirm and commit is possible, which is why every consumer is idempotent by event id.

The relay looks at the outbox when a transaction of its process that recorded events has committed
(Database.transaction tells it), at once again while the last look found a full batch, and otherwise
once a second, for events that other processes recorded (operator commands) or that stayed pending.
It never polls an empty outbox in between: an idle or lightly loaded service costs next to nothing,
and an event goes out as soon as its transaction commits.
"""

import logging
import time
import weakref

import eventlet.queue
from kombu import Connection, Producer
from nameko.extensions import DependencyProvider
from psycopg.types.json import Jsonb

from aufbruch.contracts import topology
from aufbruch.contracts.events import CATALOG, new_event

log = logging.getLogger(__name__)
RELAY_BATCH_SIZE = 200
# A short, bounded retry lets a new connection through a brief blip; a longer outage fails the batch
# quickly and the next tick tries again, the events still pending.
CONNECT_RETRY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.4, "interval_max": 1}
CONFIRM_TIMEOUT_SECONDS = 10
IDLE_LOOK_SECONDS = 1
# The relay's worker waits for a commit at most this long before it hands back to its timer: a service
# that stops waits for its running workers, and should not wait a whole IDLE_LOOK_SECONDS for this one.
WAIT_SLICE_SECONDS = 0.1

_recording: weakref.WeakSet = weakref.WeakSet()  # connections whose open transaction recorded an event
_relays: weakref.WeakSet = weakref.WeakSet()  # every EventRelay of this process (tests run several services in one)


def add_event(conn, event_type: str, data: dict) -> dict:
    """Record an event in the caller's transaction; it is published after that transaction commits."""
    event = new_event(event_type, data)
    conn.execute(
        "insert into outbox (event_id, event_type, body) values (%s, %s, %s)",
        (event["id"], event_type, Jsonb(event)),
    )
    _recording.add(conn)
    return event


def transaction_ended(conn, committed: bool) -> None:
    """Called by Database.transaction after each transaction: wakes the relays when it committed events."""
    if conn in _recording:
        _recording.discard(conn)
        if committed:
            for relay in list(_relays):
                relay.wake()


class Confirms:
    """What the broker confirmed of what one channel published. It numbers a confirm channel's
    messages 1, 2, ... and acks or nacks one number, or with `multiple` every number up to it."""

    def __init__(self):
        self.sent = 0
        self.unconfirmed: dict[int, object] = {}
        self.confirmed: list = []

    def published(self, item) -> None:
        self.sent += 1
        self.unconfirmed[self.sent] = item

    def _settle(self, delivery_tag: int, multiple: bool) -> list:
        tags = [tag for tag in self.unconfirmed if tag <= delivery_tag] if multiple else [delivery_tag]
        return [self.unconfirmed.pop(tag) for tag in tags if tag in self.unconfirmed]

    def ack(self, delivery_tag: int, multiple: bool) -> None:
        self.confirmed += self._settle(delivery_tag, multiple)

    def nack(self, delivery_tag: int, multiple: bool) -> None:
        self._settle(delivery_tag, multiple)  # not taken: stays pending, the next tick sends it again

    @property
    def awaited(self) -> bool:
        return bool(self.unconfirmed)

    def take_confirmed(self) -> list:
        confirmed, self.confirmed = self.confirmed, []
        return confirmed


class ConfirmedChannel:
    """A channel in publisher-confirm mode that publishes a whole batch before it waits, so the
    batch costs one round trip to the broker rather than one per event (nameko's Publisher waits for
    each confirm: about 1,300 events/s at best here, see ../shared/FACTS.md)."""

    def __init__(self, amqp_uri: str):
        self.connection: Connection | None = Connection(amqp_uri, connect_timeout=5)
        try:
            self.connection.ensure_connection(**CONNECT_RETRY)
            # The broker may have come back empty: the consumers' queues exist before the first publish.
            topology.declare_all(self.connection.default_channel)
            self.channel = self.connection.channel()
            self.channel.confirm_select()
        except Exception:
            self.close()
            raise
        self.confirms = Confirms()
        self.channel.events["basic_ack"].add(self.confirms.ack)
        self.channel.events["basic_nack"].add(self.confirms.nack)
        self.producer = Producer(self.channel)

    def publish_all(self, rows) -> list:
        """Publish every row and wait for the broker's confirms; returns the ids of the rows it
        confirmed, also when it fails part way (raising then only if none was confirmed)."""
        connection = self.connection
        if connection is None:
            raise ConnectionError("the relay's broker connection was closed after a failure; open a new one")
        try:
            for row in rows:
                self.producer.publish(
                    row["body"],
                    exchange=CATALOG[row["event_type"]].exchange,
                    routing_key=row["event_type"],
                    serializer="json",
                    delivery_mode=2,
                )
                self.confirms.published(row["id"])
            while self.confirms.awaited:
                connection.drain_events(timeout=CONFIRM_TIMEOUT_SECONDS)
        except Exception:
            confirmed = self.confirms.take_confirmed()
            if not confirmed:
                raise
            log.warning(
                "outbox relay: %d of %d events confirmed before the connection failed",
                len(confirmed),
                len(rows),
                exc_info=True,
            )
            self.close()
            return confirmed
        return self.confirms.take_confirmed()

    @property
    def usable(self) -> bool:
        return self.connection is not None

    def close(self) -> None:
        if self.connection is not None:
            self.connection.release()
            self.connection = None


class EventRelay(DependencyProvider):
    """Publishes a service's pending outbox events; call `relay(db)` from a timer entrypoint (one
    call at a time: the timer waits for its tick).

    Not mandatory: some public events (idea.flagged, ...) have no internal consumer, only city systems
    that may not be listening yet. Internal consumers' queues exist before the first publish because
    the relay declares the whole topology on every new connection.
    """

    def setup(self):
        self.amqp_uri = self.container.config["AMQP_URI"]
        self.channel = None
        self.commits = eventlet.queue.LightQueue(maxsize=1)  # holds one wake-up for any number of commits
        self.last_batch_full = False
        self.last_look = float("-inf")
        _relays.add(self)

    def stop(self):
        self._drop_channel()

    kill = stop

    def get_dependency(self, worker_ctx):
        return self

    def _drop_channel(self):
        if self.channel is not None:
            self.channel.close()
            self.channel = None

    def wake(self) -> None:
        try:
            self.commits.put_nowait(True)
        except eventlet.queue.Full:
            pass  # already woken: the next look takes every committed event

    def relay_when_due(self, db) -> int:
        """Publish one batch if events were committed (waiting for that up to WAIT_SLICE_SECONDS), the
        last batch was full, or the last look is IDLE_LOOK_SECONDS ago; returns how many went out."""
        if not self.last_batch_full:
            try:
                self.commits.get(timeout=WAIT_SLICE_SECONDS)
            except eventlet.queue.Empty:
                if time.monotonic() - self.last_look < IDLE_LOOK_SECONDS:
                    return 0
        return self.relay(db)

    def relay(self, db) -> int:
        """Publish one batch of pending events; returns how many the broker confirmed."""
        self.last_batch_full = False
        self.last_look = time.monotonic()
        with db.transaction() as conn:
            pending = conn.execute(
                "select id, event_type, body from outbox where published_at is null"
                " order by id limit %s for update skip locked",
                (RELAY_BATCH_SIZE,),
            ).fetchall()
            if not pending:
                return 0
            try:
                if self.channel is None or not self.channel.usable:
                    self.channel = ConfirmedChannel(self.amqp_uri)
                published = self.channel.publish_all(pending)
            except Exception as exc:  # broker unreachable or channel error: everything stays pending
                self._drop_channel()
                log.warning("outbox relay paused, broker unavailable: %s", exc)
                published = []
            conn.execute("update outbox set published_at = now() where id = any(%s)", (published,))
        self.last_batch_full = len(published) == RELAY_BATCH_SIZE
        return len(published)
