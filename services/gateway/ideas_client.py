"""The gateway's way to the ideas service: plain HTTP, not RPC over RabbitMQ.

Taking an idea in must not depend on the broker (the transactional outbox lets ideas accept while
RabbitMQ is down and publish later), so the gateway forwards the ideas API to the ideas service's own
HTTP server. Replicas of ideas share one address: on one host the kernel spreads connections over
the processes listening on the port (SO_REUSEPORT); under docker compose the service name resolves to
every replica.

It speaks through urllib3's connection pool directly: requests' sessions (cookies, hooks, environment
settings merged on every call) cost about a third of the gateway's CPU on the busiest endpoint
(BENCHMARKS.md), and the ideas service is an internal neighbour that needs none of it.
"""

import urllib3
from nameko.extensions import DependencyProvider
from urllib3.exceptions import HTTPError, NewConnectionError, TimeoutError
from werkzeug.wrappers import Response

from aufbruch.http import SECURITY_HEADERS, ServiceTimeout, ServiceUnreachable

TIMEOUT_SECONDS = 10
HEALTH_TIMEOUT_SECONDS = 2
FORWARDED_REQUEST_HEADERS = ("Content-Type", "Idempotency-Key", "Accept-Language")
FORWARDED_RESPONSE_HEADERS = ("Content-Type", "Location", "Idempotent-Replayed", "Retry-After")


class IdeasClient(DependencyProvider):
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

    def get_dependency(self, worker_ctx):
        return self

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
