"""Unit tests of the gateway's HTTP entrypoints, with the ideas client and the RPC proxies replaced by
mocks (worker_factory). The ideas API is forwarded over HTTP; reporting and health ask by RPC.

Errors the services raise over RPC are sent through Nameko's own (de)serialisation first.
"""

import json

import eventlet
import pytest
from nameko.exceptions import RemoteError, deserialize, serialize
from nameko.testing.services import worker_factory
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response

from aufbruch.contracts.errors import Unavailable
from aufbruch.http import MAX_BODY_BYTES, RETRY_AFTER_SECONDS, ServiceTimeout, ServiceUnreachable
from services.gateway import health
from services.gateway import rpc as gateway_rpc
from services.gateway.ideas_client import IdeasClient
from services.gateway.service import GatewayService

IDEA_ID = "3f2b8f8e-4c1e-4e57-9d4f-0b7d1c7a5e01"
SUBMISSION = {
    "title": "Mehr Bänke im Stadtpark",
    "description": "Entlang der Wege fehlen Sitzplätze.",
    "category": "environment",
}


def over_rpc(exc: Exception) -> Exception:
    """The exception as the caller of an RPC sees it."""
    return deserialize(serialize(exc))


@pytest.fixture
def gateway():
    return worker_factory(GatewayService)


def post(body=SUBMISSION, path="/api/v1/ideas", headers=None, content_type="application/json"):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return EnvironBuilder(
        method="POST", path=path, data=data, content_type=content_type, headers=headers or {}
    ).get_request()


def get(path, query_string=None):
    return EnvironBuilder(method="GET", path=path, query_string=query_string).get_request()


def body_of(response):
    assert response.mimetype == "application/json"
    return json.loads(response.get_data())


# --- POST /api/v1/ideas ------------------------------------------------------------------------


def test_worker_factory_replaces_the_ideas_client_with_a_mock(gateway):
    assert not isinstance(gateway.ideas, IdeasClient)
    assert hasattr(gateway.ideas.forward, "assert_called_once_with")  # nameko's mock.MagicMock


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "text/plain", "text/json"])
def test_submit_with_a_non_json_content_type_gets_415_and_is_not_forwarded(gateway, content_type):
    response = gateway.submit_idea(post(body=b'{"title": "x"}', content_type=content_type))

    assert response.status_code == 415
    assert "application/json" in body_of(response)["error"]
    gateway.ideas.forward.assert_not_called()


@pytest.mark.parametrize("body", [b'{"title": ', b"", b"{'title': 'x'}", b'{"t": "\xff"}', b"[" * 50_000])
def test_submit_with_malformed_json_gets_400_and_is_not_forwarded(gateway, body):
    response = gateway.submit_idea(post(body=body))

    assert response.status_code == 400
    assert "error" in body_of(response)
    gateway.ideas.forward.assert_not_called()


def test_submit_with_an_oversized_body_gets_413_and_is_not_forwarded(gateway):
    response = gateway.submit_idea(post(body={"description": "x" * MAX_BODY_BYTES}))

    assert response.status_code == 413
    assert str(MAX_BODY_BYTES) in body_of(response)["error"]
    gateway.ideas.forward.assert_not_called()


def test_submit_forwards_the_request_with_its_exact_raw_body(gateway):
    raw = '{"title":  "Mehr Bänke",\n "category": "environment", "a": 1.50}'.encode()
    req = post(body=raw, headers={"Idempotency-Key": "key-123"})
    answer = Response(b'{"id": "x"}', status=202, headers={"Location": "/api/v1/ideas/x"})
    gateway.ideas.forward.return_value = answer

    response = gateway.submit_idea(req)

    assert response is answer
    gateway.ideas.forward.assert_called_once_with(req, body=raw)
    assert type(gateway.ideas.forward.call_args.kwargs["body"]) is bytes


def test_submit_accepts_any_json_value_and_leaves_judging_it_to_ideas(gateway):
    gateway.ideas.forward.return_value = Response(status=422)
    req = post(body=b"[1, 2]")
    assert gateway.submit_idea(req).status_code == 422
    gateway.ideas.forward.assert_called_once_with(req, body=b"[1, 2]")


@pytest.mark.parametrize("error", [ServiceUnreachable("ideas"), ServiceTimeout("ideas")])
def test_submit_while_ideas_cannot_be_reached_gets_503_with_retry_after(gateway, error):
    gateway.ideas.forward.side_effect = error

    response = gateway.submit_idea(post())

    assert response.status_code == 503
    assert response.headers["Retry-After"] == RETRY_AFTER_SECONDS


# --- GET /api/v1/ideas/<id> and /api/v1/ideas --------------------------------------------------


def test_get_idea_is_forwarded_and_its_answer_returned(gateway):
    req = get(f"/api/v1/ideas/{IDEA_ID}")
    answer = Response(b"{}", status=404)
    gateway.ideas.forward.return_value = answer

    assert gateway.get_idea(req, IDEA_ID) is answer
    gateway.ideas.forward.assert_called_once_with(req)


def test_list_is_forwarded_and_its_answer_returned(gateway):
    req = get("/api/v1/ideas", "category=mobility&page=2")
    answer = Response(b'{"items": []}', status=200)
    gateway.ideas.forward.return_value = answer

    assert gateway.list_ideas(req) is answer
    gateway.ideas.forward.assert_called_once_with(req)


def test_get_idea_while_ideas_is_unreachable_gets_503(gateway):
    gateway.ideas.forward.side_effect = ServiceUnreachable("ideas")
    response = gateway.get_idea(get(f"/api/v1/ideas/{IDEA_ID}"), IDEA_ID)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == RETRY_AFTER_SECONDS


