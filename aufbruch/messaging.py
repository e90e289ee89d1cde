"""Event handlers that never drop an event.

Nameko acknowledges an event when its handler returns *or raises*. `on_event` requeues instead when
the handler raises, and consumes from the shared topology's quorum queue, whose delivery limit sends
a message that fails every time to the dead-letter queue. Handlers commit their own transaction
before returning, so the acknowledgement always follows the commit. A body that cannot even be
decoded, which kombu would acknowledge and so lose, is dead-lettered at once.

A handler that finds its database unavailable is not a poison message: it is handled again after a
pause, the message held all along (never returned), so an outage of any length uses up none of its
delivery limit. Only when the service stops meanwhile does the message go back to its queue.

`on_events` hands a handler what has arrived on its queue as one list (up to BATCH_SIZE events, each
waiting at most BATCH_LINGER_SECONDS), for consumers whose work per event is little more than a
transaction: one worker and one transaction for many events instead of one each (BENCHMARKS.md).
A batch that fails is split into batches of one, so a poison message is retried and dead-lettered
alone while its neighbours are handled once.
"""

import logging
from functools import partial

import eventlet
from nameko.events import EventHandler
from nameko.exceptions import ContainerBeingKilled
from nameko.messaging import QueueConsumer

from aufbruch.contracts import topology
from aufbruch.contracts.errors import Unavailable
from aufbruch.contracts.events import CATALOG

log = logging.getLogger(__name__)
UNAVAILABLE_RETRY_SECONDS = 2
BATCH_SIZE = 100
BATCH_PREFETCH = 2 * BATCH_SIZE  # the next batch arrives while a worker handles this one
BATCH_LINGER_SECONDS = 0.01


class DeadLetteringQueueConsumer(QueueConsumer):
    def on_decode_error(self, message, exc):
        log.error("undecodable message from %s dead-lettered: %s", message.delivery_info.get("routing_key"), exc)
        message.reject(requeue=False)


class BatchingQueueConsumer(DeadLetteringQueueConsumer):
    """Lets a queue hold enough unacknowledged messages to fill a batch: the default prefetch is the
    service's max_workers, one message per worker."""

    @property
    def prefetch_count(self):
        return BATCH_PREFETCH


class ReliableEventHandler(EventHandler):
    queue_consumer = DeadLetteringQueueConsumer()

    def __init__(self, event_type: str, **kwargs):
        kwargs.setdefault("requeue_on_error", True)
        kwargs.setdefault("expected_exceptions", Unavailable)  # logged as information, not as an error
        super().__init__(CATALOG[event_type].producer, event_type, **kwargs)

    def setup(self):
        super().setup()
        self.stopping = False
        self.queue = topology.subscription(self.container.service_name, self.event_type).queue()

    def stop(self):
        self.stopping = True
        super().stop()

    def handle_result(self, message, worker_ctx, result=None, exc_info=None):
        if exc_info is not None and issubclass(exc_info[0], Unavailable) and not self.stopping:
            self.container.spawn_managed_thread(partial(self._handle_again_later, message, worker_ctx))
            return result, exc_info
        return super().handle_result(message, worker_ctx, result, exc_info)

    def _handle_again_later(self, message, worker_ctx):
        eventlet.sleep(UNAVAILABLE_RETRY_SECONDS)
        if not self.stopping:
            try:
                self.container.spawn_worker(
                    self,
                    worker_ctx.args,
                    worker_ctx.kwargs,
                    context_data=worker_ctx.data,
                    handle_result=partial(self.handle_result, message),
                )
                return
            except ContainerBeingKilled:
                pass
        self._return(message)

    def _return(self, message):
        self.queue_consumer.requeue_message(message)


class BatchingEventHandler(ReliableEventHandler):
    """A ReliableEventHandler whose method takes a list of event bodies; its `message` is the list of
    their messages, acknowledged together once the method returns."""

    queue_consumer = BatchingQueueConsumer()

    def setup(self):
        super().setup()
        self.waiting = []  # (body, message) not yet handed to a worker
        self.flush_due = False

    def stop(self):
        self._flush()  # what has arrived is handled before the service stops, not left to redelivery
        super().stop()

    def handle_message(self, body, message):
        self.waiting.append((body, message))
        if len(self.waiting) >= BATCH_SIZE:
            self._flush()
        elif not self.flush_due:
            self.flush_due = True
            self.container.spawn_managed_thread(self._flush_after_linger)

    def _flush_after_linger(self):
        eventlet.sleep(BATCH_LINGER_SECONDS)
        self.flush_due = False
        self._flush()

    def _flush(self):
        batch, self.waiting = self.waiting, []
        if batch:
            self._spawn([body for body, _ in batch], [message for _, message in batch])

    def _spawn(self, bodies: list, messages: list):
        try:
            self.container.spawn_worker(
                self,
                (bodies,),
                {},
                context_data=self.unpack_message_headers(messages[0]),
                handle_result=partial(self.handle_result, messages),
            )
        except ContainerBeingKilled:
            self._return(messages)

    def handle_result(self, messages, worker_ctx, result=None, exc_info=None):
        failed = exc_info is not None and not issubclass(exc_info[0], Unavailable)
        if failed and len(messages) > 1:
            for body, message in zip(worker_ctx.args[0], messages, strict=True):
                self._spawn([body], [message])
            return result, exc_info
        return super().handle_result(messages, worker_ctx, result, exc_info)

    def handle_message_processed(self, messages, result=None, exc_info=None):
        for message in messages:
            super().handle_message_processed(message, result, exc_info)

    def _return(self, messages):
        for message in messages:
            self.queue_consumer.requeue_message(message)


on_event = ReliableEventHandler.decorator
on_events = BatchingEventHandler.decorator
