"""How events change reporting's view of an idea; pure. Events may arrive in any order and more
than once: a status only ever moves forward, and facts from `idea.submitted` fill in whenever it comes.
"""
from dataclasses import dataclass, replace
from datetime import datetime

from aufbruch.contracts.events import Event

_STATUS_RANK = {"submitted": 0, "in_review": 1, "published": 2, "rejected": 2}
_STATUS_BY_EVENT = {"idea.published": "published", "idea.rejected": "rejected"}
IDEA_EVENTS = ("idea.submitted", "idea.published", "idea.rejected", "moderation.decided")


@dataclass(frozen=True)
class IdeaFacts:
    idea_id: object
    category: str | None = None
    district: str | None = None
    status: str = "submitted"
    submitted_at: datetime | None = None
    decided_at: datetime | None = None


def _advance(facts: IdeaFacts, status: str, decided_at: datetime | None) -> IdeaFacts:
    if _STATUS_RANK[status] <= _STATUS_RANK[facts.status]:
        return facts
    return replace(facts, status=status, decided_at=decided_at or facts.decided_at)


def apply(facts: IdeaFacts, event: Event) -> IdeaFacts:
    data = event.data
    if event.type == "idea.submitted":
        return replace(facts, category=data["category"], district=data["district"],
                       submitted_at=data["submitted_at"])
    if event.type == "moderation.decided":
        return _advance(facts, "in_review", None) if data["decision"] == "review" else facts
    if event.type in _STATUS_BY_EVENT:
        at = data.get("published_at") or data.get("rejected_at")
        return _advance(replace(facts, category=facts.category or data["category"]),
                        _STATUS_BY_EVENT[event.type], at)
    return facts
