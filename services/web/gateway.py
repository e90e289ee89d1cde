"""The web's only way to the platform: the gateway's public HTTP API under /api/v1.

Every call says who it is for: the citizen's address goes in `X-Forwarded-For` (the gateway believes it
from TRUSTED_PROXIES, so rate limits count citizens, not the web), the page's language in
`Accept-Language`, and `Accept: application/json` (the mail-link endpoints answer HTML otherwise).

Every answer comes back as an `Answer`, errors too: a page decides what a 404 or a 422 means to it.
A gateway that cannot be reached or does not answer in time is an `Answer` with status 503, like a
gateway that sheds load.
"""

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import urllib3
from nameko.extensions import DependencyProvider
from urllib3.exceptions import HTTPError

from aufbruch.settings import SharedSettings
from services.web.settings import WebSettings

log = logging.getLogger(__name__)
API = "/api/v1"
TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any = None  # the parsed JSON document, None if there was none
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def busy(self) -> bool:
        """The platform asks to retry later (rate limit, load shedding, or out of reach)."""
        return self.status in (429, 503)

    @property
    def field_errors(self) -> dict:
        """A 422's errors by field (marshmallow's nesting kept), else {}."""
        if self.status != 422 or not isinstance(self.body, dict):
            return {}
        errors = self.body.get("errors")
        return errors if isinstance(errors, dict) else {}


UNREACHABLE = Answer(503, {"error": "The gateway cannot be reached."})


def _parsed(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8")) if data else None
    except ValueError:
        return None


class GatewayClient(DependencyProvider):
    """`self.gateway.request("GET", "/ideas", params={...}, client_address=request.remote_addr)`."""

    settings = SharedSettings(WebSettings.from_config)

    def setup(self) -> None:
        settings = self.settings.value
        # No retries or redirects of its own: a POST must not be sent twice (forms carry an
        # Idempotency-Key for the citizen's own second click).
        self.pool = urllib3.connection_from_url(
            settings.gateway_url, maxsize=int(self.container.config.get("max_workers", 10)), retries=False
        )
        self.prefix = settings.gateway_url.split("//", 1)[1].partition("/")[2].rstrip("/")

    def stop(self) -> None:
        self.pool.close()

    def get_dependency(self, worker_ctx) -> "GatewayClient":
        return self

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json: Any = None,
        form: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        client_address: str | None = None,
        locale: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        """Call `API + path` with a `json` or a `form` (url-encoded) body; `params` without None or ""
        values; `token` a staff bearer token."""
        query = urlencode({key: value for key, value in (params or {}).items() if value not in (None, "")})
        url = f"{'/' + self.prefix if self.prefix else ''}{API}{path}{'?' + query if query else ''}"
        sent = {"Accept": "application/json"} | dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        if client_address:
            sent["X-Forwarded-For"] = client_address
        if locale:
            sent["Accept-Language"] = locale
        body = None
        if json is not None:
            body = _dumps(json)
            sent["Content-Type"] = "application/json"
        elif form is not None:
            body = urlencode(form).encode("ascii")
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            answer = self.pool.urlopen(
                method, url, body=body, headers=sent, timeout=TIMEOUT_SECONDS, redirect=False, preload_content=True
            )
        except HTTPError:
            log.warning("gateway unreachable: %s %s", method, path, exc_info=True)
            return UNREACHABLE
        return Answer(answer.status, _parsed(answer.data), dict(answer.headers))


def _dumps(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")
