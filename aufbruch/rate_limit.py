"""A per-client rate limit on public writes (submitting ideas, flagging, ...): `429` with `Retry-After`.

A service class declares `public_writes = PublicWriteLimit()` and marks each public write entrypoint
(the `http` entrypoint answers the 429 like any other error):

    @http("POST", "/api/v1/ideas")
    @rate_limited
    def submit_idea(self, request): ...

Every client address has a token bucket: `PUBLIC_WRITE_BURST` writes at once, refilled at
`PUBLIC_WRITE_RATE_LIMIT` per minute (0 turns the limit off). Every attempt counts, refused ones too.
The client is the connection's peer; `X-Forwarded-For` is believed only when that peer is one of
`TRUSTED_PROXIES` (addresses or networks, comma-separated), else anybody could pick a fresh address
per request. The buckets live in the process: each gateway replica counts on its own, so N replicas
let a client through up to N times the rate.
"""

import ipaddress
import math
import time
from functools import wraps

from nameko.extensions import DependencyProvider

from aufbruch.http import HttpError

MAX_TRACKED_CLIENTS = 100_000  # beyond this the least recently seen client starts afresh


class TokenBuckets:
    """One bucket per key, pure (the clock is given): `take(key)` is None if admitted, else the
    seconds until the key's next write would be."""

    def __init__(self, per_minute: float, burst: int, clock=time.monotonic, max_clients: int = MAX_TRACKED_CLIENTS):
        self.per_second = per_minute / 60
        self.burst = max(1, burst)
        self.clock = clock
        self.max_clients = max_clients
        self.buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, when), least recently seen first

    def take(self, key: str) -> float | None:
        now = self.clock()
        tokens, then = self.buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - then) * self.per_second)
        admitted = tokens >= 1
        self.buckets[key] = (tokens - 1 if admitted else tokens, now)
        while len(self.buckets) > self.max_clients:
            del self.buckets[next(iter(self.buckets))]
        return None if admitted else (1 - tokens) / self.per_second


def trusted_networks(setting: str) -> list:
    return [ipaddress.ip_network(part.strip(), strict=False) for part in setting.split(",") if part.strip()]


def _is_trusted(address: str, networks: list) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(remote_addr: str, forwarded_for: str | None, networks: list) -> str:
    """The client behind a request: the peer, or, if the peer is a trusted proxy, the nearest address
    in X-Forwarded-For that is not a trusted proxy (proxies append, so the right end is theirs)."""
    if not forwarded_for or not _is_trusted(remote_addr, networks):
        return remote_addr
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    untrusted = [hop for hop in hops if not _is_trusted(hop, networks)]
    return untrusted[-1] if untrusted else (hops[0] if hops else remote_addr)


class PublicWriteLimit(DependencyProvider):
    def setup(self):
        config = self.container.config
        per_minute = float(config.get("PUBLIC_WRITE_RATE_LIMIT") or 0)
        self.buckets = TokenBuckets(per_minute, int(config.get("PUBLIC_WRITE_BURST") or 1)) if per_minute > 0 else None
        self.trusted = trusted_networks(str(config.get("TRUSTED_PROXIES") or ""))

    def get_dependency(self, worker_ctx):
        return self

    def admit(self, request) -> None:
        """Count this write against its client; HttpError 429 if the client is over its limit."""
        if self.buckets is None:
            return
        client = client_address(request.remote_addr or "", request.headers.get("X-Forwarded-For"), self.trusted)
        wait = self.buckets.take(client)
        if wait is not None:
            raise HttpError(
                429,
                "Too many requests from your address. Please retry later.",
                {"Retry-After": str(max(1, math.ceil(wait)))},
            )


def rate_limited(handler):
    """Count the request against the service's `public_writes` limit before handling it."""

    @wraps(handler)
    def wrapper(self, request, *args, **kwargs):
        self.public_writes.admit(request)
        return handler(self, request, *args, **kwargs)

    return wrapper
