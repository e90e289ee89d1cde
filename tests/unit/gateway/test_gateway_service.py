"""Unit tests of the gateway's HTTP entrypoints, with the services it asks replaced by mocks.

Errors the services raise are sent through Nameko's own (de)serialisation, as over real RPC.
"""
import json
import logging

import eventlet
import pytest
from nameko.exceptions import RemoteError, RpcTimeout, UnknownService, deserialize, serialize
from nameko.testing.services import worker_factory
from werkzeug.test import EnvironBuilder

from aufbruch.contracts.errors import Conflict, InvalidInput, NotFound, Unavailable
from services.gateway import service as gateway_module
from services.gateway.errors import RETRY_AFTER_SECONDS
from services.gateway.http import SECURITY_HEADERS
from services.gateway.service import GatewayService

IDEA_ID = "3f2b8f8e-4c1e-4e57-9d4f-0b7d1c7a5e01"
SUBMISSION = {"title": "Mehr Bänke im Stadtpark", "description": "Entlang der Wege fehlen Sitzplätze.",
              "category": "environment"}
RECEIPT = {"id": IDEA_ID, "status": "submitted", "submitted_at": "2024-05-17T09:00:00+00:00"}


def over_rpc(exc: Exception) -> Exception:
    """The exception as the caller of an RPC sees it."""
    return deserialize(serialize(exc))


@pytest.fixture
def gateway():
    return worker_factory(GatewayService)


def post(path="/api/v1/ideas", body=SUBMISSION, headers=None, content_type="application/json"):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return EnvironBuilder(method="POST", path=path, data=data, content_type=content_type,
                          headers=headers or {}).get_request()


def get(path, query_string=None):
    return EnvironBuilder(method="GET", path=path, query_string=query_string).get_request()


def body_of(response):
    assert response.mimetype == "application/json"
    return json.loads(response.get_data())


# --- POST /api/v1/ideas ------------------------------------------------------------------------

def test_submit_returns_202_with_location_and_receipt(gateway):
    gateway.ideas.submit.return_value = RECEIPT | {"created": True}

    response = gateway.submit_idea(post())

    assert response.status_code == 202
    assert response.headers["Location"] == f"/api/v1/ideas/{IDEA_ID}"
    assert body_of(response) == RECEIPT
    assert "Idempotent-Replayed" not in response.headers
    gateway.ideas.submit.assert_called_once_with(SUBMISSION, None)


def test_submit_never_shows_the_created_flag(gateway):
    gateway.ideas.submit.return_value = RECEIPT | {"created": True}
    assert "created" not in body_of(gateway.submit_idea(post()))


def test_submit_passes_the_idempotency_key(gateway):
    gateway.ideas.submit.return_value = RECEIPT | {"created": True}
    gateway.submit_idea(post(headers={"Idempotency-Key": "key-123"}))
    gateway.ideas.submit.assert_called_once_with(SUBMISSION, "key-123")


def test_submit_replay_says_idempotent_replayed(gateway):
    gateway.ideas.submit.return_value = RECEIPT | {"created": False}

    response = gateway.submit_idea(post(headers={"Idempotency-Key": "key-123"}))

    assert response.status_code == 202
    assert response.headers["Idempotent-Replayed"] == "true"
    assert response.headers["Location"] == f"/api/v1/ideas/{IDEA_ID}"
    assert body_of(response) == RECEIPT


def test_submit_response_carries_the_security_headers(gateway):
    gateway.ideas.submit.return_value = RECEIPT | {"created": True}
    response = gateway.submit_idea(post())
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value


def test_submit_with_wrong_content_type_gets_415_and_asks_nobody(gateway):
    response = gateway.submit_idea(post(body=b"title=x", content_type="application/x-www-form-urlencoded"))
    assert response.status_code == 415
    assert "error" in body_of(response)
    gateway.ideas.submit.assert_not_called()


def test_submit_with_malformed_json_gets_400_and_asks_nobody(gateway):
    response = gateway.submit_idea(post(body=b'{"title": '))
    assert response.status_code == 400
    assert "not valid JSON" in body_of(response)["error"]
    gateway.ideas.submit.assert_not_called()


def test_submit_with_oversized_body_gets_413(gateway):
    response = gateway.submit_idea(post(body={"description": "x" * 70_000}))
    assert response.status_code == 413
    gateway.ideas.submit.assert_not_called()


def test_invalid_input_gets_422_with_the_field_errors(gateway):
    errors = {"title": ["Length must be between 5 and 140."], "author": {"email": ["Not a valid email address."]}}
    gateway.ideas.submit.side_effect = over_rpc(InvalidInput(errors))

    response = gateway.submit_idea(post())

    assert response.status_code == 422
    assert body_of(response) == {"errors": errors}


def test_reused_idempotency_key_gets_409(gateway):
    gateway.ideas.submit.side_effect = over_rpc(
        Conflict("This Idempotency-Key was already used for a different idea."))

    response = gateway.submit_idea(post(headers={"Idempotency-Key": "key-123"}))

    assert response.status_code == 409
    assert body_of(response) == {"error": "This Idempotency-Key was already used for a different idea."}


