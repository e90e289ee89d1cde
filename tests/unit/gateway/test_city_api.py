"""Unit tests of the gateway's city API (services/gateway/city_api.py) with its dependencies mocked:
which roles each staff endpoint asks for, that the principal travels to ideas, and that the public
reads are forwarded over HTTP. The ideas client (services/gateway/ideas_client.py) is a mock."""

import json

import pytest
from nameko.testing.services import worker_factory
from werkzeug.test import EnvironBuilder

from aufbruch.http import Forbidden
from services.gateway.service import GatewayService

IDEA_ID = "3f2b8f8e-4c1e-4e57-9d4f-0b7d1c7a5e01"
PRINCIPAL = {"user_id": "0b6c3d8e-2f1a-4c5b-9e7d-1a2b3c4d5e6f", "username": "lena", "role": "staff"}


@pytest.fixture
def gateway():
    worker = worker_factory(GatewayService)
    worker.auth.require.return_value = PRINCIPAL
    return worker


def request(method: str, path: str, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    return EnvironBuilder(
        method=method, path=path, data=data, headers=headers or {}, content_type="application/json" if data else None
    ).get_request()


def test_an_answer_needs_staff_or_admin_and_carries_the_principal_to_ideas(gateway):
    gateway.ideas.answer.return_value = {"id": "a", "official_status": "accepted"}
    body = {"status": "accepted", "text": "Wird gemacht."}
    sent = request("POST", f"/api/v1/ideas/{IDEA_ID}/answers", body)

    response = gateway.answer_idea(sent, IDEA_ID)

    assert response.status_code == 201
    gateway.auth.require.assert_called_once_with(sent, "staff", "admin")
    gateway.ideas.answer.assert_called_once_with(IDEA_ID, body, PRINCIPAL)


def test_an_assisted_idea_needs_staff_or_admin_and_is_answered_like_a_submission(gateway):
    receipt = {"id": IDEA_ID, "status": "submitted", "submitted_at": "2027-03-01T09:00:00+00:00"}
    gateway.ideas.submit_assisted.return_value = {"receipt": receipt, "created": False}
    body = {"title": "Mehr Bänke", "consent": True}
    sent = request("POST", "/api/v1/assisted-ideas", body, {"Idempotency-Key": "k-1"})

    response = gateway.submit_assisted_idea(sent)

    assert response.status_code == 202 and json.loads(response.get_data()) == receipt
    assert response.headers["Location"] == f"/api/v1/ideas/{IDEA_ID}"
    assert response.headers["Idempotent-Replayed"] == "true"
    gateway.auth.require.assert_called_once_with(sent, "staff", "admin")
    gateway.ideas.submit_assisted.assert_called_once_with(body, "k-1", PRINCIPAL)


def test_processes_are_created_and_changed_by_admins_only(gateway):
    gateway.ideas.create_process.return_value = {"id": "digitalgipfel-2027"}
    created = gateway.admin_create_process(request("POST", "/api/v1/admin/processes", {"id": "digitalgipfel-2027"}))
    gateway.admin_change_process(
        request("PATCH", "/api/v1/admin/processes/digitalgipfel-2027", {"closes_on": None}), "digitalgipfel-2027"
    )

    assert created.status_code == 201 and created.headers["Location"] == "/api/v1/processes/digitalgipfel-2027"
    assert [call.args[1:] for call in gateway.auth.require.call_args_list] == [("admin",), ("admin",)]
    gateway.ideas.change_process.assert_called_once_with("digitalgipfel-2027", {"closes_on": None})


def test_a_refused_role_never_reaches_ideas(gateway):
    gateway.auth.require.side_effect = Forbidden("This needs the role staff or admin.")

    response = gateway.answer_idea(request("POST", f"/api/v1/ideas/{IDEA_ID}/answers", {"status": "accepted"}), IDEA_ID)

    assert response.status_code == 403
    assert gateway.ideas.mock_calls == []


@pytest.mark.parametrize(
    "entrypoint, path, args",
    [
        ("list_processes", "/api/v1/processes", ()),
        ("get_process", "/api/v1/processes/standing", ("standing",)),
        ("idea_answers", f"/api/v1/ideas/{IDEA_ID}/answers", (IDEA_ID,)),
    ],
)
def test_the_public_reads_are_forwarded_over_http_without_signing_in(gateway, entrypoint, path, args):
    sent = request("GET", path)
    getattr(gateway, entrypoint)(sent, *args)

    gateway.ideas.forward.assert_called_once_with(sent)
    gateway.auth.require.assert_not_called()
