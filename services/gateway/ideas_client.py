"""The gateway's one way to the ideas service: `self.ideas`, an `Ideas`.

The public ideas API goes over plain HTTP, not RPC over RabbitMQ: taking an idea in must not depend on
the broker (the transactional outbox lets ideas accept while RabbitMQ is down and publish later), so
the gateway forwards it to the ideas service's own HTTP server. The staff actions (processes, official
answers, assisted submissions) are authenticated in the gateway and carry the principal, so they are
asked by RPC: the ideas service's HTTP server serves only the public API. A staff member at a desk can
retry while the broker is down.

Replicas of ideas share one address: on one host the kernel spreads connections over the processes
listening on the port (SO_REUSEPORT); under docker compose the service name resolves to every replica.

It speaks through urllib3's connection pool directly: requests' sessions (cookies, hooks, environment
settings merged on every call) cost about a third of the gateway's CPU on the busiest endpoint
(BENCHMARKS.md), and the ideas service is an internal neighbour that needs none of it.
"""

import urllib3
from nameko.extensions import DependencyProvider
from nameko.rpc import ReplyListener, ServiceProxy
from urllib3.exceptions import HTTPError, NewConnectionError, TimeoutError
from werkzeug.wrappers import Response

from aufbruch.http import SECURITY_HEADERS, ServiceTimeout, ServiceUnreachable
from services.gateway.rpc import call

TIMEOUT_SECONDS = 10
HEALTH_TIMEOUT_SECONDS = 2
FORWARDED_REQUEST_HEADERS = ("Content-Type", "Idempotency-Key", "Accept-Language")
FORWARDED_RESPONSE_HEADERS = ("Content-Type", "Location", "Idempotent-Replayed", "Retry-After")


class Ideas:
    """What a worker gets as `self.ideas`: the HTTP client shared by the workers, and this worker's
    RPC proxy of ideas for the staff actions."""

    def __init__(self, client: "IdeasClient", rpc):
        self.forward = client.forward
        self.health = client.health
        self._rpc = rpc

    def create_process(self, payload) -> dict:
        return call(self._rpc.create_process, payload)

    def change_process(self, process_id: str, payload) -> dict:
        return call(self._rpc.change_process, process_id, payload)

    def answer(self, idea_id: str, payload, principal: dict) -> dict:
        return call(self._rpc.answer, idea_id, payload, principal)

    def submit_assisted(self, payload, idempotency_key: str | None, principal: dict) -> dict:
        return call(self._rpc.submit_assisted, payload, idempotency_key, principal)


class IdeasClient(DependencyProvider):
    """Gives each worker its Ideas. The RPC proxy is built as nameko's RpcProxy builds it (see
    auth.Authenticator), with the reply listener the service's RpcProxies share."""

    rpc_reply_listener = ReplyListener()

    def setup(self):
        # Never a redirect or a retry of its own: a POST must not be sent twice, and the citizen's
        # client retries with its Idempotency-Key.
        self.pool = urllib3.connection_from_url(
            self.container.config["IDEAS_URL"].rstrip("/"),
            maxsize=int(self.container.config.get("max_workers", 10)),
            retries=False,
        )

    def stop(self):
        self.pool.close()

    def get_dependency(self, worker_ctx) -> Ideas:
        return Ideas(self, ServiceProxy(worker_ctx, "ideas", self.rpc_reply_listener))

    def _request(
        self, method: str, path: str, timeout: float, body: bytes | None = None, headers: dict | None = None
    ) -> urllib3.BaseHTTPResponse:
        try:
            return self.pool.urlopen(method, path, body=body, headers=headers, timeout=timeout, redirect=False)
        except NewConnectionError as exc:  # before TimeoutError: urllib3 derives it from a connect timeout
            raise ServiceUnreachable("ideas") from exc
        except TimeoutError as exc:
            raise ServiceTimeout("ideas") from exc
        except HTTPError as exc:
            raise ServiceUnreachable("ideas") from exc

    def forward(self, request, body: bytes | None = None) -> Response:
        """Send `request` on to the ideas service, and its answer back unchanged."""
        headers = {name: request.headers[name] for name in FORWARDED_REQUEST_HEADERS if name in request.headers}
        query = f"?{request.query_string.decode('latin-1')}" if request.query_string else ""
        answer = self._request(request.method, f"{request.path}{query}", TIMEOUT_SECONDS, body, headers)
        response = Response(answer.data, status=answer.status)
        response.headers.update(SECURITY_HEADERS)
        response.headers.update(
            {name: answer.headers[name] for name in FORWARDED_RESPONSE_HEADERS if name in answer.headers}
        )
        return response

    def health(self) -> str:
        try:
            answer = self._request("GET", "/health", HEALTH_TIMEOUT_SECONDS)
        except (ServiceTimeout, ServiceUnreachable) as exc:
            return f"unreachable: {type(exc.__cause__).__name__}"
        return "ok" if answer.status == 200 else f"failing: HTTP {answer.status}"
