"""One signed POST of a delivery to its endpoint, bounded in time; what it came to is an Outcome."""

import json
import time
from dataclasses import dataclass

import eventlet
import requests

from aufbruch.contracts.webhooks import signed_headers

SEND_TIMEOUT_SECONDS = 5
MAX_ERROR_LENGTH = 500


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    status_code: int | None = None
    error: str | None = None


def post(
    url: str, signature_scheme: str, secret: str, delivery_id, event: dict, timeout: float = SEND_TIMEOUT_SECONDS
) -> Outcome:
    """POST `event` signed with `secret` in `signature_scheme`; any 2xx answer counts as delivered.
    Redirects are not followed (an endpoint must be registered with its final URL)."""
    body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = signed_headers(signature_scheme, secret, delivery_id, int(time.time()), body)
    try:
        # requests' timeout bounds each socket operation; eventlet.Timeout bounds the whole exchange
        # (an endpoint trickling a byte at a time).
        with eventlet.Timeout(timeout + 1):
            response = requests.post(url, data=body, headers=headers, timeout=timeout, allow_redirects=False)
            response.close()
    except eventlet.Timeout:
        return Outcome(False, error=f"no answer within {timeout} s")
    except requests.RequestException as exc:
        return Outcome(False, error=f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH])
    if 200 <= response.status_code < 300:
        return Outcome(True, response.status_code)
    return Outcome(False, response.status_code, f"HTTP {response.status_code}")
