"""The gateway: the platform's HTTP API under /api/v1. It owns no data; it asks the services by RPC."""
import logging

import eventlet
from kombu import Connection
from nameko.dependency_providers import Config
from nameko.rpc import RpcProxy
from nameko.web.handlers import http

from services.gateway.errors import ServiceTimeout, answers_errors
from services.gateway.http import json_response, read_json

log = logging.getLogger(__name__)
API = "/api/v1"
RPC_TIMEOUT_SECONDS = 10
HEALTH_TIMEOUT_SECONDS = 2
CHECKED_SERVICES = ("ideas", "moderation", "notifications", "reporting")


class GatewayService:
    name = "gateway"
    config = Config()

    ideas = RpcProxy("ideas")
    moderation = RpcProxy("moderation")
    notifications = RpcProxy("notifications")
    reporting = RpcProxy("reporting")

    def _call(self, method, *args):
        with eventlet.Timeout(RPC_TIMEOUT_SECONDS, ServiceTimeout):
            return method(*args)

    @http("POST", f"{API}/ideas")
    @answers_errors
    def submit_idea(self, request):
        payload = read_json(request)
        receipt = self._call(self.ideas.submit, payload, request.headers.get("Idempotency-Key"))
        headers = {"Location": f"{API}/ideas/{receipt['id']}"}
        if not receipt.pop("created"):
            headers["Idempotent-Replayed"] = "true"
        return json_response(202, receipt, headers)

    @http("GET", f"{API}/ideas/<idea_id>")
    @answers_errors
    def get_idea(self, request, idea_id):
        return json_response(200, self._call(self.ideas.get, idea_id))

    @http("GET", f"{API}/ideas")
    @answers_errors
    def list_ideas(self, request):
        return json_response(200, self._call(self.ideas.list_published, request.args.to_dict()))

    @http("GET", f"{API}/reports/summary")
    @answers_errors
    def report_summary(self, request):
        return json_response(200, self._call(self.reporting.summary))

    @http("GET", f"{API}/health")
    @answers_errors
    def health(self, request):
        checks = {"rabbitmq": self._broker_check()}
        if checks["rabbitmq"] == "ok":
            pending = {name: self._ping(name) for name in CHECKED_SERVICES}  # all asked before any awaited
            checks |= {name: self._service_check(reply) for name, reply in pending.items()}
        healthy = all(state == "ok" for state in checks.values())
        return json_response(200 if healthy else 503, {"status": "ok" if healthy else "degraded",
                                                        "checks": checks})

    def _broker_check(self) -> str:
        try:
            with Connection(self.config["AMQP_URI"], connect_timeout=HEALTH_TIMEOUT_SECONDS) as conn:
                conn.ensure_connection(max_retries=1)
            return "ok"
        except Exception as exc:
            log.warning("health: broker unreachable", exc_info=True)
            return f"unreachable: {type(exc).__name__}"

    def _ping(self, name):
        try:
            return getattr(self, name).ping.call_async()
        except Exception as exc:  # no such service queue: never started
            return exc

    def _service_check(self, reply) -> str:
        if isinstance(reply, Exception):
            return f"failing: {type(reply).__name__}"
        try:
            with eventlet.Timeout(HEALTH_TIMEOUT_SECONDS, ServiceTimeout):
                return reply.result()
        except ServiceTimeout:
            return "no answer"
        except Exception as exc:
            return f"failing: {type(exc).__name__}"