def test_forwarding_never_uses_rpc(gateway):
    gateway.submit_idea(post())
    gateway.get_idea(get(f"/api/v1/ideas/{IDEA_ID}"), IDEA_ID)
    gateway.list_ideas(get("/api/v1/ideas"))
    assert [name for name, _, _ in gateway.ideas.mock_calls] == ["forward"] * 3  # nothing of ideas' RPC
    for proxy in (gateway.moderation, gateway.notifications, gateway.reporting):
        assert proxy.mock_calls == []


# --- GET /api/v1/reports/summary ---------------------------------------------------------------


def test_report_summary_returns_what_reporting_says(gateway):
    gateway.reporting.summary.return_value = {"ideas": {"published": 3, "rejected": 1}}

    response = gateway.report_summary(get("/api/v1/reports/summary"))

    assert response.status_code == 200
    assert body_of(response) == {"ideas": {"published": 3, "rejected": 1}}
    gateway.reporting.summary.assert_called_once_with()
    gateway.ideas.forward.assert_not_called()


def test_report_summary_while_reporting_is_unavailable_gets_503(gateway):
    gateway.reporting.summary.side_effect = over_rpc(Unavailable("database unreachable"))

    response = gateway.report_summary(get("/api/v1/reports/summary"))

    assert response.status_code == 503
    assert response.headers["Retry-After"] == RETRY_AFTER_SECONDS
    assert "database" not in response.get_data(as_text=True)


def test_report_summary_that_does_not_answer_in_time_gets_503(gateway, monkeypatch):
    monkeypatch.setattr(gateway_rpc, "RPC_TIMEOUT_SECONDS", 0.01)
    gateway.reporting.summary.side_effect = lambda: eventlet.sleep(5)

    response = gateway.report_summary(get("/api/v1/reports/summary"))

    assert response.status_code == 503
    assert response.headers["Retry-After"] == RETRY_AFTER_SECONDS


def test_report_summary_with_an_unexpected_remote_error_gets_500(gateway):
    gateway.reporting.summary.side_effect = over_rpc(KeyError("secret"))
    assert isinstance(gateway.reporting.summary.side_effect, RemoteError)

    response = gateway.report_summary(get("/api/v1/reports/summary"))

    assert response.status_code == 500
    assert "secret" not in response.get_data(as_text=True)


# --- health (the broker check itself needs a broker; the rest is covered with fakes) -------------


class Reply:
    """Stands in for the reply of `ping.call_async()`."""

    def __init__(self, result=None, error=None, delay=0):
        self._result, self._error, self._delay = result, error, delay

    def result(self):
        eventlet.sleep(self._delay)
        if self._error:
            raise self._error
        return self._result


def test_service_check_says_what_the_ping_answered():
    assert health.service_check(Reply("ok")) == "ok"


def test_service_check_names_a_failing_ping():
    assert health.service_check(Reply(error=over_rpc(Unavailable("db down")))) == "failing: Unavailable"
    assert health.service_check(ValueError("no queue")) == "failing: ValueError"


def test_service_check_of_a_ping_that_does_not_answer_in_time(monkeypatch):
    monkeypatch.setattr(health, "HEALTH_TIMEOUT_SECONDS", 0.01)
    assert health.service_check(Reply("ok", delay=5)) == "no answer"


def test_ping_asks_without_waiting_and_returns_a_failure_instead_of_raising(gateway):
    reply = Reply("ok")
    gateway.moderation.ping.call_async.return_value = reply
    assert health.ping(gateway.moderation) is reply
    gateway.moderation.ping.call_async.assert_called_once_with()

    error = RuntimeError("no such queue")
    gateway.reporting.ping.call_async.side_effect = error
    assert health.ping(gateway.reporting) is error


PINGED = ("moderation", "notifications", "reporting", "accounts", "webhooks", "participation")


def answering_pings(gateway, **replies):
    for name in PINGED:
        getattr(gateway, name).ping.call_async.return_value = replies.get(name, Reply("ok"))


def test_health_is_ok_when_everything_answers(gateway, monkeypatch):
    monkeypatch.setattr(health, "broker_check", lambda amqp_uri: "ok")
    answering_pings(gateway)
    gateway.ideas.health.return_value = "ok"

    response = gateway.health(get("/api/v1/health"))

    assert response.status_code == 200
    assert body_of(response) == {
        "status": "ok",
        "checks": {
            "rabbitmq": "ok",
            "moderation": "ok",
            "notifications": "ok",
            "reporting": "ok",
            "accounts": "ok",
            "webhooks": "ok",
            "participation": "ok",
            "ideas": "ok",
        },
    }


def test_health_is_degraded_when_one_service_fails(gateway, monkeypatch):
    monkeypatch.setattr(health, "broker_check", lambda amqp_uri: "ok")
    answering_pings(gateway, reporting=Reply(error=over_rpc(Unavailable("db"))))
    gateway.ideas.health.return_value = "ok"

    response = gateway.health(get("/api/v1/health"))

    assert response.status_code == 503
    assert body_of(response)["status"] == "degraded"
    assert body_of(response)["checks"]["reporting"] == "failing: Unavailable"


def test_health_without_a_broker_still_checks_ideas_over_http(gateway, monkeypatch):
    monkeypatch.setattr(health, "broker_check", lambda amqp_uri: "unreachable: OSError")
    gateway.ideas.health.return_value = "ok"

    response = gateway.health(get("/api/v1/health"))

    assert response.status_code == 503
    assert body_of(response)["checks"] == {"rabbitmq": "unreachable: OSError", "ideas": "ok"}
    for name in PINGED:
        getattr(gateway, name).ping.call_async.assert_not_called()
