"""The admin API under /api/v1/admin: staff accounts and their tokens, for admins only.

A mixin of GatewayService (Nameko collects entrypoints and dependencies from base classes); its
`accounts` RPC proxy is also what the gateway's health check pings.
"""

import logging

from nameko.rpc import RpcProxy
from werkzeug.wrappers import Response

from aufbruch.contracts.accounts import NewToken, NewUser
from aufbruch.contracts.errors import validated
from aufbruch.http import SECURITY_HEADERS, answers_errors, http, json_response, read_json
from services.gateway.auth import Authenticator
from services.gateway.rpc import call

log = logging.getLogger(__name__)
ADMIN = "/api/v1/admin"


def no_content() -> Response:
    response = Response(status=204)
    response.headers.update(SECURITY_HEADERS)
    return response


class AdminApi:
    """Mixed into GatewayService. `auth` is the gateway's one Authenticator, which the moderation API
    (moderation_api.py) uses as `self.auth` too."""

    auth = Authenticator()
    accounts = RpcProxy("accounts")

    @http("GET", "/api/v1/me")
    @answers_errors
    def me(self, request):
        """Who the bearer token belongs to, for any staff role (the web front end's sign-in)."""
        principal = self.auth.require(request)
        return json_response(
            200, {name: principal.get(name) for name in ("user_id", "username", "display_name", "role")}
        )

    @http("POST", f"{ADMIN}/users")
    @answers_errors
    def admin_create_user(self, request):
        admin = self.auth.require(request, "admin")
        new = validated(NewUser(), read_json(request))
        created = call(self.accounts.create_user, new["username"], new["role"], new["display_name"])
        log.info("admin %s created %s %s", admin["username"], created["user"]["role"], created["user"]["username"])
        return json_response(201, created)  # the one answer that holds the token: shown once

    @http("GET", f"{ADMIN}/users")
    @answers_errors
    def admin_list_users(self, request):
        self.auth.require(request, "admin")
        return json_response(200, {"items": call(self.accounts.list_users)})

    @http("POST", f"{ADMIN}/users/<user_id>/tokens")
    @answers_errors
    def admin_issue_token(self, request, user_id):
        admin = self.auth.require(request, "admin")
        label = validated(NewToken(), read_json(request) if request.content_length else {})["label"]
        issued = call(self.accounts.issue_token, user_id, label)
        log.info("admin %s issued token %s for user %s", admin["username"], issued["token_id"], user_id)
        return json_response(201, issued)

    @http("DELETE", f"{ADMIN}/tokens/<token_id>")
    @answers_errors
    def admin_revoke_token(self, request, token_id):
        admin = self.auth.require(request, "admin")
        call(self.accounts.revoke_token, token_id)
        log.info("admin %s revoked token %s", admin["username"], token_id)
        return no_content()

    @http("POST", f"{ADMIN}/users/<user_id>/disable")
    @answers_errors
    def admin_disable_user(self, request, user_id):
        admin = self.auth.require(request, "admin")
        call(self.accounts.disable_user, user_id)
        log.info("admin %s disabled user %s", admin["username"], user_id)
        return no_content()