@pytest.mark.parametrize("error", [
    over_rpc(Unavailable("database unreachable")),
    UnknownService("ideas"),
    RpcTimeout(),
], ids=["Unavailable", "UnknownService", "RpcTimeout"])
def test_unavailable_service_gets_503_with_retry_after(gateway, error):
    gateway.ideas.submit.side_effect = error

    response = gateway.submit_idea(post())

    assert response.status_code == 503
    assert response.headers["Retry-After"] == RETRY_AFTER_SECONDS == "5"
    assert body_of(response) == {"error": "The service is temporarily unavailable. Please retry."}
    assert "database" not in response.get_data(as_text=True)


def test_service_that_does_not_answer_in_time_gets_503(gateway, monkeypatch):
    monkeypatch.setattr(gateway_module, "RPC_TIMEOUT_SECONDS", 0.01)
    gateway.ideas.submit.side_effect = lambda *args: eventlet.sleep(5)

    response = gateway.submit_idea(post())

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"


def test_unexpected_error_gets_500_with_a_generic_message(gateway, caplog):
    gateway.ideas.submit.side_effect = ZeroDivisionError("secret detail in /srv/app/ideas.py line 42")

    with caplog.at_level(logging.ERROR, logger="services.gateway.errors"):
        response = gateway.submit_idea(post())

    assert response.status_code == 500
    assert body_of(response) == {"error": "Internal error."}
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "secret detail" not in text and "ZeroDivisionError" not in text
    assert any(record.exc_info and record.exc_info[0] is ZeroDivisionError for record in caplog.records)


def test_unexpected_remote_error_gets_500_without_its_details(gateway):
    gateway.ideas.submit.side_effect = over_rpc(KeyError("author"))
    assert isinstance(gateway.ideas.submit.side_effect, RemoteError)

    response = gateway.submit_idea(post())

    assert response.status_code == 500
    assert body_of(response) == {"error": "Internal error."}
    assert "KeyError" not in response.get_data(as_text=True)


def test_receipt_without_created_flag_is_an_internal_error_not_a_crash(gateway):
    gateway.ideas.submit.return_value = dict(RECEIPT)
    assert gateway.submit_idea(post()).status_code == 500


# --- GET /api/v1/ideas/<id> --------------------------------------------------------------------

def test_get_idea_passes_the_id_and_returns_the_idea(gateway):
    idea = RECEIPT | {"title": "Mehr Bänke", "status": "published"}
    gateway.ideas.get.return_value = idea

    response = gateway.get_idea(get(f"/api/v1/ideas/{IDEA_ID}"), IDEA_ID)

    assert response.status_code == 200
    assert body_of(response) == idea
    gateway.ideas.get.assert_called_once_with(IDEA_ID)


def test_unknown_idea_gets_404(gateway):
    gateway.ideas.get.side_effect = over_rpc(NotFound("No idea with id nope."))

    response = gateway.get_idea(get("/api/v1/ideas/nope"), "nope")

    assert response.status_code == 404
    assert body_of(response) == {"error": "No idea with id nope."}
    gateway.ideas.get.assert_called_once_with("nope")


def test_get_idea_while_ideas_is_down_gets_503(gateway):
    gateway.ideas.get.side_effect = over_rpc(Unavailable("db down"))
    response = gateway.get_idea(get(f"/api/v1/ideas/{IDEA_ID}"), IDEA_ID)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"


# --- GET /api/v1/ideas -------------------------------------------------------------------------

def test_list_passes_the_query_arguments_through(gateway):
    page = {"items": [], "page": 2, "per_page": 10, "total": 0}
    gateway.ideas.list_published.return_value = page

    response = gateway.list_ideas(get("/api/v1/ideas", "category=mobility&page=2&per_page=10"))

    assert response.status_code == 200
    assert body_of(response) == page
    gateway.ideas.list_published.assert_called_once_with({"category": "mobility", "page": "2", "per_page": "10"})


def test_list_without_query_passes_an_empty_query(gateway):
    gateway.ideas.list_published.return_value = {"items": [], "page": 1, "per_page": 20, "total": 0}
    gateway.list_ideas(get("/api/v1/ideas"))
    gateway.ideas.list_published.assert_called_once_with({})


def test_list_with_invalid_query_gets_422(gateway):
    gateway.ideas.list_published.side_effect = over_rpc(InvalidInput({"status": ["Must be one of: published."]}))

    response = gateway.list_ideas(get("/api/v1/ideas", "status=rejected"))

    assert response.status_code == 422
    assert body_of(response) == {"errors": {"status": ["Must be one of: published."]}}


# --- GET /api/v1/reports/summary ---------------------------------------------------------------

def test_report_summary_returns_what_reporting_says(gateway):
    gateway.reporting.summary.return_value = {"ideas": {"published": 3}}
    response = gateway.report_summary(get("/api/v1/reports/summary"))
    assert response.status_code == 200
    assert body_of(response) == {"ideas": {"published": 3}}
    gateway.reporting.summary.assert_called_once_with()
