"""An in-memory fake of the accounts service's repository, so that the unit tests run the real
handlers (through tests/support/unit_of_work.py's fakes)."""

from datetime import UTC, datetime

import pytest

from tests.support.unit_of_work import FakeTransaction, FakeUnitOfWork


def _now() -> datetime:
    return datetime.now(UTC)


class FakeRepository(FakeTransaction):
    def __init__(self):
        super().__init__()
        self.user_rows: dict = {}  # id -> row
        self.token_rows: dict = {}  # id -> row, with its token_hash

    def add_user(self, user_id, username, display_name, role):
        if any(user["username"] == username for user in self.user_rows.values()):
            return None
        user = {"id": user_id, "username": username, "display_name": display_name, "role": role}
        self.user_rows[user_id] = user | {"created_at": _now(), "disabled_at": None}
        return dict(self.user_rows[user_id])

    def user(self, user_id, lock=False):
        user = self.user_rows.get(user_id)
        return dict(user) if user else None

    def user_by_username(self, username):
        return next((dict(user) for user in self.user_rows.values() if user["username"] == username), None)

    def users(self):
        return sorted(map(dict, self.user_rows.values()), key=lambda user: user["username"])

    def tokens(self):
        return [
            {key: value for key, value in token.items() if key != "token_hash"} for token in self.token_rows.values()
        ]

    def add_token(self, token_id, user_id, token_hash, label):
        self.token_rows[token_id] = {
            "id": token_id,
            "user_id": user_id,
            "token_hash": token_hash,
            "label": label,
            "created_at": _now(),
            "last_used_at": None,
            "revoked_at": None,
        }

    def use_token(self, token_hash):
        for token in self.token_rows.values():
            user = self.user_rows[token["user_id"]]
            if token["token_hash"] == token_hash and token["revoked_at"] is None and user["disabled_at"] is None:
                token["last_used_at"] = _now()
                return {key: user[key] for key in ("username", "display_name", "role")} | {"user_id": user["id"]}
        return None

    def revoke_token(self, token_id):
        token = self.token_rows.get(token_id)
        if token is None:
            return False
        token["revoked_at"] = token["revoked_at"] or _now()
        return True

    def disable_user(self, user_id):
        user = self.user_rows.get(user_id)
        if user is None:
            return False
        user["disabled_at"] = user["disabled_at"] or _now()
        for token in self.token_rows.values():
            if token["user_id"] == user_id and token["revoked_at"] is None:
                token["revoked_at"] = _now()
        return True


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork(FakeRepository())
