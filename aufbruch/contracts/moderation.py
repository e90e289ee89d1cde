"""The moderation service's RPC contract: human decisions, citizens' flags, hiding and unhiding."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from aufbruch.contracts.ideas import Strict, Text

DECISION_REASONS = {
    "approve": ("acceptable", "false_positive"),
    "reject": (
        "offensive_language",
        "personal_data",
        "link_spam",
        "spam",
        "off_topic",
        "duplicate",
        "illegal_content",
        "other",
    ),
}
FLAG_REASONS = ("offensive", "personal_data", "spam", "misinformation", "other")
HIDE_REASONS = ("offensive_language", "personal_data", "spam", "illegal_content", "legal_review", "other")
UNHIDE_REASONS = ("acceptable", "false_positive", "corrected")


class Note(Strict):
    note = Text(validate=validate.Length(max=2000), load_default=None, allow_none=True)


class Decision(Note):
    decision = fields.String(required=True, validate=validate.OneOf(tuple(DECISION_REASONS)))
    reason = fields.String(required=True)

    @validates_schema
    def reason_fits_decision(self, data: dict, **kwargs):
        allowed = DECISION_REASONS[data["decision"]]
        if data["reason"] not in allowed:
            raise ValidationError(f"Must be one of: {', '.join(allowed)}.", "reason")


class Flag(Strict):
    reason = fields.String(required=True, validate=validate.OneOf(FLAG_REASONS))
    email = fields.Email(required=True, validate=validate.Length(max=254))


class Hide(Note):
    reason = fields.String(required=True, validate=validate.OneOf(HIDE_REASONS))


class Unhide(Note):
    reason = fields.String(required=True, validate=validate.OneOf(UNHIDE_REASONS))


class Case(Schema):
    id = fields.UUID()
    idea_id = fields.UUID()
    subject_type = fields.String(metadata={"description": "`idea` or `comment`: what the case is about."})
    comment_id = fields.UUID(allow_none=True, metadata={"description": "The comment, for a case about one."})
    kind = fields.String()
    status = fields.String()
    reasons = fields.List(fields.String())
    findings = fields.Raw()
    text = fields.String(allow_none=True)
    opened_at = fields.AwareDateTime()
    decided_at = fields.AwareDateTime(allow_none=True)
    decision = fields.String(allow_none=True)
    decision_reason = fields.String(allow_none=True)


class AuditEntry(Schema):
    """Moderators are named in the trail (it is shown to moderators and admins only); citizens never."""

    at = fields.AwareDateTime()
    actor_kind = fields.String()
    actor_name = fields.String(allow_none=True)
    action = fields.String()
    outcome = fields.String(allow_none=True)
    reasons = fields.List(fields.String())
    findings = fields.Raw(allow_none=True)
    note = fields.String(allow_none=True)
    case_id = fields.UUID(allow_none=True)


class CaseWithHistory(Case):
    history = fields.List(fields.Nested(AuditEntry))
