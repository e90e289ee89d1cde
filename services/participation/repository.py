"""Every SQL statement of the participation service, as the methods of one transaction's `Repository`."""

import uuid
from datetime import datetime
from pathlib import Path

from aufbruch.unit_of_work import Transaction

SCHEMA = "participation"
MIGRATIONS = Path(__file__).parent / "migrations"

_STATUS_ORDER = "array['submitted', 'published', 'rejected']"
_COMMENT_COLUMNS = "id, idea_id, parent_id, body, author_name, status, hidden, submitted_at, posted_at"


class Repository(Transaction):
    def remember_idea(self, idea_id: uuid.UUID, status: str, title: str | None = None) -> None:
        """Move the idea to `status` unless it is further already (events may come in any order)."""
        self.conn.execute(
            "insert into ideas as i (idea_id, status, title) values (%(id)s, %(status)s, %(title)s)"
            " on conflict (idea_id) do update set"
            f"  status = case when array_position({_STATUS_ORDER}, excluded.status)"
            f"   > array_position({_STATUS_ORDER}, i.status) then excluded.status else i.status end,"
            "  title = coalesce(excluded.title, i.title)",
            {"id": idea_id, "status": status, "title": title},
        )

    def set_idea_hidden(self, idea_id: uuid.UUID, hidden: bool, changed_at: datetime) -> None:
        """Apply a hide or unhide unless a later one was applied already."""
        self.conn.execute(
            "insert into ideas as i (idea_id, hidden, visibility_changed_at) values (%s, %s, %s)"
            " on conflict (idea_id) do update set hidden = excluded.hidden,"
            "  visibility_changed_at = excluded.visibility_changed_at"
            " where i.visibility_changed_at is null or i.visibility_changed_at < excluded.visibility_changed_at",
            (idea_id, hidden, changed_at),
        )

    def idea(self, idea_id: uuid.UUID, for_update: bool = False) -> dict | None:
        lock = " for update" if for_update else ""
        return self.conn.execute(
            f"select idea_id, status, title, hidden from ideas where idea_id = %s{lock}", (idea_id,)
        ).fetchone()

    def add_support(self, idea_id: uuid.UUID, person_key: str) -> bool:
        row = self.conn.execute(
            "insert into supports (idea_id, person_key) values (%s, %s) on conflict do nothing returning idea_id",
            (idea_id, person_key),
        ).fetchone()
        return row is not None

    def remove_support(self, idea_id: uuid.UUID, person_key: str) -> bool:
        row = self.conn.execute(
            "delete from supports where idea_id = %s and person_key = %s returning idea_id", (idea_id, person_key)
        ).fetchone()
        return row is not None

    def supports(self, idea_id: uuid.UUID, person_key: str) -> bool:
        return (
            self.conn.execute(
                "select 1 from supports where idea_id = %s and person_key = %s", (idea_id, person_key)
            ).fetchone()
            is not None
        )

    def support_count(self, idea_id: uuid.UUID) -> int:
        return self.conn.execute("select count(*) as n from supports where idea_id = %s", (idea_id,)).fetchone()["n"]

    def add_comment(
        self, comment_id: uuid.UUID, idea_id: uuid.UUID, parent_id: uuid.UUID | None, body: str, author_name: str | None
    ) -> dict:
        return self.conn.execute(
            f"insert into comments (id, idea_id, parent_id, body, author_name) values (%s, %s, %s, %s, %s)"
            f" returning {_COMMENT_COLUMNS}",
            (comment_id, idea_id, parent_id, body, author_name),
        ).fetchone()

    def comment(self, comment_id: uuid.UUID, for_update: bool = False) -> dict | None:
        lock = " for update" if for_update else ""
        return self.conn.execute(
            f"select {_COMMENT_COLUMNS} from comments where id = %s{lock}", (comment_id,)
        ).fetchone()

    def set_comment_status(self, comment_id: uuid.UUID, status: str) -> dict:
        return self.conn.execute(
            "update comments set status = %s, posted_at = case when %s = 'posted' then now() else posted_at end"
            f" where id = %s returning {_COMMENT_COLUMNS}",
            (status, status, comment_id),
        ).fetchone()

    def set_comment_hidden(self, comment_id: uuid.UUID, hidden: bool, changed_at: datetime) -> None:
        """Apply a hide or unhide unless a later one was applied already."""
        self.conn.execute(
            "update comments set hidden = %s, visibility_changed_at = %s where id = %s"
            " and (visibility_changed_at is null or visibility_changed_at < %s)",
            (hidden, changed_at, comment_id, changed_at),
        )

    def visible_comments(self, idea_id: uuid.UUID) -> list[dict]:
        return self.conn.execute(
            "select id, parent_id, body, author_name, posted_at from comments"
            " where idea_id = %s and status = 'posted' and not hidden order by posted_at, id",
            (idea_id,),
        ).fetchall()
