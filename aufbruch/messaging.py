"""Event handlers that never drop an event.

Nameko acknowledges an event when its handler returns *or raises*. `on_event` requeues instead when
the handler raises, and consumes from the shared topology's quorum queue, whose delivery limit sends
a message that fails every time to the dead-letter queue. Handlers commit their own transaction
before returning, so the acknowledgement always follows the commit.
"""
from nameko.events import EventHandler

from aufbruch.contracts import topology
from aufbruch.contracts.events import CATALOG


class ReliableEventHandler(EventHandler):
    def __init__(self, event_type: str, **kwargs):
        kwargs.setdefault("requeue_on_error", True)
        super().__init__(CATALOG[event_type].producer, event_type, **kwargs)

    def setup(self):
        super().setup()
        self.queue = topology.subscription(self.container.service_name, self.event_type).queue()


on_event = ReliableEventHandler.decorator
