"""Event handlers that never drop an event.

Nameko acknowledges an event when its handler returns *or raises*. `on_event` requeues instead when
the handler raises, and consumes from the shared topology's quorum queue, whose delivery limit sends
a message that fails every time to the dead-letter queue. Handlers commit their own transaction
before returning, so the acknowledgement always follows the commit. A body that cannot even be
decoded, which kombu would acknowledge and so lose, is dead-lettered at once.

A handler that finds its database unavailable is not a poison message: it is handled again after a
pause, the message held all along (never returned), so an outage of any length uses up none of its
delivery limit. Only when the service stops meanwhile does the message go back to its queue.
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


class DeadLetteringQueueConsumer(QueueConsumer):
    def on_decode_error(self, message, exc):
        log.error("undecodable message from %s dead-lettered: %s",
                  message.delivery_info.get("routing_key"), exc)
        message.reject(requeue=False)


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
                self.container.spawn_worker(self, worker_ctx.args, worker_ctx.kwargs, context_data=worker_ctx.data,
                                            handle_result=partial(self.handle_result, message))
                return
            except ContainerBeingKilled:
                pass
        self.queue_consumer.requeue_message(message)


on_event = ReliableEventHandler.decorator
