"""The gateway's participation endpoints with the RPC proxies mocked: the mailed links answer German
pages or JSON, the withdrawal link withdraws nothing by itself, and errors keep their statuses."""

import json

import pytest
from nameko.exceptions import deserialize, serialize
from nameko.testing.services import worker_factory
from werkzeug.test import EnvironBuilder

from aufbruch.contracts.errors import Conflict, InvalidInput, NotFound
from services.gateway.service import GatewayService

IDEA_ID = "3f2b8f8e-4c1e-4e57-9d4f-0b7d1c7a5e01"
STATE = {"idea_id": IDEA_ID, "supported": True, "count": 3}


@pytest.fixture
def gateway():
    return worker_factory(GatewayService)


def request(method: str, path: str, *, query=None, accept=None, json_body=None, form=None, accept_language=None):
    headers = {"Accept": accept} if accept else {}
    if accept_language:
        headers["Accept-Language"] = accept_language
    if json_body is not None:
        return EnvironBuilder(
            method=method, path=path, data=json.dumps(json_body), content_type="application/json", headers=headers
        ).get_request()
    return EnvironBuilder(method=method, path=path, query_string=query, data=form, headers=headers).get_request()


def over_rpc(exc: Exception) -> Exception:
    return deserialize(serialize(exc))


def test_the_confirmation_link_answers_a_german_page_by_default(gateway):
    gateway.participation.confirm_support.return_value = STATE
    response = gateway.confirm_support(request("GET", "/api/v1/supports/confirm", query={"token": "t0k"}))
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Danke" in response.get_data(as_text=True) and "3 Unterstützung" in response.get_data(as_text=True)
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    gateway.participation.confirm_support.assert_called_once_with({"token": "t0k"})


def test_the_confirmation_link_answers_json_to_who_asks_for_it(gateway):
    gateway.participation.confirm_support.return_value = STATE
    response = gateway.confirm_support(
        request("GET", "/api/v1/supports/confirm", query={"token": "t"}, accept="application/json")
    )
    assert response.mimetype == "application/json" and json.loads(response.get_data()) == STATE


@pytest.mark.parametrize(
    ("error", "status"),
    [(InvalidInput({"token": ["invalid"]}), 422), (NotFound("no idea"), 404), (Conflict("not published"), 409)],
)
def test_a_bad_link_gets_a_page_with_the_right_status(gateway, error, status):
    gateway.participation.confirm_support.side_effect = over_rpc(error)
    response = gateway.confirm_support(request("GET", "/api/v1/supports/confirm", query={"token": "t"}))
    assert response.status_code == status and response.mimetype == "text/html"


def test_a_bad_link_asked_as_json_names_the_token(gateway):
    gateway.participation.confirm_support.side_effect = over_rpc(InvalidInput({"token": ["invalid"]}))
    response = gateway.confirm_support(request("GET", "/api/v1/supports/confirm", accept="application/json"))
    assert response.status_code == 422 and json.loads(response.get_data()) == {"errors": {"token": ["invalid"]}}


def test_the_withdrawal_link_shows_a_button_and_withdraws_nothing(gateway):
    gateway.participation.withdrawal_state.return_value = STATE | {"title": "<b>Bänke</b>"}
    response = gateway.withdrawal_page(request("GET", "/api/v1/supports/withdraw", query={"token": 'a"b'}))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and '<form method="post" action="/api/v1/supports/withdraw">' in page
    assert 'value="a&quot;b"' in page and "&lt;b&gt;Bänke&lt;/b&gt;" in page  # escaped, never markup
    gateway.participation.withdraw_support.assert_not_called()


def test_the_withdrawal_form_withdraws_and_answers_a_page(gateway):
    gateway.participation.withdraw_support.return_value = STATE | {"supported": False, "count": 2}
    response = gateway.withdraw_support(request("POST", "/api/v1/supports/withdraw", form={"token": "t"}))
    assert response.status_code == 200 and response.mimetype == "text/html"
    gateway.participation.withdraw_support.assert_called_once_with({"token": "t"})


def test_withdrawal_over_json_answers_json(gateway):
    gateway.participation.withdraw_support.return_value = STATE | {"supported": False, "count": 2}
    response = gateway.withdraw_support(request("POST", "/api/v1/supports/withdraw", json_body={"token": "t"}))
    assert json.loads(response.get_data())["count"] == 2


def test_support_and_comment_requests_are_accepted_with_202(gateway):
    gateway.participation.request_support.return_value = {"status": "confirmation_sent"}
    gateway.participation.submit_comment.return_value = {"id": "c", "status": "submitted"}
    assert (
        gateway.request_support(
            request("POST", f"/api/v1/ideas/{IDEA_ID}/supports", json_body={"email": "a@example.org"}), IDEA_ID
        ).status_code
        == 202
    )
    assert (
        gateway.submit_comment(
            request("POST", f"/api/v1/ideas/{IDEA_ID}/comments", json_body={"body": "Gut!"}), IDEA_ID
        ).status_code
        == 202
    )
    gateway.participation.request_support.assert_called_once_with(IDEA_ID, {"email": "a@example.org"}, None)


@pytest.mark.parametrize(
    ("accept_language", "accepted"), [("en-GB,en;q=0.8", "en"), ("fr, de;q=0.5", "de"), ("fr", None)]
)
def test_a_support_request_passes_the_body_and_the_best_accepted_language(gateway, accept_language, accepted):
    gateway.participation.request_support.return_value = {"status": "confirmation_sent"}
    body = {"email": "a@example.org", "locale": "de"}

    response = gateway.request_support(
        request("POST", f"/api/v1/ideas/{IDEA_ID}/supports", json_body=body, accept_language=accept_language), IDEA_ID
    )

    assert response.status_code == 202
    gateway.participation.request_support.assert_called_once_with(IDEA_ID, body, accepted)


def test_a_comment_that_is_not_json_gets_415_and_goes_nowhere(gateway):
    response = gateway.submit_comment(request("POST", f"/api/v1/ideas/{IDEA_ID}/comments", form={"body": "x"}), IDEA_ID)
    assert response.status_code == 415
    gateway.participation.submit_comment.assert_not_called()
