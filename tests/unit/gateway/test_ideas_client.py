"""Unit tests of the gateway's IdeasClient against a real local HTTP server (eventlet.wsgi, green, in
this process) standing in for the ideas service: what the gateway forwards, and what comes back; and
the staff actions a worker's Ideas asks by RPC."""

import json
import types
from unittest.mock import Mock, call

import eventlet
import eventlet.wsgi
import pytest
from werkzeug.test import EnvironBuilder

from aufbruch.http import SECURITY_HEADERS, ServiceTimeout, ServiceUnreachable
from services.gateway import ideas_client as ideas_client_module
from services.gateway import rpc as gateway_rpc
from services.gateway.ideas_client import Ideas, IdeasClient

IDEA_ID = "3f2b8f8e-4c1e-4e57-9d4f-0b7d1c7a5e01"


class FakeIdeas:
    """A WSGI app that records every request and answers with `status`, `headers` and `body`."""

    def __init__(self):
        self.seen = []
        self.status = "202 Accepted"
        self.headers = [("Content-Type", "application/json")]
        self.body = b'{"id": "42"}'

    def __call__(self, environ, start_response):
        length = environ.get("CONTENT_LENGTH") or ""
        self.seen.append(
            types.SimpleNamespace(
                method=environ["REQUEST_METHOD"],
                path=environ["PATH_INFO"],
                query=environ.get("QUERY_STRING", ""),
                content_length=length,
                body=environ["wsgi.input"].read(int(length)) if length else b"",
                headers={
                    key[5:].replace("_", "-").title(): value
                    for key, value in environ.items()
                    if key.startswith("HTTP_")
                }
                | ({"Content-Type": environ["CONTENT_TYPE"]} if environ.get("CONTENT_TYPE") else {}),
            )
        )
        start_response(self.status, self.headers)
        return [self.body]

    @property
    def last(self):
        assert len(self.seen) == 1, self.seen
        return self.seen[0]


def client_for(url: str) -> IdeasClient:
    client = IdeasClient()
    client.container = types.SimpleNamespace(config={"IDEAS_URL": url, "max_workers": 4})
    client.setup()
    return client


@pytest.fixture
def ideas():
    app = FakeIdeas()
    sock = eventlet.listen(("127.0.0.1", 0))
    server = eventlet.spawn(eventlet.wsgi.server, sock, app, log_output=False)
    app.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    yield app
    server.kill()
    sock.close()


@pytest.fixture
def client(ideas):
    created = client_for(ideas.url + "/")  # a trailing slash in the configuration is fine
    yield created
    created.stop()


def post(body: bytes, path="/api/v1/ideas", headers=None, content_type="application/json"):
    return EnvironBuilder(
        method="POST", path=path, data=body, content_type=content_type, headers=headers or {}
    ).get_request()


def get(path, query_string=None, headers=None):
    return EnvironBuilder(method="GET", path=path, query_string=query_string, headers=headers or {}).get_request()


# --- what arrives at the ideas service ---------------------------------------------------------


def test_post_arrives_with_method_path_body_content_type_and_idempotency_key(ideas, client):
    raw = '{"title":  "Mehr Bänke",\n "a": 1.50}'.encode()
    req = post(raw, headers={"Idempotency-Key": "key-123"}, content_type="application/json; charset=utf-8")

    client.forward(req, body=raw)

    seen = ideas.last
    assert (seen.method, seen.path, seen.query) == ("POST", "/api/v1/ideas", "")
    assert seen.body == raw
    assert seen.headers["Content-Type"] == "application/json; charset=utf-8"
    assert seen.headers["Idempotency-Key"] == "key-123"


def test_post_without_idempotency_key_sends_none(ideas, client):
    client.forward(post(b"{}"), body=b"{}")
    assert "Idempotency-Key" not in ideas.last.headers


def test_content_length_follows_the_forwarded_body_not_the_original_request(ideas, client):
    req = post(b'{"title": "a rather longer original body"}')
    req.environ["CONTENT_LENGTH"] = "9999"
    assert req.headers["Content-Length"] == "9999"

    client.forward(req, body=b"{}")

    assert ideas.last.content_length == "2"
    assert ideas.last.body == b"{}"


def test_content_length_of_a_get_with_a_body_is_not_forwarded_without_it(ideas, client, monkeypatch):
    monkeypatch.setattr(ideas_client_module, "TIMEOUT_SECONDS", 2)  # a server waiting for the body hangs
    req = EnvironBuilder(method="GET", path="/api/v1/ideas", data=b"hello").get_request()
    assert req.headers["Content-Length"] == "5"

    client.forward(req)

    assert ideas.last.content_length in ("", "0")
    assert ideas.last.body == b""


def test_other_request_headers_stay_at_the_gateway(ideas, client):
    client.forward(
        get(
            "/api/v1/ideas",
            headers={"Cookie": "session=secret", "Authorization": "Bearer x", "X-Forwarded-Host": "evil.example"},
        )
    )
    assert not {"Cookie", "Authorization", "X-Forwarded-Host"} & set(ideas.last.headers)


def test_get_arrives_with_path_and_no_body(ideas, client):
    client.forward(get(f"/api/v1/ideas/{IDEA_ID}"))

    seen = ideas.last
    assert (seen.method, seen.path, seen.query, seen.body) == ("GET", f"/api/v1/ideas/{IDEA_ID}", "", b"")
    assert seen.content_length in ("", "0")


def test_list_arrives_with_its_query_string(ideas, client):
    client.forward(get("/api/v1/ideas", "category=mobility&page=2&per_page=10&q=B%C3%A4nke+%26+Wege"))

    seen = ideas.last
    assert (seen.method, seen.path) == ("GET", "/api/v1/ideas")
    assert seen.query == "category=mobility&page=2&per_page=10&q=B%C3%A4nke+%26+Wege"


