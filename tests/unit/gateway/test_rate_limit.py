"""The per-client rate limit on public writes: token buckets on a fake clock, which address counts as
the client (X-Forwarded-For only from a trusted proxy), and the 429 the gateway answers."""

import json
from types import SimpleNamespace

import pytest
from nameko.testing.services import worker_factory
from werkzeug.test import EnvironBuilder

from aufbruch.http import SECURITY_HEADERS, HttpError
from aufbruch.rate_limit import PublicWriteLimit, TokenBuckets, client_address, trusted_networks
from services.gateway.service import GatewayService

SUBMISSION = {
    "title": "Mehr Bänke im Stadtpark",
    "description": "Entlang der Wege fehlen Sitzplätze.",
    "category": "environment",
}


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_client_gets_its_burst_then_waits_for_the_refill():
    clock = Clock()
    buckets = TokenBuckets(per_minute=6, burst=3, clock=clock)
    assert [buckets.take("a") for _ in range(3)] == [None, None, None]
    assert buckets.take("a") == pytest.approx(10)  # one write per 10 s
    clock.now += 4
    assert buckets.take("a") == pytest.approx(6)  # a refused attempt does not reset the refill
    clock.now += 6
    assert buckets.take("a") is None
    assert buckets.take("a") == pytest.approx(10)


def test_clients_have_their_own_buckets_and_an_idle_one_refills_only_to_its_burst():
    clock = Clock()
    buckets = TokenBuckets(per_minute=60, burst=2, clock=clock)
    assert [buckets.take("a"), buckets.take("a"), buckets.take("b")] == [None, None, None]
    assert buckets.take("a") is not None
    clock.now += 3600
    assert [buckets.take("a"), buckets.take("a")] == [None, None]
    assert buckets.take("a") is not None


def test_beyond_the_tracked_clients_the_least_recently_seen_is_forgotten():
    buckets = TokenBuckets(per_minute=1, burst=1, clock=Clock(), max_clients=2)
    for client in ("a", "b", "c"):
        assert buckets.take(client) is None
    assert list(buckets.buckets) == ["b", "c"]


PROXIES = trusted_networks("10.0.0.0/8, 192.168.1.5")


@pytest.mark.parametrize(
    "remote, forwarded, client",
    [
        ("203.0.113.7", None, "203.0.113.7"),
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),  # not a proxy of ours: its header is a lie
        ("10.1.2.3", "198.51.100.1", "198.51.100.1"),
        ("10.1.2.3", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client may prepend what it likes
        ("192.168.1.5", "198.51.100.1, 10.9.9.9", "198.51.100.1"),  # proxies in a chain are skipped
        ("10.1.2.3", "10.9.9.9", "10.9.9.9"),
        ("10.1.2.3", "", "10.1.2.3"),
    ],
)
def test_the_client_is_the_peer_unless_the_peer_is_a_trusted_proxy(remote, forwarded, client):
    assert client_address(remote, forwarded, PROXIES) == client


def limit(**config) -> PublicWriteLimit:
    provider = PublicWriteLimit()
    provider.container = SimpleNamespace(config=config)
    provider.setup()
    return provider


def post(remote_addr="203.0.113.7", headers=None):
    return EnvironBuilder(
        method="POST",
        path="/api/v1/ideas",
        data=json.dumps(SUBMISSION),
        content_type="application/json",
        headers=headers or {},
        environ_base={"REMOTE_ADDR": remote_addr},
    ).get_request()


def test_the_gateway_answers_429_with_retry_after_once_a_client_used_its_burst():
    gateway = worker_factory(GatewayService, public_writes=limit(PUBLIC_WRITE_RATE_LIMIT=2, PUBLIC_WRITE_BURST=2))
    gateway.ideas.forward.return_value = "forwarded"
    assert [gateway.submit_idea(post()), gateway.submit_idea(post())] == ["forwarded", "forwarded"]

    refused = gateway.submit_idea(post(headers={"X-Forwarded-For": "198.51.100.1"}))
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "30"
    assert "error" in json.loads(refused.get_data())
    assert all(refused.headers[name] == value for name, value in SECURITY_HEADERS.items())
    assert gateway.ideas.forward.call_count == 2
    assert gateway.submit_idea(post(remote_addr="203.0.113.8")) == "forwarded"  # another client


def test_flags_count_against_the_same_limit():
    gateway = worker_factory(GatewayService, public_writes=limit(PUBLIC_WRITE_RATE_LIMIT=1, PUBLIC_WRITE_BURST=1))
    gateway.ideas.forward.return_value = "forwarded"
    gateway.submit_idea(post())
    flag = EnvironBuilder(
        method="POST",
        path="/api/v1/ideas/x/flags",
        json={"reason": "spam"},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    ).get_request()
    assert gateway.flag_idea(flag, "x").status_code == 429
    gateway.moderation.flag.assert_not_called()


def admitted(limit: PublicWriteLimit, request) -> bool:
    """Whether `limit` lets `request` through (else it refuses with 429)."""
    try:
        limit.admit(request)
    except HttpError as refused:
        assert refused.status == 429
        return False
    return True


def test_a_limit_of_zero_admits_everything():
    unlimited = limit(PUBLIC_WRITE_RATE_LIMIT=0, PUBLIC_WRITE_BURST=1)
    assert all(admitted(unlimited, post()) for _ in range(1000))
    limited = limit(PUBLIC_WRITE_RATE_LIMIT=1, PUBLIC_WRITE_BURST=1)
    assert [admitted(limited, post()) for _ in range(3)] == [True, False, False]  # the same requests, limited
