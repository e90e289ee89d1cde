"""Event contracts: every public event, its producer, version and the schema of its data (event_data.py).

Events travel as CloudEvents 1.0 JSON objects (structured mode) on the producer's topic exchange
`<producer>.events` with the event type as routing key. No event carries personal data: no names,
no addresses; consumers that need an address ask the ideas service by RPC.
"""

import builtins
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

from marshmallow import EXCLUDE, Schema, fields, validate

from aufbruch.contracts.event_data import (
    CommentHidden,
    CommentModerated,
    CommentPosted,
    CommentSubmitted,
    CommentUnhidden,
    EventData,
    IdeaFlagged,
    IdeaHidden,
    IdeaPublished,
    IdeaRejected,
    IdeaStatusChanged,
    IdeaSubmitted,
    IdeaSupported,
    IdeaSupportWithdrawn,
    IdeaUnhidden,
    ModerationDecided,
    ModerationReviewRequested,
    NotificationFailed,
    NotificationSent,
    PersonErased,
)

SPEC_VERSION = "1.0"
DATA_CONTENT_TYPE = "application/json"
SOURCE_PREFIX = "urn:aufbruch:service:"


@dataclass(frozen=True)
class EventContract:
    type: str
    producer: str
    version: int
    data_schema: builtins.type[EventData]  # `type` alone would mean the field above
    description: str

    @property
    def exchange(self) -> str:
        return f"{self.producer}.events"

    @cached_property
    def schema(self) -> EventData:
        """One instance of `data_schema`, reused for every event: building a marshmallow schema
        deep-copies its fields, which cost consumers more than the validation itself (BENCHMARKS.md)."""
        return self.data_schema()

    @property
    def dataschema(self) -> str:
        return f"urn:aufbruch:event:{self.type}:v{self.version}"


CATALOG = {
    contract.type: contract
    for contract in (
        EventContract(
            "idea.submitted", "ideas", 1, IdeaSubmitted, "A citizen submitted an idea; it awaits moderation."
        ),
        EventContract(
            "idea.published", "ideas", 1, IdeaPublished, "An idea passed moderation and is publicly visible."
        ),
        EventContract(
            "idea.rejected", "ideas", 1, IdeaRejected, "An idea was rejected by moderation, with reason codes."
        ),
        EventContract(
            "idea.status_changed",
            "ideas",
            1,
            IdeaStatusChanged,
            "The city answered a published idea: its official status and the public answer.",
        ),
        EventContract(
            "moderation.decided",
            "moderation",
            1,
            ModerationDecided,
            "Moderation decided on an idea: approve, reject or review.",
        ),
        EventContract(
            "moderation.review_requested",
            "moderation",
            1,
            ModerationReviewRequested,
            "A case opened that waits for a human moderator.",
        ),
        EventContract(
            "idea.hidden",
            "moderation",
            1,
            IdeaHidden,
            "A published idea was hidden: by citizens' flags or by a moderator.",
        ),
        EventContract(
            "idea.unhidden", "moderation", 1, IdeaUnhidden, "A hidden idea is visible again, by a moderator's decision."
        ),
        EventContract(
            "idea.flagged",
            "moderation",
            1,
            IdeaFlagged,
            "A citizen flagged a published idea (who flagged is never told).",
        ),
        EventContract(
            "notification.sent",
            "notifications",
            1,
            NotificationSent,
            "A mail about an idea was handed to the mail server.",
        ),
        EventContract(
            "notification.failed",
            "notifications",
            1,
            NotificationFailed,
            "A mail about an idea could not be delivered (permanent failure).",
        ),
        EventContract(
            "idea.supported",
            "participation",
            1,
            IdeaSupported,
            "A citizen confirmed their support for a published idea; carries the new count.",
        ),
        EventContract(
            "idea.support_withdrawn",
            "participation",
            1,
            IdeaSupportWithdrawn,
            "A citizen withdrew their support for an idea; carries the new count.",
        ),
        EventContract(
            "comment.submitted",
            "participation",
            1,
            CommentSubmitted,
            "A citizen commented on a published idea; the comment awaits moderation.",
        ),
        EventContract(
            "comment.moderated",
            "moderation",
            1,
            CommentModerated,
            "Moderation decided on a comment: approve, reject or review.",
        ),
        EventContract(
            "comment.posted", "participation", 1, CommentPosted, "A comment passed moderation and is publicly visible."
        ),
        EventContract(
            "comment.hidden",
            "moderation",
            1,
            CommentHidden,
            "A posted comment was hidden: by citizens' flags or by a moderator.",
        ),
        EventContract(
            "comment.unhidden",
            "moderation",
            1,
            CommentUnhidden,
            "A hidden comment is visible again, by a moderator's decision.",
        ),
        EventContract(
            "person.erased",
            "notifications",
            1,
            PersonErased,
            "A person's address was erased from ideas and notifications (the event never says whose).",
        ),
    )
}


class CloudEvent(Schema):
    class Meta:
        unknown = EXCLUDE

    specversion = fields.String(required=True, validate=validate.Equal(SPEC_VERSION))
    id = fields.UUID(required=True)
    source = fields.String(required=True)
    type = fields.String(required=True, validate=validate.OneOf(CATALOG))
    time = fields.AwareDateTime(required=True)
    datacontenttype = fields.String(load_default=DATA_CONTENT_TYPE)
    dataschema = fields.String(load_default=None)
    data = fields.Dict(required=True)


ENVELOPE = CloudEvent()


@dataclass(frozen=True)
class Event:
    id: uuid.UUID
    type: str
    time: datetime
    data: dict

    @property
    def contract(self) -> EventContract:
        return CATALOG[self.type]


def new_event(event_type: str, data: dict) -> dict:
    """Build the CloudEvent for `data`, validated against the contract (raises ValidationError)."""
    contract = CATALOG[event_type]
    serialised = contract.schema.dump(data)
    contract.schema.load(serialised)  # a producer never emits what its consumers would refuse
    return {
        "specversion": SPEC_VERSION,
        "id": str(uuid.uuid4()),
        "source": SOURCE_PREFIX + contract.producer,
        "type": event_type,
        "time": datetime.now(UTC).isoformat(),
        "datacontenttype": DATA_CONTENT_TYPE,
        "dataschema": contract.dataschema,
        "data": serialised,
    }


def parse_event(body: dict) -> Event:
    """Validate a received CloudEvent and its data (raises ValidationError for a malformed one)."""
    envelope = ENVELOPE.load(body)
    data = CATALOG[envelope["type"]].schema.load(envelope["data"])
    return Event(id=envelope["id"], type=envelope["type"], time=envelope["time"], data=data)


def parse_events(bodies: list[dict]) -> list[Event]:
    """`parse_event` for a batch (aufbruch.messaging.on_events)."""
    return [parse_event(body) for body in bodies]
