"""What an idea is and how its status moves; no framework, no database."""

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aufbruch.contracts.ideas import STANDING_PROCESS

SUBMITTED, IN_REVIEW, PUBLISHED, REJECTED, HIDDEN = "submitted", "in_review", "published", "rejected", "hidden"

# A moderation decision moves an idea from an open status to the status it names; a final status
# stays final, so a late or repeated decision changes nothing. A hidden idea waits for a moderator,
# whose rejection removes it for good (an approval unhides it, announced as idea.unhidden).
_DECISION_TARGETS = {"approve": PUBLISHED, "reject": REJECTED, "review": IN_REVIEW}
_OPEN_STATUSES = {SUBMITTED, IN_REVIEW}


@dataclass
class Idea:
    id: uuid.UUID
    title: str
    description: str
    category: str
    district: str | None
    status: str
    submitted_at: datetime
    published_at: datetime | None = None
    decided_at: datetime | None = None
    rejection_reasons: list[str] = field(default_factory=list)
    process_id: str = STANDING_PROCESS
    assisted: bool = False
    official_status: str | None = None


@dataclass(frozen=True)
class IdeaFilters:
    """Which published ideas a list shows; None: any. `official_status` is one of the official
    statuses, or NOT_ANSWERED for the ideas the city has not answered yet."""

    category: str | None = None
    district: str | None = None
    process_id: str | None = None
    official_status: str | None = None


def new_idea(submission: dict, now: datetime | None = None, assisted: bool = False) -> Idea:
    return Idea(
        id=uuid.uuid4(),
        title=submission["title"],
        description=submission["description"],
        category=submission["category"],
        district=submission.get("district"),
        status=SUBMITTED,
        submitted_at=now or datetime.now(UTC),
        process_id=submission.get("process_id") or STANDING_PROCESS,
        assisted=assisted,
    )


def apply_decision(idea: Idea, decision: str, reasons: list[str], decided_at: datetime) -> bool:
    """Apply a moderation decision; returns whether the status changed."""
    target = _DECISION_TARGETS[decision]
    rejects_hidden = idea.status == HIDDEN and target == REJECTED
    if (idea.status not in _OPEN_STATUSES and not rejects_hidden) or idea.status == target:
        return False
    idea.status = target
    idea.decided_at = decided_at
    if target == PUBLISHED:
        idea.published_at = decided_at
    if target == REJECTED:
        idea.rejection_reasons = list(reasons)
    return True


def hide(idea: Idea) -> bool:
    """Withdraw a published idea from public view; returns whether the status changed."""
    if idea.status != PUBLISHED:
        return False
    idea.status = HIDDEN
    return True


def unhide(idea: Idea) -> bool:
    if idea.status != HIDDEN:
        return False
    idea.status = PUBLISHED
    return True


def request_fingerprint(submission: dict) -> str:
    """Identifies a request body, so that a reused Idempotency-Key with other content is noticed."""
    canonical = json.dumps(submission, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()
