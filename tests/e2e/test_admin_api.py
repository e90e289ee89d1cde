"""End to end, through the gateway: the first admin comes from the admin command, everything after it
from the admin API, and every admin endpoint answers only an admin's token."""

import secrets
import uuid

import pytest
import requests

from tests.support.staff import Admin, unique_username

pytestmark = pytest.mark.e2e


@pytest.fixture
def target(admin) -> dict:
    """A fresh moderator for an endpoint to act on: {user_id, token_id, token}."""
    created = admin.create_user("moderator")
    return {"user_id": created["user"]["id"], "token_id": created["token_id"], "token": created["token"]}


ENDPOINTS = {
    "create user": ("POST", "/users", lambda: {"username": unique_username(), "role": "moderator"}, 201),
    "list users": ("GET", "/users", None, 200),
    "issue token": ("POST", "/users/{user_id}/tokens", lambda: {"label": "laptop"}, 201),
    "revoke token": ("DELETE", "/tokens/{token_id}", None, 204),
    "disable user": ("POST", "/users/{user_id}/disable", None, 204),
}
UNKNOWN_TOKEN = "aufb_" + secrets.token_urlsafe(32)


def call(admin: Admin, endpoint: str, target: dict, token: str | None) -> requests.Response:
    method, path, body, _ = ENDPOINTS[endpoint]
    return admin.request(method, path.format(**target), token=token, json=body() if body else None)


def still_signs_in(admin: Admin, token: str) -> bool:
    """A moderator's token that still works gets 403 from the admin API, a dead one 401."""
    return admin.request("GET", "/users", token=token).status_code == 403


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("credentials", ["none", "malformed", "unknown"])
def test_without_a_valid_token_every_admin_endpoint_is_401(admin, target, endpoint, credentials):
    token = {"none": None, "malformed": "not-a-token", "unknown": UNKNOWN_TOKEN}[credentials]
    response = call(admin, endpoint, target, token)

    assert response.status_code == 401, response.text
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "error" in response.json()
    assert still_signs_in(admin, target["token"])  # nothing happened to the target


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("role", ["moderator", "staff"])
def test_a_moderator_or_staff_member_gets_403_from_every_admin_endpoint(
    admin, target, moderator_token, staff_member, endpoint, role
):
    response = call(admin, endpoint, target, moderator_token if role == "moderator" else staff_member["token"])

    assert response.status_code == 403, response.text
    assert "WWW-Authenticate" not in response.headers
    assert still_signs_in(admin, target["token"])


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_an_admin_is_answered_by_every_admin_endpoint(admin, target, endpoint):
    response = call(admin, endpoint, target, admin.token)

    assert response.status_code == ENDPOINTS[endpoint][3], response.text
    assert response.headers["Cache-Control"] == "no-store"
    if response.status_code == 204:
        assert response.content == b""


def test_the_token_is_shown_once_and_only_its_id_afterwards(admin):
    created = admin.create_user("admin", display_name="Zweite Admin")
    assert created["user"]["role"] == "admin" and created["token"].startswith("aufb_")
    assert admin.request("GET", "/users", token=created["token"]).status_code == 200

    issued = admin.request("POST", f"/users/{created['user']['id']}/tokens").json()
    assert issued["token"] != created["token"]

    listing = admin.request("GET", "/users")
    [user] = [user for user in listing.json()["items"] if user["id"] == created["user"]["id"]]
    assert [token["id"] for token in user["tokens"]] == [created["token_id"], issued["token_id"]]
    assert "aufb_" not in listing.text


def test_a_revoked_token_and_a_disabled_user_get_401(admin):
    created = admin.create_user("admin")
    second = admin.request("POST", f"/users/{created['user']['id']}/tokens").json()

    assert admin.request("DELETE", f"/tokens/{second['token_id']}").status_code == 204
    assert admin.request("GET", "/users", token=second["token"]).status_code == 401
    assert admin.request("GET", "/users", token=created["token"]).status_code == 200

    assert admin.request("POST", f"/users/{created['user']['id']}/disable").status_code == 204
    assert admin.request("GET", "/users", token=created["token"]).status_code == 401


def test_the_admin_api_refuses_invalid_duplicate_and_unknown(admin):
    invalid = admin.request("POST", "/users", json={"username": "x", "role": "superuser", "extra": 1})
    assert invalid.status_code == 422
    assert set(invalid.json()["errors"]) == {"username", "role", "extra"}

    created = admin.create_user("moderator")
    duplicate = admin.request("POST", "/users", json={"username": created["user"]["username"], "role": "admin"})
    assert duplicate.status_code == 409

    unknown = str(uuid.uuid4())
    assert admin.request("POST", f"/users/{unknown}/tokens").status_code == 404
    assert admin.request("DELETE", f"/tokens/{unknown}").status_code == 404
    assert admin.request("POST", f"/users/{unknown}/disable").status_code == 404
