"""The gateway's way to the ideas service: plain HTTP, not RPC over RabbitMQ.

Taking an idea in must not depend on the broker (the transactional outbox lets ideas accept while
RabbitMQ is down and publish later), so the gateway forwards the ideas API to the ideas service's own
HTTP server. Replicas of ideas share one address: on one host the kernel spreads connections over
the processes listening on the port (SO_REUSEPORT); under docker compose the service name resolves to
every replica.
"""
import requests
from nameko.extensions import DependencyProvider
from requests.adapters import HTTPAdapter
from werkzeug.wrappers import Response

from aufbruch.http import SECURITY_HEADERS, ServiceTimeout, ServiceUnreachable

TIMEOUT_SECONDS = 10
FORWARDED_REQUEST_HEADERS = ("Content-Type", "Idempotency-Key", "Accept-Language")
FORWARDED_RESPONSE_HEADERS = ("Content-Type", "Location", "Idempotent-Replayed", "Retry-After")


class IdeasClient(DependencyProvider):
    def setup(self):
        self.base_url = self.container.config["IDEAS_URL"].rstrip("/")
        self.session = requests.Session()
        # The ideas service is an internal neighbour: no proxy or .netrc applies, and looking for them
        # in the environment and the file system on every request cost 8 % of the gateway's CPU.
        self.session.trust_env = False
        pool_size = int(self.container.config.get("max_workers", 10))
        self.session.mount("http://", HTTPAdapter(pool_connections=1, pool_maxsize=pool_size))

    def stop(self):
        self.session.close()

    def get_dependency(self, worker_ctx):
        return self

    def forward(self, request, body: bytes | None = None) -> Response:
        """Send `request` on to the ideas service, and its answer back unchanged."""
        headers = {name: request.headers[name] for name in FORWARDED_REQUEST_HEADERS if name in request.headers}
        try:
            query = f"?{request.query_string.decode('latin-1')}" if request.query_string else ""
            answer = self.session.request(request.method, f"{self.base_url}{request.path}{query}",
                                          data=body, headers=headers, timeout=TIMEOUT_SECONDS)
        except requests.Timeout as exc:
            raise ServiceTimeout("ideas") from exc
        except requests.ConnectionError as exc:
            raise ServiceUnreachable("ideas") from exc
        response = Response(answer.content, status=answer.status_code)
        response.headers.update(SECURITY_HEADERS)
        response.headers.update({name: answer.headers[name]
                                 for name in FORWARDED_RESPONSE_HEADERS if name in answer.headers})
        return response

    def health(self) -> str:
        try:
            answer = self.session.get(f"{self.base_url}/health", timeout=2)
        except requests.RequestException as exc:
            return f"unreachable: {type(exc).__name__}"
        return "ok" if answer.status_code == 200 else f"failing: HTTP {answer.status_code}"
