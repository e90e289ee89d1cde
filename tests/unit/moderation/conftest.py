"""An in-memory moderation repository and unit of work, so that the unit tests run the real handlers
(cosmicpython's fakes)."""

import uuid
from datetime import UTC, datetime

import pytest

from services.moderation.subjects import COMMENT, IDEA, Subject
from tests.support.unit_of_work import FakeTransaction, FakeUnitOfWork


class FakeRepository(FakeTransaction):
    def __init__(self):
        super().__init__()
        self.decisions: dict = {}
        self.texts: dict = {}
        self.similar: list = []  # what similar_ideas answers
        self.comments: dict = {}
        self.public_ideas: dict = {}  # idea_id -> hidden
        self.cases: list[dict] = []
        self.trail: list[dict] = []
        self.flags: dict = {}  # (subject type, id) -> {reporter_key: reason}

    def record_decision(self, idea_id, verdict, decided_at) -> bool:
        if idea_id in self.decisions:
            return False
        self.decisions[idea_id] = verdict
        return True

    def remember_text(self, idea_id, text: str) -> None:
        self.texts.setdefault(idea_id, text)

    def similar_ideas(self, idea_id, text: str) -> list:
        return self.similar

    def remember_comment(self, comment_id, idea_id, text: str) -> bool:
        if comment_id in self.comments:
            return False
        self.comments[comment_id] = {"idea_id": idea_id, "text": text, "posted": False, "hidden": False}
        return True

    def mark_comment_posted(self, comment_id) -> None:
        self.comments[comment_id]["posted"] = True

    def remember_public_idea(self, idea_id) -> None:
        self.public_ideas.setdefault(idea_id, False)

    def _open_case_of(self, subject: Subject) -> dict | None:
        return next((c for c in self.cases if c["status"] == "open" and Subject.of(c).id == subject.id), None)

    def open_case(self, subject: Subject, kind: str, reasons: list[str], findings: list[dict]) -> dict | None:
        if self._open_case_of(subject):
            return None
        text = self.comments[subject.id]["text"] if subject.type == COMMENT else self.texts.get(subject.idea_id)
        case = {
            "id": uuid.uuid4(),
            "idea_id": subject.idea_id,
            "subject_type": subject.type,
            "comment_id": subject.comment_id,
            "kind": kind,
            "status": "open",
            "reasons": reasons,
            "findings": findings,
            "text": text,
            "opened_at": datetime.now(UTC),
            "decided_at": None,
            "decision": None,
            "decision_reason": None,
        }
        self.cases.append(case)
        return dict(case)

    def open_cases(self, limit: int, offset: int) -> list[dict]:
        return [dict(c) for c in self.cases if c["status"] == "open"][offset : offset + limit]

    def case(self, case_id) -> dict | None:
        return next((dict(c) for c in self.cases if c["id"] == case_id), None)

    def _close(self, case: dict | None, decision: str, reason: str) -> dict | None:
        if case is None or case["status"] != "open":
            return None
        case.update(status="decided", decided_at=datetime.now(UTC), decision=decision, decision_reason=reason)
        return dict(case)

    def close_case(self, case_id, decision: str, reason: str) -> dict | None:
        return self._close(next((c for c in self.cases if c["id"] == case_id), None), decision, reason)

    def close_open_case(self, subject: Subject, decision: str, reason: str) -> dict | None:
        return self._close(self._open_case_of(subject), decision, reason)

    def audit(self, subject: Subject, action: str, actor: dict, **entry) -> None:
        self.trail.append({"subject": subject.id, "action": action, "actor_kind": actor["kind"]} | actor | entry)

    def history(self, subject: Subject) -> list[dict]:
        return [entry for entry in self.trail if entry["subject"] == subject.id]

    def flaggable(self, subject_type: str, subject_id) -> Subject | None:
        if subject_type == IDEA and subject_id in self.public_ideas:
            return Subject.idea(subject_id, self.public_ideas[subject_id])
        comment = self.comments.get(subject_id) if subject_type == COMMENT else None
        if comment and comment["posted"]:
            return Subject.comment(subject_id, comment["idea_id"], comment["hidden"])
        return None

    def set_hidden(self, subject: Subject, hidden: bool) -> None:
        if subject.type == IDEA:
            self.public_ideas[subject.id] = hidden
        else:
            self.comments[subject.id]["hidden"] = hidden

    def add_flag(self, subject: Subject, reporter_key: str, reason: str) -> bool:
        flags = self.flags.setdefault((subject.type, subject.id), {})
        if reporter_key in flags:
            return False
        flags[reporter_key] = reason
        return True

    def flag_reasons(self, subject: Subject) -> list[tuple[str, int]]:
        given = list(self.flags.get((subject.type, subject.id), {}).values())
        return sorted({(reason, given.count(reason)) for reason in given}, key=lambda r: (-r[1], r[0]))


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork(FakeRepository())
