"""Every SQL statement of the accounts service, as the methods of one transaction's `Repository`."""

import uuid
from pathlib import Path

from aufbruch.unit_of_work import Transaction

SCHEMA = "accounts"
MIGRATIONS = Path(__file__).parent / "migrations"

_USER_COLUMNS = "id, username, display_name, role, created_at, disabled_at"
_TOKEN_COLUMNS = "id, user_id, label, created_at, last_used_at, revoked_at"


class Repository(Transaction):
    def add_user(self, user_id: uuid.UUID, username: str, display_name: str | None, role: str) -> dict | None:
        """The new user, or None if the username is taken."""
        return self.conn.execute(
            "insert into users (id, username, display_name, role) values (%s, %s, %s, %s)"
            f" on conflict (username) do nothing returning {_USER_COLUMNS}",
            (user_id, username, display_name, role),
        ).fetchone()

    def user(self, user_id: uuid.UUID, lock: bool = False) -> dict | None:
        # FOR SHARE: a token is not issued while a concurrent disable_user of the same user commits.
        lock_clause = " for share" if lock else ""
        return self.conn.execute(f"select {_USER_COLUMNS} from users where id = %s{lock_clause}", (user_id,)).fetchone()

    def user_by_username(self, username: str) -> dict | None:
        return self.conn.execute(f"select {_USER_COLUMNS} from users where username = %s", (username,)).fetchone()

    def users(self) -> list[dict]:
        return self.conn.execute(f"select {_USER_COLUMNS} from users order by username").fetchall()

    def tokens(self) -> list[dict]:
        return self.conn.execute(f"select {_TOKEN_COLUMNS} from tokens order by created_at, id").fetchall()

    def add_token(self, token_id: uuid.UUID, user_id: uuid.UUID, token_hash: bytes, label: str | None) -> None:
        self.conn.execute(
            "insert into tokens (id, user_id, token_hash, label) values (%s, %s, %s, %s)",
            (token_id, user_id, token_hash, label),
        )

    def use_token(self, token_hash: bytes) -> dict | None:
        """The principal of a live token (not revoked, user not disabled), noting that it was used now."""
        return self.conn.execute(
            "update tokens t set last_used_at = now() from users u"
            " where t.token_hash = %s and t.revoked_at is null and u.id = t.user_id and u.disabled_at is null"
            " returning u.id as user_id, u.username, u.display_name, u.role",
            (token_hash,),
        ).fetchone()

    def revoke_token(self, token_id: uuid.UUID) -> bool:
        """Revoke the token (a second revocation keeps the first time); False if there is no such token."""
        return (
            self.conn.execute(
                "update tokens set revoked_at = coalesce(revoked_at, now()) where id = %s returning id", (token_id,)
            ).fetchone()
            is not None
        )

    def disable_user(self, user_id: uuid.UUID) -> bool:
        """Disable the user and revoke their live tokens; False if there is no such user."""
        found = self.conn.execute(
            "update users set disabled_at = coalesce(disabled_at, now()) where id = %s returning id", (user_id,)
        ).fetchone()
        if found:
            self.conn.execute(
                "update tokens set revoked_at = now() where user_id = %s and revoked_at is null", (user_id,)
            )
        return found is not None
