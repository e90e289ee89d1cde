"""The admin API under /api/v1/admin: staff accounts and their tokens, for admins only; and
GET /api/v1/me, the account behind any staff token. Asked of the accounts service by RPC."""

import logging

from marshmallow import Schema, fields
from werkzeug.wrappers import Request, Response

from aufbruch.contracts.accounts import ListedUser, NewToken, NewUser, Principal, User
from aufbruch.contracts.errors import validated
from aufbruch.http import json_response, read_json
from services.gateway.auth import Authentication
from services.gateway.documentation import AUTH_ERRORS, JSON_BODY_ERRORS, ok, op
from services.gateway.http_helpers import API, no_content
from services.gateway.rpc import call

log = logging.getLogger(__name__)
ADMIN = f"{API}/admin"


def me(auth: Authentication, request: Request) -> Response:
    """Who the bearer token belongs to, for any staff role (the web front end's sign-in)."""
    principal = auth.require(request)
    return json_response(200, {name: principal.get(name) for name in ("user_id", "username", "display_name", "role")})


def create_user(auth: Authentication, accounts, request: Request) -> Response:
    admin = auth.require(request, "admin")
    new = validated(NewUser(), read_json(request))
    created = call(accounts.create_user, new["username"], new["role"], new["display_name"])
    log.info("admin %s created %s %s", admin["username"], created["user"]["role"], created["user"]["username"])
    return json_response(201, created)  # the one answer that holds the token: shown once


def list_users(auth: Authentication, accounts, request: Request) -> Response:
    auth.require(request, "admin")
    return json_response(200, {"items": call(accounts.list_users)})


def issue_token(auth: Authentication, accounts, request: Request, user_id: str) -> Response:
    admin = auth.require(request, "admin")
    label = validated(NewToken(), read_json(request) if request.content_length else {})["label"]
    issued = call(accounts.issue_token, user_id, label)
    log.info("admin %s issued token %s for user %s", admin["username"], issued["token_id"], user_id)
    return json_response(201, issued)


def revoke_token(auth: Authentication, accounts, request: Request, token_id: str) -> Response:
    admin = auth.require(request, "admin")
    call(accounts.revoke_token, token_id)
    log.info("admin %s revoked token %s", admin["username"], token_id)
    return no_content()


def disable_user(auth: Authentication, accounts, request: Request, user_id: str) -> Response:
    admin = auth.require(request, "admin")
    call(accounts.disable_user, user_id)
    log.info("admin %s disabled user %s", admin["username"], user_id)
    return no_content()


# --- the OpenAPI description --------------------------------------------------------------------


class CreatedUser(Schema):
    user = fields.Nested(User)
    token_id = fields.UUID()
    token = fields.String(metadata={"description": "Shown this once."})


class IssuedToken(Schema):
    token_id = fields.UUID()
    token = fields.String(metadata={"description": "Shown this once."})


class UserList(Schema):
    items = fields.List(fields.Nested(ListedUser))


SCHEMAS = {
    "NewUser": NewUser,
    "NewToken": NewToken,
    "User": User,
    "ListedUser": ListedUser,
    "CreatedUser": CreatedUser,
    "IssuedToken": IssuedToken,
    "UserList": UserList,
    "Principal": Principal,
}
OPERATIONS = {
    ("GET", f"{API}/me"): op(
        "Who the bearer token belongs to (any staff role)",
        "admin",
        {200: ok("The signed-in account.", "Principal")},
        auth=True,
        errors=AUTH_ERRORS,
    ),
    ("POST", f"{API}/admin/users"): op(
        "Create a staff account",
        "admin",
        {201: ok("The account and its first token (shown once).", "CreatedUser")},
        body="NewUser",
        auth=True,
        errors=JSON_BODY_ERRORS + AUTH_ERRORS + (409,),
    ),
    ("GET", f"{API}/admin/users"): op(
        "Every staff account with its tokens",
        "admin",
        {200: ok("The accounts.", "UserList")},
        auth=True,
        errors=AUTH_ERRORS,
    ),
    ("POST", f"{API}/admin/users/{{user_id}}/tokens"): op(
        "Issue a token",
        "admin",
        {201: ok("The token (shown once).", "IssuedToken")},
        body="NewToken",
        body_required=False,
        auth=True,
        errors=JSON_BODY_ERRORS + AUTH_ERRORS + (404, 409),
    ),
    ("DELETE", f"{API}/admin/tokens/{{token_id}}"): op(
        "Revoke a token", "admin", {204: ok("Revoked.")}, auth=True, errors=AUTH_ERRORS + (404,)
    ),
    ("POST", f"{API}/admin/users/{{user_id}}/disable"): op(
        "Disable a staff account",
        "admin",
        {204: ok("Disabled; its tokens fail from now on.")},
        auth=True,
        errors=AUTH_ERRORS + (404, 409),
    ),
}
