"""Event contracts: every public event, its producer, version and the marshmallow schema of its data.

Events travel as CloudEvents 1.0 JSON objects (structured mode) on the producer's topic exchange
`<producer>.events` with the event type as routing key. No event carries personal data: no names,
no addresses; consumers that need an address ask the ideas service by RPC.
"""
import uuid
from dataclasses import dataclass
from functools import cached_property
from datetime import datetime, timezone

from marshmallow import EXCLUDE, Schema, fields, validate

SPEC_VERSION = "1.0"
DATA_CONTENT_TYPE = "application/json"
SOURCE_PREFIX = "urn:aufbruch:service:"
DECISIONS = ("approve", "reject", "review")
ACTOR_KINDS = ("automatic", "moderator")
MAIL_KINDS = ("receipt", "published", "rejected")


class EventData(Schema):
    class Meta:
        # Tolerant reader: producers may add fields within a version; consumers ignore what they don't know.
        unknown = EXCLUDE


class IdeaSubmitted(EventData):
    idea_id = fields.UUID(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    category = fields.String(required=True)
    district = fields.String(allow_none=True, load_default=None)
    submitted_at = fields.AwareDateTime(required=True)
    # A pseudonym, never the address: HMAC-SHA256 of the submitter's e-mail address keyed with the
    # platform's PSEUDONYM_SECRET (aufbruch.pseudonyms), so reporting can count distinct participants.
    # None when the citizen gave no address. Added within v1 (optional).
    author_key = fields.String(allow_none=True, load_default=None)


class IdeaPublished(EventData):
    idea_id = fields.UUID(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    category = fields.String(required=True)
    district = fields.String(allow_none=True, load_default=None)
    published_at = fields.AwareDateTime(required=True)


class IdeaRejected(EventData):
    idea_id = fields.UUID(required=True)
    category = fields.String(required=True)
    reasons = fields.List(fields.String(), required=True)
    rejected_at = fields.AwareDateTime(required=True)


class ModerationDecided(EventData):
    idea_id = fields.UUID(required=True)
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    reasons = fields.List(fields.String(), required=True)
    actor_kind = fields.String(required=True, validate=validate.OneOf(ACTOR_KINDS))
    decided_at = fields.AwareDateTime(required=True)


class ModerationReviewRequested(EventData):
    case_id = fields.UUID(required=True)
    idea_id = fields.UUID(required=True)
    reasons = fields.List(fields.String(), required=True)
    requested_at = fields.AwareDateTime(required=True)


class IdeaHidden(EventData):
    idea_id = fields.UUID(required=True)
    reason = fields.String(required=True)
    actor_kind = fields.String(required=True, validate=validate.OneOf(ACTOR_KINDS))
    hidden_at = fields.AwareDateTime(required=True)


class IdeaUnhidden(EventData):
    idea_id = fields.UUID(required=True)
    reason = fields.String(required=True)
    actor_kind = fields.String(required=True, validate=validate.OneOf(ACTOR_KINDS))
    unhidden_at = fields.AwareDateTime(required=True)


class IdeaFlagged(EventData):
    idea_id = fields.UUID(required=True)
    reason = fields.String(required=True)
    flag_count = fields.Integer(required=True)
    flagged_at = fields.AwareDateTime(required=True)


class NotificationSent(EventData):
    notification_id = fields.UUID(required=True)
    idea_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(MAIL_KINDS))
    sent_at = fields.AwareDateTime(required=True)


class NotificationFailed(EventData):
    notification_id = fields.UUID(required=True)
    idea_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(MAIL_KINDS))
    failed_at = fields.AwareDateTime(required=True)
    error = fields.String(required=True)


@dataclass(frozen=True)
class EventContract:
    type: str
    producer: str
    version: int
    data_schema: type[EventData]
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
        EventContract("idea.submitted", "ideas", 1, IdeaSubmitted,
                      "A citizen submitted an idea; it awaits moderation."),
        EventContract("idea.published", "ideas", 1, IdeaPublished,
                      "An idea passed moderation and is publicly visible."),
        EventContract("idea.rejected", "ideas", 1, IdeaRejected,
                      "An idea was rejected by moderation, with reason codes."),
        EventContract("moderation.decided", "moderation", 1, ModerationDecided,
                      "Moderation decided on an idea: approve, reject or review."),
        EventContract("moderation.review_requested", "moderation", 1, ModerationReviewRequested,
                      "A case opened that waits for a human moderator."),
        EventContract("idea.hidden", "moderation", 1, IdeaHidden,
                      "A published idea was hidden: by citizens' flags or by a moderator."),
        EventContract("idea.unhidden", "moderation", 1, IdeaUnhidden,
                      "A hidden idea is visible again, by a moderator's decision."),
        EventContract("idea.flagged", "moderation", 1, IdeaFlagged,
                      "A citizen flagged a published idea (who flagged is never told)."),
        EventContract("notification.sent", "notifications", 1, NotificationSent,
                      "A mail about an idea was handed to the mail server."),
        EventContract("notification.failed", "notifications", 1, NotificationFailed,
                      "A mail about an idea could not be delivered (permanent failure)."),
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
        "time": datetime.now(timezone.utc).isoformat(),
        "datacontenttype": DATA_CONTENT_TYPE,
        "dataschema": contract.dataschema,
        "data": serialised,
    }


def parse_event(body: dict) -> Event:
    """Validate a received CloudEvent and its data (raises ValidationError for a malformed one)."""
    envelope = ENVELOPE.load(body)
    data = CATALOG[envelope["type"]].schema.load(envelope["data"])
    return Event(id=envelope["id"], type=envelope["type"], time=envelope["time"], data=data)
