"""How events change reporting's view of an idea; pure.

Events may arrive in any order and more than once, live and in a rebuild alike, so `apply` is built
to make the final facts independent of the order: every fact is either taken from the earliest event
of its kind (compared by the event's own timestamp and, for a tie, its content), or is the latest
timestamp of its kind, or only ever switches on. The status is not stored as it arrived but derived
from the facts, so live figures and rebuilt figures are the same.
"""

from dataclasses import dataclass, fields, replace
from datetime import datetime

from aufbruch.contracts.events import Event
from aufbruch.contracts.ideas import STANDING_PROCESS

# Bump when `apply` changes what it derives: the service rebuilds its projections from the event
# log at start when the stored version differs (handlers.rebuild_if_outdated).
PROJECTION_VERSION = 3

IDEA_EVENTS = (
    "idea.submitted",
    "idea.published",
    "idea.rejected",
    "moderation.decided",
    "idea.hidden",
    "idea.unhidden",
    "idea.status_changed",
)
SETTLING_DECISIONS = ("approve", "reject")  # `review` only hands the idea on to a person
STATUSES = ("submitted", "in_review", "published", "hidden", "rejected")


@dataclass(frozen=True)
class IdeaFacts:
    idea_id: object
    # From idea.submitted; until it arrives, category and district come from the publication (or
    # the rejection), so that an idea is counted in its category at once.
    category: str | None = None
    district: str | None = None
    submitted_at: datetime | None = None
    author_key: str | None = None
    # From idea.submitted too; events from before processes existed name none: the standing one.
    process_id: str | None = None
    # From the earliest idea.published: the published text, for the open-data export.
    title: str | None = None
    description: str | None = None
    published_at: datetime | None = None
    # From the earliest idea.rejected.
    rejected_at: datetime | None = None
    rejection_reasons: tuple[str, ...] = ()
    # True once any moderation.decided said `review`.
    reviewed: bool = False
    # The settling decision: the earliest moderation.decided that approved or rejected. It is the
    # answer to the submission; a moderator's later decision on a flagged idea does not replace it.
    decided_at: datetime | None = None
    decision: str | None = None
    decision_actor: str | None = None
    decision_reasons: tuple[str, ...] = ()
    # The latest idea.hidden and idea.unhidden: whichever is later says whether it is hidden now.
    hidden_at: datetime | None = None
    unhidden_at: datetime | None = None
    # The city's answers (idea.status_changed): the official status is the latest answer's (by its
    # time, then its id); the first answer's time measures how long the city took to answer.
    official_status: str | None = None
    official_status_at: datetime | None = None
    official_answer_id: object = None
    first_answered_at: datetime | None = None

    @property
    def hidden(self) -> bool:
        """Its last visibility change hid it (also true for an idea rejected while hidden)."""
        return self.hidden_at is not None and (self.unhidden_at is None or self.hidden_at > self.unhidden_at)

    @property
    def status(self) -> str:
        """rejected is final; hidden outranks published; unhiding returns it to published."""
        if self.rejected_at is not None:
            return "rejected"
        if self.hidden:
            return "hidden"
        if self.published_at is not None:
            return "published"
        return "in_review" if self.reviewed else "submitted"

    @property
    def turnaround_seconds(self) -> float | None:
        """From submission to the settling decision, or None while either is unknown."""
        if self.decided_at is None or self.submitted_at is None:
            return None
        return (self.decided_at - self.submitted_at).total_seconds()

    @property
    def answer_seconds(self) -> float | None:
        """From publication to the city's first answer, or None while either is unknown."""
        if self.first_answered_at is None or self.published_at is None:
            return None
        return (self.first_answered_at - self.published_at).total_seconds()


COLUMNS = tuple(field.name for field in fields(IdeaFacts))


def _earlier(new: tuple, old: tuple | None) -> bool:
    """Whether `new` comes before `old`: by timestamp first, then by content, so that of two events
    of one kind the same one wins whatever order they came in."""
    return old is None or _comparable(new) < _comparable(old)


