"""The gateway's sign-in: reading `Authorization: Bearer …` and the role check, with accounts faked."""

import pytest
from nameko.containers import ServiceContainer
from nameko.testing.utils import get_extension
from werkzeug.test import EnvironBuilder

from aufbruch.http import Forbidden, Unauthorized
from services.gateway.auth import Authentication, Authenticator, bearer_token
from services.gateway.service import GatewayService

TOKEN = "aufb_" + "A" * 43
ADMIN = {"user_id": "3f2b8f8e-4c1e-4e57-9d4f-0b7d1c7a5e01", "username": "anna", "role": "admin"}
MODERATOR = ADMIN | {"username": "max", "role": "moderator"}


class FakeAccounts:
    def __init__(self, principal=None):
        self.principal = principal
        self.asked = []

    def authenticate(self, token):
        self.asked.append(token)
        return self.principal


def request(authorization=None):
    headers = {"Authorization": authorization} if authorization is not None else {}
    return EnvironBuilder(path="/api/v1/admin/users", headers=headers).get_request()


@pytest.mark.parametrize("header", [f"Bearer {TOKEN}", f"bearer {TOKEN}", f"  Bearer   {TOKEN} "])
def test_the_bearer_token_is_read(header):
    assert bearer_token(header) == TOKEN


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", f"Basic {TOKEN}", TOKEN, f"Bearer {TOKEN} extra"])
def test_a_missing_or_malformed_header_is_unauthorized(header):
    with pytest.raises(Unauthorized):
        bearer_token(header)


def test_require_answers_the_principal_of_an_allowed_role():
    accounts = FakeAccounts(ADMIN)
    assert Authentication(accounts).require(request(f"Bearer {TOKEN}"), "admin") == ADMIN
    assert accounts.asked == [TOKEN]


def test_require_without_roles_accepts_any_signed_in_account():
    assert Authentication(FakeAccounts(MODERATOR)).require(request(f"Bearer {TOKEN}")) == MODERATOR


def test_require_with_several_roles_accepts_each():
    assert Authentication(FakeAccounts(MODERATOR)).require(request(f"Bearer {TOKEN}"), "moderator", "admin")


def test_a_role_not_named_is_forbidden():
    with pytest.raises(Forbidden):
        Authentication(FakeAccounts(MODERATOR)).require(request(f"Bearer {TOKEN}"), "admin")


def test_a_token_accounts_does_not_know_is_unauthorized():
    with pytest.raises(Unauthorized):
        Authentication(FakeAccounts(None)).require(request(f"Bearer {TOKEN}"), "admin")


@pytest.mark.parametrize("header", [None, "Bearer not-a-token", f"Basic {TOKEN}"])
def test_no_or_an_impossible_token_is_unauthorized_without_asking_accounts(header):
    accounts = FakeAccounts(ADMIN)
    with pytest.raises(Unauthorized):
        Authentication(accounts).require(request(header), "admin")
    assert accounts.asked == []


def test_the_gateway_container_binds_the_authenticator_and_it_asks_accounts_over_rpc():
    container = ServiceContainer(GatewayService, {"AMQP_URI": "memory://"})  # binds; connects to nothing
    authenticator = get_extension(container, Authenticator)
    auth = authenticator.get_dependency(worker_ctx=None)
    assert isinstance(auth, Authentication)
    assert auth.accounts.service_name == "accounts"
    assert auth.accounts.reply_listener is authenticator.rpc_reply_listener
