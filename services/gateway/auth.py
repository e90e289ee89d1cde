"""Sign-in for the gateway's staff endpoints (moderation, admin, ...): `Authorization: Bearer <token>`.

The gateway declares `auth = Authenticator()`; a route function takes the worker's Authentication and starts with

    principal = auth.require(request, "moderator", "admin")   # the roles allowed; none named: any role

which returns {"user_id", "username", "display_name", "role"} or raises aufbruch.http.Unauthorized (401: no,
malformed, unknown or revoked token, or a disabled user) or aufbruch.http.Forbidden (403: a role not named),
which the `http` entrypoint answers. Every request asks the accounts service, so a revoked token or a disabled
user fails at once; nothing is cached.
"""

from nameko.extensions import DependencyProvider
from nameko.rpc import ReplyListener, ServiceProxy

from aufbruch.contracts.accounts import looks_like_token
from aufbruch.http import Forbidden, Unauthorized
from services.gateway.rpc import call


def bearer_token(header: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header, or Unauthorized."""
    if not header:
        raise Unauthorized("Authentication required: send Authorization: Bearer <token>.")
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        raise Unauthorized("The Authorization header must be 'Bearer <token>'.")
    return token


class Authentication:
    """What a worker gets as `auth`: `require` asks accounts through this worker's RPC proxy."""

    def __init__(self, accounts):
        self.accounts = accounts

    def require(self, request, *roles: str) -> dict:
        """The principal behind the request's bearer token, if its role is one of `roles` (any role
        if none are named)."""
        token = bearer_token(request.headers.get("Authorization"))
        principal = None
        if looks_like_token(token):  # anything else was never issued: no need to ask
            principal = call(self.accounts.authenticate, token)
        if principal is None:
            raise Unauthorized("The token is invalid or has been revoked.")
        if roles and principal["role"] not in roles:
            raise Forbidden(f"This needs the role {' or '.join(roles)}.")
        return principal


class Authenticator(DependencyProvider):
    """Gives each worker an Authentication with the worker's own RPC proxy of accounts, built the way
    nameko's RpcProxy builds it (a DependencyProvider cannot hold another one: nameko binds
    sub-extensions, not sub-dependencies). The reply listener is shared with the service's RpcProxies."""

    rpc_reply_listener = ReplyListener()

    def get_dependency(self, worker_ctx):
        return Authentication(ServiceProxy(worker_ctx, "accounts", self.rpc_reply_listener))
