import json

import pytest
from urllib3.exceptions import NewConnectionError, ReadTimeoutError

from services.web.gateway import GatewayClient


class Reply:
    def __init__(self, status: int, body: bytes = b"", headers: dict | None = None):
        self.status, self.data, self.headers = status, body, headers or {}


class Pool:
    """urllib3's pool as the client uses it: answers `reply` (or raises it) and keeps the calls."""

    def __init__(self, reply):
        self.reply = reply
        self.calls: list[dict] = []

    def urlopen(self, method, url, **kwargs):
        self.calls.append({"method": method, "url": url} | kwargs)
        if isinstance(self.reply, Exception):
            raise self.reply
        return self.reply


def client(reply, prefix: str = "") -> tuple[GatewayClient, Pool]:
    made = GatewayClient()
    made.pool, made.prefix = Pool(reply), prefix
    return made, made.pool


def test_a_request_names_the_citizen_the_language_and_asks_for_json():
    gateway, pool = client(Reply(202, b'{"id": "i1"}', {"Location": "/api/v1/ideas/i1"}))

    answer = gateway.request(
        "POST",
        "/ideas",
        json={"title": "Bänke"},
        client_address="203.0.113.9",
        locale="en",
        headers={"Idempotency-Key": "k1"},
    )

    assert answer.ok and answer.body == {"id": "i1"} and answer.headers["Location"] == "/api/v1/ideas/i1"
    [call] = pool.calls
    assert call["url"] == "/api/v1/ideas" and call["redirect"] is False
    assert json.loads(call["body"]) == {"title": "Bänke"}
    assert call["headers"] == {
        "Accept": "application/json",
        "Idempotency-Key": "k1",
        "X-Forwarded-For": "203.0.113.9",
        "Accept-Language": "en",
        "Content-Type": "application/json",
    }


def test_params_leave_out_empty_values_and_a_form_body_is_url_encoded():
    gateway, pool = client(Reply(200, b"{}"))

    gateway.request("POST", "/unsubscribe", params={"token": "a b", "page": None, "q": ""}, form={"erase": "yes"})

    [call] = pool.calls
    assert call["url"] == "/api/v1/unsubscribe?token=a+b"
    assert call["body"] == b"erase=yes" and call["headers"]["Content-Type"] == "application/x-www-form-urlencoded"


def test_a_staff_token_goes_as_a_bearer_and_a_gateway_under_a_path_keeps_it():
    gateway, pool = client(Reply(200, b'{"role": "staff"}'), prefix="aufbruch")

    gateway.request("GET", "/me", token="aufb_secret")

    assert pool.calls[0]["url"] == "/aufbruch/api/v1/me"
    assert pool.calls[0]["headers"]["Authorization"] == "Bearer aufb_secret"


def test_field_errors_come_from_a_422_only():
    gateway, _ = client(Reply(422, b'{"errors": {"title": ["Too short."]}}'))
    other, _ = client(Reply(409, b'{"error": "closed"}'))

    assert gateway.request("POST", "/ideas", json={}).field_errors == {"title": ["Too short."]}
    assert other.request("POST", "/ideas", json={}).field_errors == {}


@pytest.mark.parametrize(
    "failure", [NewConnectionError(None, "refused"), ReadTimeoutError(None, "/api/v1/ideas", "timed out")]
)
def test_a_gateway_out_of_reach_is_a_503_answer_not_an_exception(failure):
    gateway, _ = client(failure)

    answer = gateway.request("GET", "/ideas")

    assert answer.status == 503 and answer.busy


def test_an_answer_that_is_not_json_has_no_body():
    gateway, _ = client(Reply(502, b"<html>Bad gateway</html>"))

    answer = gateway.request("GET", "/ideas")

    assert answer.status == 502 and answer.body is None and not answer.busy
