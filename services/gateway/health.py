"""GET /api/v1/health: whether the broker and every service behind the gateway answer.

The RPC services are pinged all at once, before any answer is awaited; ideas is asked over HTTP,
which works without the broker (ideas_client.py)."""

import logging

import eventlet
from kombu import Connection
from marshmallow import Schema, fields, validate
from werkzeug.wrappers import Response

from aufbruch.http import ServiceTimeout, json_response
from services.gateway.documentation import ok, op
from services.gateway.http_helpers import API
from services.gateway.ideas_client import Ideas

log = logging.getLogger(__name__)
HEALTH_TIMEOUT_SECONDS = 2


def health(amqp_uri: str, ideas: Ideas, services: dict) -> Response:
    """`services`: the RPC proxies to ping, by the service's name."""
    checks = {"rabbitmq": broker_check(amqp_uri)}
    if checks["rabbitmq"] == "ok":
        pending = {name: ping(proxy) for name, proxy in services.items()}
        checks |= {name: service_check(reply) for name, reply in pending.items()}
    checks["ideas"] = ideas.health()
    healthy = all(state == "ok" for state in checks.values())
    return json_response(200 if healthy else 503, {"status": "ok" if healthy else "degraded", "checks": checks})


def broker_check(amqp_uri: str) -> str:
    try:
        with Connection(amqp_uri, connect_timeout=HEALTH_TIMEOUT_SECONDS) as conn:
            conn.ensure_connection(max_retries=1)
        return "ok"
    except Exception as exc:
        log.warning("health: broker unreachable", exc_info=True)
        return f"unreachable: {type(exc).__name__}"


def ping(proxy):
    """The pending reply of the service's `ping`, or the exception asking raised."""
    try:
        return proxy.ping.call_async()
    except Exception as exc:  # no such service queue: never started
        return exc


def service_check(reply) -> str:
    if isinstance(reply, Exception):
        return f"failing: {type(reply).__name__}"
    try:
        with eventlet.Timeout(HEALTH_TIMEOUT_SECONDS, ServiceTimeout):
            return reply.result()
    except ServiceTimeout:
        return "no answer"
    except Exception as exc:
        return f"failing: {type(exc).__name__}"


# --- the OpenAPI description --------------------------------------------------------------------


class Health(Schema):
    status = fields.String(validate=validate.OneOf(("ok", "degraded")))
    checks = fields.Dict(keys=fields.String(), values=fields.String())


SCHEMAS = {"Health": Health}
OPERATIONS = {
    ("GET", f"{API}/health"): op(
        "Health of the broker and every service",
        "operations",
        {200: ok("Everything answers.", "Health"), 503: ok("Something failed; named in checks.", "Health")},
    ),
}
