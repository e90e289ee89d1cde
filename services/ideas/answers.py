"""The city's official answers to published ideas, and which official status may follow which; pure.

Only a published idea gets answers. The first answer says `under_evaluation`, `accepted` or `declined`;
`in_implementation` needs the idea accepted first, and `implemented` needs it accepted or in
implementation. `implemented` is final. A declined idea may be taken up again (`under_evaluation`),
and an accepted or started one may still be declined (the council refused, the plan failed).
Repeating the current status is allowed: a progress report with a new text.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from aufbruch.contracts.errors import Conflict
from services.ideas.domain import PUBLISHED, Idea

UNDER_EVALUATION, ACCEPTED, IN_IMPLEMENTATION, IMPLEMENTED, DECLINED = (
    "under_evaluation",
    "accepted",
    "in_implementation",
    "implemented",
    "declined",
)

# The answers with which the city has settled an idea for now (Open311 calls it closed); a declined
# idea may still be taken up again.
SETTLED = (IMPLEMENTED, DECLINED)

NEXT_STATUSES = {
    None: {UNDER_EVALUATION, ACCEPTED, DECLINED},
    UNDER_EVALUATION: {UNDER_EVALUATION, ACCEPTED, DECLINED},
    ACCEPTED: {ACCEPTED, IN_IMPLEMENTATION, IMPLEMENTED, DECLINED},
    IN_IMPLEMENTATION: {IN_IMPLEMENTATION, IMPLEMENTED, DECLINED},
    IMPLEMENTED: {IMPLEMENTED},
    DECLINED: {DECLINED, UNDER_EVALUATION},
}


@dataclass
class Answer:
    id: uuid.UUID
    idea_id: uuid.UUID
    official_status: str
    previous_status: str | None
    text: str
    answered_at: datetime


def answer(idea: Idea, status: str, text: str, now: datetime | None = None) -> Answer:
    """The answer, with the idea's official status set to `status`; Conflict (409) if the idea is not
    published or its current official status cannot be followed by `status`."""
    if idea.status != PUBLISHED:
        raise Conflict(f"Only a published idea can be answered; this one is {idea.status}.")
    previous = idea.official_status
    if status not in NEXT_STATUSES[previous]:
        allowed = ", ".join(sorted(NEXT_STATUSES[previous]))
        raise Conflict(f"The idea is {previous or 'not yet answered'}: the next status may be {allowed}.")
    idea.official_status = status
    return Answer(
        id=uuid.uuid4(),
        idea_id=idea.id,
        official_status=status,
        previous_status=previous,
        text=text,
        answered_at=now or datetime.now(UTC),
    )
