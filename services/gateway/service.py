"""The gateway: the platform's public HTTP API under /api/v1. It owns no data.

The ideas API is forwarded over HTTP to the ideas service (see ideas_client.py: taking ideas in must
not depend on the broker); everything else is asked of the services by RPC.
"""

import logging

import eventlet
from kombu import Connection
from nameko.dependency_providers import Config
from nameko.rpc import RpcProxy

from aufbruch.http import ServiceTimeout, answers_errors, http, json_response, parse_json, read_body
from aufbruch.rate_limit import PublicWriteLimit, rate_limited
from services.gateway.admin_api import AdminApi
from services.gateway.categories_api import CategoriesApi
from services.gateway.city_api import CityApi
from services.gateway.dashboard import DashboardPage
from services.gateway.ideas_client import IdeasClient
from services.gateway.moderation_api import ModerationApi
from services.gateway.open311_api import Open311Api
from services.gateway.openapi import OpenApiDocument
from services.gateway.participation_api import ParticipationApi
from services.gateway.reports_api import ReportsApi
from services.gateway.subscriptions_api import SubscriptionsApi
from services.gateway.unknown_routes import UnknownRoutes
from services.gateway.webhooks_api import WebhooksApi

log = logging.getLogger(__name__)
API = "/api/v1"
HEALTH_TIMEOUT_SECONDS = 2
RPC_CHECKED_SERVICES = ("moderation", "notifications", "reporting", "accounts", "webhooks", "participation")


class GatewayService(
    ModerationApi,
    AdminApi,
    ReportsApi,
    DashboardPage,
    Open311Api,
    WebhooksApi,
    SubscriptionsApi,
    ParticipationApi,
    CityApi,
    CategoriesApi,
    OpenApiDocument,
    UnknownRoutes,
):
    name = "gateway"
    config = Config()

    ideas = IdeasClient()
    public_writes = PublicWriteLimit()
    reporting = RpcProxy("reporting")

    @http("POST", f"{API}/ideas")
    @answers_errors
    @rate_limited
    def submit_idea(self, request):
        body = read_body(request)
        parse_json(body)  # refuse what is not JSON here, at the edge, before it travels on
        return self.ideas.forward(request, body=body)

    @http("GET", f"{API}/ideas/<idea_id>")
    @answers_errors
    def get_idea(self, request, idea_id):
        return self.ideas.forward(request)

    @http("GET", f"{API}/ideas")
    @answers_errors
    def list_ideas(self, request):
        return self.ideas.forward(request)

    @http("GET", f"{API}/health")
    @answers_errors
    def health(self, request):
        checks = {"rabbitmq": self._broker_check()}
        if checks["rabbitmq"] == "ok":
            pending = {name: self._ping(name) for name in RPC_CHECKED_SERVICES}  # all asked before any awaited
            checks |= {name: self._service_check(reply) for name, reply in pending.items()}
        checks["ideas"] = self.ideas.health()
        healthy = all(state == "ok" for state in checks.values())
        return json_response(200 if healthy else 503, {"status": "ok" if healthy else "degraded", "checks": checks})

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
