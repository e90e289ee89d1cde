"""The framework's floor: a bare Nameko service that only parses the JSON of a POST and dispatches it
as an event (publisher confirms, persistent, to a durable quorum queue, as the platform's events).
The benchmark drives it with the same load as the gateway; nothing can take ideas in faster on this
stack, so our figures are read as a ratio of its figures.

    HTTP_PORT=8099 nameko run --config deploy/config.yaml benchmarks.floor_service:FloorService
"""

import json

from kombu import Exchange, Queue
from nameko.events import EventDispatcher
from nameko.web.handlers import http
from werkzeug.wrappers import Response

SERVICE_NAME = "floor"
EVENT_TYPE = "idea.submitted"


def floor_queue() -> Queue:
    """Where the floor's events are kept, declared by the benchmark before the load starts."""
    return Queue(
        f"{SERVICE_NAME}--{EVENT_TYPE}",
        durable=True,
        routing_key=EVENT_TYPE,
        exchange=Exchange(f"{SERVICE_NAME}.events", type="topic", durable=True),
        queue_arguments={"x-queue-type": "quorum"},
    )


class FloorService:
    name = SERVICE_NAME
    dispatch = EventDispatcher()

    @http("POST", "/api/v1/ideas")
    def submit(self, request):
        self.dispatch(EVENT_TYPE, json.loads(request.get_data()))
        return Response('{"status": "submitted"}', status=202, mimetype="application/json")