def _comparable(key: tuple) -> tuple:
    return tuple("" if part is None else part for part in key)


def _latest(current: datetime | None, candidate: datetime) -> datetime:
    return candidate if current is None or candidate > current else current


def _submitted(facts: IdeaFacts, data: dict) -> IdeaFacts:
    process_id = data.get("process_id") or STANDING_PROCESS
    key = (data["submitted_at"], data["category"], data["district"], data.get("author_key"), process_id)
    if facts.submitted_at is not None and not _earlier(
        key, (facts.submitted_at, facts.category, facts.district, facts.author_key, facts.process_id)
    ):
        return facts
    return replace(
        facts,
        category=data["category"],
        district=data["district"],
        submitted_at=data["submitted_at"],
        author_key=data.get("author_key"),
        process_id=process_id,
    )


def _published(facts: IdeaFacts, data: dict) -> IdeaFacts:
    key = (data["published_at"], data["title"], data["description"], data["category"], data["district"])
    if facts.published_at is not None and not _earlier(
        key, (facts.published_at, facts.title, facts.description, facts.category, facts.district)
    ):
        return facts
    facts = replace(facts, title=data["title"], description=data["description"], published_at=data["published_at"])
    if facts.submitted_at is None:  # idea.submitted has not come yet: its facts win when it does
        facts = replace(facts, category=data["category"], district=data["district"])
    return facts


def _rejected(facts: IdeaFacts, data: dict) -> IdeaFacts:
    reasons = tuple(data["reasons"])
    if facts.rejected_at is not None and not _earlier(
        (data["rejected_at"], reasons), (facts.rejected_at, facts.rejection_reasons)
    ):
        return facts
    facts = replace(facts, rejected_at=data["rejected_at"], rejection_reasons=reasons)
    if facts.submitted_at is None and facts.published_at is None:
        facts = replace(facts, category=data["category"])
    return facts


def _decided(facts: IdeaFacts, data: dict) -> IdeaFacts:
    if data["decision"] == "review":
        return facts if facts.reviewed else replace(facts, reviewed=True)
    reasons = tuple(data["reasons"])
    key = (data["decided_at"], data["actor_kind"], data["decision"], reasons)
    if facts.decided_at is not None and not _earlier(
        key, (facts.decided_at, facts.decision_actor, facts.decision, facts.decision_reasons)
    ):
        return facts
    return replace(
        facts,
        decided_at=data["decided_at"],
        decision=data["decision"],
        decision_actor=data["actor_kind"],
        decision_reasons=reasons,
    )


def _status_changed(facts: IdeaFacts, data: dict) -> IdeaFacts:
    answered_at = data["answered_at"]
    first = answered_at if facts.first_answered_at is None else min(facts.first_answered_at, answered_at)
    facts = replace(facts, first_answered_at=first)
    key = (answered_at, str(data["answer_id"]))
    if facts.official_status_at is not None and key < (facts.official_status_at, str(facts.official_answer_id)):
        return facts
    return replace(
        facts,
        official_status=data["official_status"],
        official_status_at=answered_at,
        official_answer_id=data["answer_id"],
    )


_APPLY = {
    "idea.submitted": _submitted,
    "idea.published": _published,
    "idea.rejected": _rejected,
    "moderation.decided": _decided,
    "idea.hidden": lambda facts, data: replace(facts, hidden_at=_latest(facts.hidden_at, data["hidden_at"])),
    "idea.unhidden": lambda facts, data: replace(facts, unhidden_at=_latest(facts.unhidden_at, data["unhidden_at"])),
    "idea.status_changed": _status_changed,
}


def apply(facts: IdeaFacts, event: Event) -> IdeaFacts:
    """The facts after `event`; events other than IDEA_EVENTS leave them as they are."""
    change = _APPLY.get(event.type)
    return change(facts, event.data) if change else facts
