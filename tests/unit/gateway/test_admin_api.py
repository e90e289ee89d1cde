"""Unit tests of GET /api/v1/me, with the Authenticator replaced by a mock (worker_factory)."""

import json

import pytest
from nameko.testing.services import worker_factory
from werkzeug.test import EnvironBuilder

from aufbruch.http import Unauthorized
from services.gateway.service import GatewayService

PRINCIPAL = {"user_id": "6c1f5f0e-2a52-4a55-9a4e-1f7a52f0c001", "username": "anna", "role": "staff"}


@pytest.fixture
def gateway():
    return worker_factory(GatewayService)


def me_request():
    return EnvironBuilder(method="GET", path="/api/v1/me", headers={"Authorization": "Bearer t"}).get_request()


def test_me_answers_who_the_token_belongs_to_for_any_role(gateway):
    gateway.auth.require.return_value = PRINCIPAL | {"display_name": "Anna K."}
    request = me_request()
    response = gateway.me(request)
    assert response.status_code == 200
    assert json.loads(response.get_data()) == PRINCIPAL | {"display_name": "Anna K."}
    gateway.auth.require.assert_called_once_with(request)  # no role named: every staff role


def test_me_names_no_display_name_when_accounts_sends_none(gateway):
    gateway.auth.require.return_value = PRINCIPAL
    assert json.loads(gateway.me(me_request()).get_data())["display_name"] is None


def test_me_without_a_valid_token_is_401(gateway):
    gateway.auth.require.side_effect = Unauthorized("The token is invalid or has been revoked.")
    response = gateway.me(me_request())
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == 'Bearer realm="aufbruch"'
