"""Event handlers that never drop an event.

Nameko acknowledges an event when its handler returns *or raises*. `on_event` requeues instead when
the handler raises, and consumes from the shared topology's quorum queue, whose delivery limit sends
a message that fails every time to the dead-letter queue. Handlers commit their own transaction
before returning, so the acknowledgement always follows the commit. A body that cannot even be
decoded, which kombu would acknowledge and so lose, is dead-lettered at once.
"""
import logging

from nameko.events import EventHandler
from nameko.messaging import QueueConsumer

from aufbruch.contracts import topology
from aufbruch.contracts.events import CATALOG


log = logging.getLogger(__name__)


class DeadLetteringQueueConsumer(QueueConsumer):
    def on_decode_error(self, message, exc):
        log.error("undecodable message from %s dead-lettered: %s",
                  message.delivery_info.get("routing_key"), exc)
        message.reject(requeue=False)


class ReliableEventHandler(EventHandler):
    queue_consumer = DeadLetteringQueueConsumer()

    def __init__(self, event_type: str, **kwargs):
        kwargs.setdefault("requeue_on_error", True)
        super().__init__(CATALOG[event_type].producer, event_type, **kwargs)

    def setup(self):
        super().setup()
        self.queue = topology.subscription(self.container.service_name, self.event_type).queue()


on_event = ReliableEventHandler.decorator
