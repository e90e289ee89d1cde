"""A reconnecting pika consumer for Aufbruch events (see docs/events.md, "Subscriber kit").

Delivery is at least once: an event is acknowledged only after the callback returned, so a crash or
a lost connection in between means the event comes again. Deduplicate by the event's `id`.
"""

import json
import logging
import threading
from collections.abc import Callable, Iterable

import pika
import pika.exceptions

from aufbruch.contracts.events import parse_event

log = logging.getLogger("aufbruch_subscriber")

ACCESS_REFUSED = 403
NOT_FOUND = 404

# Durable quorum queue (replicated, survives broker restarts) without a delivery limit: an event the
# callback fails on is never dropped by the broker, it comes again until the callback takes it.
QUEUE_ARGUMENTS = {"x-queue-type": "quorum"}


class SetupError(Exception):
    """The broker refused the declarations (permissions, a queue of that name with other arguments):
    retrying would not help."""


def parse_binding(text: str) -> tuple[str, str]:
    """`ideas.events:idea.published` -> ("ideas.events", "idea.published")."""
    exchange, sep, routing_key = text.partition(":")
    if not sep or not exchange or not routing_key:
        raise ValueError(f"expected EXCHANGE:ROUTING_KEY such as ideas.events:idea.published, got {text!r}")
    return exchange, routing_key


def _pika_url(amqp_url: str) -> str:
    # Nameko/kombu spell the scheme pyamqp://; pika knows amqp:// and amqps://.
    return "amqp://" + amqp_url[len("pyamqp://") :] if amqp_url.startswith("pyamqp://") else amqp_url


class Subscriber:
    """Consume the events bound to `queue` and hand each valid one, as the CloudEvent dict, to `callback`.

    - valid envelope: `callback(event)`, then ack;
    - invalid envelope (not JSON, not a CloudEvent of the catalog, data not matching its schema):
      logged and rejected without requeue (it is dropped: coming again would not make it valid);
    - `callback` raises: logged, and after `requeue_delay` seconds nacked with requeue (it comes again).

    `run()` blocks until `stop()`; connection losses are retried with a growing delay (from
    `min_delay`, doubling, at most `max_delay` seconds). Everything is declared again on every
    connection (idempotent), and the queue is durable, so events published meanwhile wait in it.
    """

    def __init__(
        self,
        amqp_url: str,
        queue: str,
        bindings: Iterable[tuple[str, str]],
        callback: Callable[[dict], object],
        prefetch: int = 50,
        *,
        min_delay: float = 0.5,
        max_delay: float = 30.0,
        requeue_delay: float = 1.0,
    ):
        self.parameters = pika.URLParameters(_pika_url(amqp_url))
        self.queue = queue
        self.bindings = list(dict.fromkeys(tuple(binding) for binding in bindings))
        if not self.bindings:
            raise ValueError("at least one (exchange, routing key) binding is needed")
        self.callback = callback
        self.prefetch = prefetch
        self.min_delay, self.max_delay, self.requeue_delay = min_delay, max_delay, requeue_delay
        self.consuming = threading.Event()  # set while connected and consuming
        self._stopping = threading.Event()
        self._connection = None

    # -- lifecycle ---------------------------------------------------------------------------

    def run(self) -> None:
        delay = self.min_delay
        while not self._stopping.is_set():
            try:
                self._connection = pika.BlockingConnection(self.parameters)
                channel = self._setup(self._connection)
                log.info(
                    "consuming from %s (%s)",
                    self.queue,
                    ", ".join(f"{exchange}:{key}" for exchange, key in self.bindings),
                )
                self.consuming.set()
                delay = self.min_delay
                while not self._stopping.is_set():
                    self._connection.process_data_events(time_limit=0.5)
                channel.close()
            except SetupError:
                raise
            except (
                pika.exceptions.AMQPConnectionError,
                pika.exceptions.AMQPChannelError,
                ConnectionError,
                OSError,
            ) as exc:
                if self._stopping.is_set():
                    break
                log.warning("connection to the broker lost or refused (%r); retrying in %.1fs", exc, delay)
                self._close_quietly()
                self._stopping.wait(delay)
                delay = min(delay * 2, self.max_delay)
            finally:
                self.consuming.clear()
        self._close_quietly()

    def stop(self) -> None:
        """Ask `run()` to return (within about half a second); unacknowledged events come again."""
        self._stopping.set()

    def _close_quietly(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and connection.is_open:
            try:
                connection.close()
            except Exception:  # noqa: BLE001 - it is going away anyway
                pass

    # -- declarations ------------------------------------------------------------------------

    def _setup(self, connection):
        for exchange in dict.fromkeys(exchange for exchange, _ in self.bindings):
            self._declare_exchange(connection, exchange)
        channel = connection.channel()
        try:
            channel.queue_declare(self.queue, durable=True, arguments=QUEUE_ARGUMENTS)
            for exchange, routing_key in self.bindings:
                channel.queue_bind(self.queue, exchange, routing_key=routing_key)
            channel.basic_qos(prefetch_count=self.prefetch)
            channel.basic_consume(self.queue, self._on_message, auto_ack=False)
        except pika.exceptions.ChannelClosedByBroker as exc:
            raise SetupError(
                f"cannot declare, bind or consume queue {self.queue!r}: {exc.reply_code} {exc.reply_text}"
            ) from exc
        return channel

    @staticmethod
    def _declare_exchange(connection, exchange: str) -> None:
        """Declare `exchange` as the platform does (topic, durable, not auto-deleted), so a subscriber
        may start before the platform ever ran. A city system's own user may not configure the
        platform's exchanges (ACCESS_REFUSED): then it only checks that the exchange exists."""
        channel = connection.channel()
        try:
            channel.exchange_declare(exchange, exchange_type="topic", durable=True, auto_delete=False)
            channel.close()
            return
        except pika.exceptions.ChannelClosedByBroker as exc:
            if exc.reply_code != ACCESS_REFUSED:
                raise SetupError(f"cannot declare exchange {exchange!r}: {exc.reply_code} {exc.reply_text}") from exc
        channel = connection.channel()
        try:
            channel.exchange_declare(exchange, passive=True)
            channel.close()
        except pika.exceptions.ChannelClosedByBroker as exc:
            if exc.reply_code == NOT_FOUND:  # the platform has not declared it yet: retried later
                raise pika.exceptions.AMQPChannelError(f"exchange {exchange!r} does not exist yet") from exc
            raise SetupError(f"cannot use exchange {exchange!r}: {exc.reply_code} {exc.reply_text}") from exc

    # -- messages ----------------------------------------------------------------------------

    def _on_message(self, channel, method, properties, body: bytes) -> None:
        try:
            event = json.loads(body)
            parse_event(event)  # raises for anything that is not a valid event of the catalog
        except Exception as exc:  # noqa: BLE001 - any failure to parse means: not a valid event
            log.error(
                "rejecting an invalid event (delivery %s, routing key %s): %s; body %r",
                method.delivery_tag,
                method.routing_key,
                exc,
                body[:200],
            )
            channel.basic_reject(delivery_tag=method.delivery_tag, requeue=False)
            return
        try:
            self.callback(event)
        except Exception:  # noqa: BLE001 - the callback's failure must not end the consumer
            log.exception("callback failed on event %s (%s); it will come again", event.get("id"), event.get("type"))
            self._stopping.wait(self.requeue_delay)  # no hot loop on an event that fails every time
            channel.basic_nack(delivery_tag=method.delivery_tag, requeue=True)
            return
        channel.basic_ack(delivery_tag=method.delivery_tag)
