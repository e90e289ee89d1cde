"""An in-memory participation repository and unit of work, so that the unit tests run the real
handlers (cosmicpython's fakes)."""

import uuid
from datetime import UTC, datetime

import pytest

from tests.support.unit_of_work import FakeTransaction, FakeUnitOfWork

_STATUS_ORDER = ("submitted", "published", "rejected")


def _later(changed_at, than) -> bool:
    return than is None or than < changed_at


class FakeRepository(FakeTransaction):
    def __init__(self):
        super().__init__()
        self.ideas: dict = {}
        self.supporters: set[tuple[uuid.UUID, str]] = set()
        self.comments: dict = {}

    def _idea_row(self, idea_id) -> dict:
        new = {"idea_id": idea_id, "status": "submitted", "title": None, "hidden": False, "changed_at": None}
        return self.ideas.setdefault(idea_id, new)

    def remember_idea(self, idea_id, status: str, title: str | None = None) -> None:
        idea = self._idea_row(idea_id)
        if _STATUS_ORDER.index(status) > _STATUS_ORDER.index(idea["status"]):
            idea["status"] = status
        idea["title"] = title or idea["title"]

    def set_idea_hidden(self, idea_id, hidden: bool, changed_at: datetime) -> None:
        idea = self._idea_row(idea_id)
        if _later(changed_at, idea["changed_at"]):
            idea.update(hidden=hidden, changed_at=changed_at)

    def idea(self, idea_id, for_update: bool = False) -> dict | None:
        idea = self.ideas.get(idea_id)
        return {key: idea[key] for key in ("idea_id", "status", "title", "hidden")} if idea else None

    def add_support(self, idea_id, person_key: str) -> bool:
        added = (idea_id, person_key) not in self.supporters
        self.supporters.add((idea_id, person_key))
        return added

    def remove_support(self, idea_id, person_key: str) -> bool:
        removed = (idea_id, person_key) in self.supporters
        self.supporters.discard((idea_id, person_key))
        return removed

    def supports(self, idea_id, person_key: str) -> bool:
        return (idea_id, person_key) in self.supporters

    def support_count(self, idea_id) -> int:
        return sum(1 for supported, _ in self.supporters if supported == idea_id)

    def add_comment(self, comment_id, idea_id, parent_id, body: str, author_name: str | None) -> dict:
        self.comments[comment_id] = {
            "id": comment_id,
            "idea_id": idea_id,
            "parent_id": parent_id,
            "body": body,
            "author_name": author_name,
            "status": "submitted",
            "hidden": False,
            "submitted_at": datetime.now(UTC),
            "posted_at": None,
            "changed_at": None,
        }
        return self.comment(comment_id)

    def comment(self, comment_id, for_update: bool = False) -> dict | None:
        comment = self.comments.get(comment_id)
        return {key: value for key, value in comment.items() if key != "changed_at"} if comment else None

    def set_comment_status(self, comment_id, status: str) -> dict:
        self.comments[comment_id]["status"] = status
        if status == "posted":
            self.comments[comment_id]["posted_at"] = datetime.now(UTC)
        return self.comment(comment_id)

    def set_comment_hidden(self, comment_id, hidden: bool, changed_at: datetime) -> None:
        comment = self.comments.get(comment_id)
        if comment and _later(changed_at, comment["changed_at"]):
            comment.update(hidden=hidden, changed_at=changed_at)

    def visible_comments(self, idea_id) -> list[dict]:
        visible = [
            c for c in self.comments.values() if c["idea_id"] == idea_id and c["status"] == "posted" and not c["hidden"]
        ]
        return [
            {key: c[key] for key in ("id", "parent_id", "body", "author_name", "posted_at")}
            for c in sorted(visible, key=lambda c: (c["posted_at"], c["id"]))
        ]


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork(FakeRepository())
