"""The accounts service's use cases, free of Nameko: service.py (RPC) and cli.py (the admin command)
call the same functions, each with a unit of work (`aufbruch.unit_of_work.UnitOfWork` over aufbruch.db.Database
or aufbruch.db.DirectDatabase, or a fake in the unit tests).

Tokens: TOKEN_PREFIX + secrets.token_urlsafe(32), i.e. 256 random bits. Only their SHA-256 is stored,
and a presented token is found by looking up its hash.
"""

import hashlib
import secrets
import uuid
from collections import defaultdict

from aufbruch.contracts.accounts import TOKEN_PREFIX, ListedUser, NewToken, NewUser, Principal, User, looks_like_token
from aufbruch.contracts.errors import Conflict, NotFound, resource_id, validated
from aufbruch.unit_of_work import UnitOfWork
from services.accounts.repository import Repository

INITIAL_TOKEN_LABEL = "initial"


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> bytes:
    # A plain, fast SHA-256 is right here. Slow, salted hashes (bcrypt, scrypt, argon2) exist to make
    # guessing low-entropy passwords expensive; a token carries 256 random bits, which no amount of
    # guessing finds, so a fast hash loses nothing and lets the hash itself be the (unique, indexed)
    # lookup key. Looking up the hash rather than comparing tokens also keeps the token out of any
    # timing difference: an attacker could at most learn a prefix of a hash, which is useless.
    return hashlib.sha256(token.encode("utf-8")).digest()


def _issue(accounts: Repository, user_id: uuid.UUID, label: str | None) -> dict:
    token, token_id = new_token(), uuid.uuid4()
    accounts.add_token(token_id, user_id, hash_token(token), label)
    return {"token_id": str(token_id), "token": token}


def authenticate(uow: UnitOfWork[Repository], token) -> dict | None:
    """The principal {user_id, username, display_name, role} of a live token; None if it is unknown,
    revoked, or its user is disabled. Notes when the token was last used."""
    if not looks_like_token(token):
        return None
    with uow.transaction() as accounts:
        principal = accounts.use_token(hash_token(token))
    return Principal().dump(principal) if principal else None


def create_user(uow: UnitOfWork[Repository], username, role, display_name=None) -> dict:
    """A new moderator, staff member or admin with a first token: {user, token_id, token}. The token is in this
    answer only; it is never stored, so nobody can show it again."""
    new = validated(NewUser(), {"username": username, "role": role, "display_name": display_name})
    with uow.transaction() as accounts:
        user = accounts.add_user(uuid.uuid4(), new["username"], new["display_name"], new["role"])
        if user is None:
            raise Conflict(f"The username {new['username']} is taken.")
        issued = _issue(accounts, user["id"], INITIAL_TOKEN_LABEL)
    return {"user": User().dump(user)} | issued


def list_users(uow: UnitOfWork[Repository]) -> list[dict]:
    """Every account, with its tokens (their ids and dates, never the tokens)."""
    with uow.transaction() as accounts:
        users, tokens = accounts.users(), accounts.tokens()
    tokens_of = defaultdict(list)
    for token in tokens:
        tokens_of[token["user_id"]].append(token)
    return ListedUser(many=True).dump([user | {"tokens": tokens_of[user["id"]]} for user in users])


def user_id_by_username(uow: UnitOfWork[Repository], username) -> str:
    with uow.transaction() as accounts:
        user = accounts.user_by_username(str(username).strip().lower())
    if user is None:
        raise NotFound(f"No user named {username}.")
    return str(user["id"])


def issue_token(uow: UnitOfWork[Repository], user_id, label=None) -> dict:
    """Another token for the user: {token_id, token}, the token shown in this answer only."""
    user_id = resource_id(user_id, "user")
    label = validated(NewToken(), {"label": label})["label"]
    with uow.transaction() as accounts:
        user = accounts.user(user_id, lock=True)
        if user is None:
            raise NotFound(f"No user with id {user_id}.")
        if user["disabled_at"] is not None:
            raise Conflict(f"The user {user['username']} is disabled.")
        return _issue(accounts, user_id, label)


def revoke_token(uow: UnitOfWork[Repository], token_id) -> None:
    token_id = resource_id(token_id, "token")
    with uow.transaction() as accounts:
        if not accounts.revoke_token(token_id):
            raise NotFound(f"No token with id {token_id}.")


def disable_user(uow: UnitOfWork[Repository], user_id) -> None:
    """The user can no longer sign in: they are disabled and their tokens revoked."""
    user_id = resource_id(user_id, "user")
    with uow.transaction() as accounts:
        if not accounts.disable_user(user_id):
            raise NotFound(f"No user with id {user_id}.")
