"""The data of every public event: one marshmallow schema per event type, and the code lists they use.

`aufbruch/contracts/events.py` pairs each schema with its type, producer and version (`CATALOG`) and
wraps the data in the CloudEvents envelope. No event carries personal data: no names, no addresses;
consumers that need an address ask the ideas service by RPC.
"""

from marshmallow import EXCLUDE, Schema, fields, validate

from aufbruch.contracts.ideas import OFFICIAL_STATUSES

DECISIONS = ("approve", "reject", "review")
ACTOR_KINDS = ("automatic", "moderator")
COMMENT_DECISIONS = ("approve", "reject", "review")
SUBJECT_TYPES = ("idea", "comment")
# Mails about one idea: to its submitter (receipt, published, rejected, hidden, status_changed: the
# city's answer), to someone who asked to follow it (follow_confirmation, the double opt-in) and to
# its followers (follower_update).
MAIL_KINDS = ("receipt", "published", "rejected", "hidden", "status_changed", "follow_confirmation", "follower_update")
ERASURE_REQUESTERS = ("admin", "person")


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
    # The participation process; added within v1 (optional, absent in older events: `standing`).
    # No load_default, so that re-serialising an older event does not invent the field.
    process_id = fields.String(allow_none=True)


class IdeaPublished(EventData):
    idea_id = fields.UUID(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    category = fields.String(required=True)
    district = fields.String(allow_none=True, load_default=None)
    published_at = fields.AwareDateTime(required=True)
    process_id = fields.String(allow_none=True)  # as in IdeaSubmitted


class IdeaStatusChanged(EventData):
    """The city answered a published idea. Names no one: the answer is the administration's."""

    idea_id = fields.UUID(required=True)
    answer_id = fields.UUID(required=True)
    title = fields.String(required=True)
    process_id = fields.String(required=True)
    official_status = fields.String(required=True, validate=validate.OneOf(OFFICIAL_STATUSES))
    previous_status = fields.String(required=True, allow_none=True, validate=validate.OneOf(OFFICIAL_STATUSES))
    answer = fields.String(required=True)
    answered_at = fields.AwareDateTime(required=True)


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
    # Added within v1, so absent in older events (read absent as "idea"): the case is about the idea
    # itself or about one of its comments.
    subject_type = fields.String(validate=validate.OneOf(SUBJECT_TYPES))
    comment_id = fields.UUID(allow_none=True)


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


class IdeaSupported(EventData):
    # The count only: who supports an idea is never told, not even as a pseudonym.
    idea_id = fields.UUID(required=True)
    support_count = fields.Integer(required=True)
    supported_at = fields.AwareDateTime(required=True)


class IdeaSupportWithdrawn(EventData):
    idea_id = fields.UUID(required=True)
    support_count = fields.Integer(required=True)
    withdrawn_at = fields.AwareDateTime(required=True)


class CommentSubmitted(EventData):
    # The text, as idea.submitted carries the idea's; never the display name the citizen may give.
    comment_id = fields.UUID(required=True)
    idea_id = fields.UUID(required=True)
    parent_id = fields.UUID(allow_none=True, load_default=None)
    body = fields.String(required=True)
    submitted_at = fields.AwareDateTime(required=True)


class CommentModerated(EventData):
    comment_id = fields.UUID(required=True)
    idea_id = fields.UUID(required=True)
    decision = fields.String(required=True, validate=validate.OneOf(COMMENT_DECISIONS))
    reasons = fields.List(fields.String(), required=True)
    actor_kind = fields.String(required=True, validate=validate.OneOf(ACTOR_KINDS))
    decided_at = fields.AwareDateTime(required=True)


class CommentPosted(EventData):
    comment_id = fields.UUID(required=True)
    idea_id = fields.UUID(required=True)
    parent_id = fields.UUID(allow_none=True, load_default=None)
    body = fields.String(required=True)
    posted_at = fields.AwareDateTime(required=True)


class CommentHidden(EventData):
    comment_id = fields.UUID(required=True)
    idea_id = fields.UUID(required=True)
    reason = fields.String(required=True)
    actor_kind = fields.String(required=True, validate=validate.OneOf(ACTOR_KINDS))
    hidden_at = fields.AwareDateTime(required=True)


class CommentUnhidden(EventData):
    comment_id = fields.UUID(required=True)
    idea_id = fields.UUID(required=True)
    reason = fields.String(required=True)
    actor_kind = fields.String(required=True, validate=validate.OneOf(ACTOR_KINDS))
    unhidden_at = fields.AwareDateTime(required=True)


class PersonErased(EventData):
    """Says that a person's address was erased, never whose: no address, no key derived from it."""

    erasure_id = fields.UUID(required=True)
    requested_by = fields.String(required=True, validate=validate.OneOf(ERASURE_REQUESTERS))
    submissions_erased = fields.Integer(required=True)
    subscriptions_erased = fields.Integer(required=True)
    mails_erased = fields.Integer(required=True)
    erased_at = fields.AwareDateTime(required=True)