def test_repeated_query_parameters_arrive_whole(ideas, client):
    client.forward(get("/api/v1/ideas", "tag=a&tag=b"))
    assert ideas.last.query == "tag=a&tag=b"


# --- what comes back to the gateway's caller ---------------------------------------------------


def test_the_answer_comes_back_with_status_body_and_headers(ideas, client):
    body = json.dumps({"id": IDEA_ID, "title": "Größere Grünflächen"}, ensure_ascii=False).encode()
    ideas.status = "202 Accepted"
    ideas.body = body
    ideas.headers = [
        ("Content-Type", "application/json"),
        ("Location", f"/api/v1/ideas/{IDEA_ID}"),
        ("Idempotent-Replayed", "true"),
    ]

    response = client.forward(post(b"{}"), body=b"{}")

    assert response.status_code == 202
    assert response.get_data() == body
    assert response.mimetype == "application/json"
    assert response.headers["Location"] == f"/api/v1/ideas/{IDEA_ID}"
    assert response.headers["Idempotent-Replayed"] == "true"


def test_error_answers_come_back_unchanged_with_retry_after(ideas, client):
    ideas.status = "503 Service Unavailable"
    ideas.body = b'{"error": "The service is temporarily unavailable. Please retry."}'
    ideas.headers = [("Content-Type", "application/json"), ("Retry-After", "5")]

    response = client.forward(get("/api/v1/ideas"))

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.get_data() == ideas.body


@pytest.mark.parametrize("status", ["404 Not Found", "409 Conflict", "422 Unprocessable Entity"])
def test_client_errors_keep_their_status(ideas, client, status):
    ideas.status = status
    assert client.forward(get(f"/api/v1/ideas/{IDEA_ID}")).status_code == int(status.split()[0])


def test_the_answer_carries_the_security_headers(ideas, client):
    ideas.headers = [("Content-Type", "application/json"), ("Cache-Control", "max-age=3600")]

    response = client.forward(get("/api/v1/ideas"))

    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert response.headers.getlist("Cache-Control") == ["no-store"]


def test_other_answer_headers_stay_behind(ideas, client):
    ideas.headers = [("Content-Type", "application/json"), ("Set-Cookie", "internal=1"), ("X-Internal-Node", "ideas-3")]

    response = client.forward(get("/api/v1/ideas"))

    assert "Set-Cookie" not in response.headers
    assert "X-Internal-Node" not in response.headers


# --- when the ideas service cannot be reached --------------------------------------------------


def free_port() -> int:
    sock = eventlet.listen(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_a_server_that_is_not_listening_raises_service_unreachable():
    client = client_for(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(ServiceUnreachable):
        client.forward(get("/api/v1/ideas"))


def test_a_server_that_never_answers_raises_service_timeout(monkeypatch):
    monkeypatch.setattr(ideas_client_module, "TIMEOUT_SECONDS", 0.2)
    silent = eventlet.listen(("127.0.0.1", 0))  # the kernel accepts the connection; nobody answers
    client = client_for(f"http://127.0.0.1:{silent.getsockname()[1]}")
    try:
        with eventlet.Timeout(5):
            with pytest.raises(ServiceTimeout):
                client.forward(post(b"{}"), body=b"{}")
    finally:
        silent.close()


# --- health ------------------------------------------------------------------------------------


def test_health_is_ok_when_ideas_answers_200(ideas, client):
    ideas.status = "200 OK"
    assert client.health() == "ok"
    assert (ideas.last.method, ideas.last.path) == ("GET", "/health")


def test_health_names_a_failing_status(ideas, client):
    ideas.status = "503 Service Unavailable"
    assert client.health() == "failing: HTTP 503"


def test_health_of_a_server_that_is_not_listening():
    assert client_for(f"http://127.0.0.1:{free_port()}").health() == "unreachable: NewConnectionError"


# --- the staff actions: by RPC, through the same client --------------------------------------------

PRINCIPAL = {"user_id": "0b6c3d8e-2f1a-4c5b-9e7d-1a2b3c4d5e6f", "username": "lena", "role": "staff"}


def test_a_workers_ideas_forwards_over_http_and_asks_the_staff_actions_by_rpc():
    client, rpc = IdeasClient(), Mock()
    ideas = Ideas(client, rpc)
    rpc.answer.return_value = {"id": "a"}

    assert ideas.forward == client.forward and ideas.health == client.health
    assert ideas.answer(IDEA_ID, {"status": "accepted"}, PRINCIPAL) == {"id": "a"}
    ideas.submit_assisted({"title": "t"}, "k-1", PRINCIPAL)
    ideas.create_process({"id": "p"})
    ideas.change_process("p", {"closes_on": None})
    assert rpc.mock_calls == [
        call.answer(IDEA_ID, {"status": "accepted"}, PRINCIPAL),
        call.submit_assisted({"title": "t"}, "k-1", PRINCIPAL),
        call.create_process({"id": "p"}),
        call.change_process("p", {"closes_on": None}),
    ]


def test_a_staff_action_ideas_does_not_answer_in_time_is_a_service_timeout(monkeypatch):
    monkeypatch.setattr(gateway_rpc, "RPC_TIMEOUT_SECONDS", 0.01)
    rpc = Mock()
    rpc.create_process.side_effect = lambda payload: eventlet.sleep(5)
    with pytest.raises(ServiceTimeout):
        Ideas(IdeasClient(), rpc).create_process({"id": "p"})
