"""The participation service's RPC contract: supports and comments on published ideas."""

from marshmallow import Schema, fields, validate

from aufbruch.contracts.ideas import Strict, Text, mail_locale

COMMENT_MAX_LENGTH = 2000


class SupportRequest(Strict):
    email = fields.Email(
        required=True,
        validate=validate.Length(max=254),
        metadata={"description": "Receives the confirmation link; never stored, never shown."},
    )
    locale = mail_locale()


class SupportLink(Strict):
    token = fields.String(
        required=True,
        validate=validate.Length(min=1, max=500),
        metadata={"description": "The token of the link in the confirmation mail."},
    )


class SupportCount(Schema):
    idea_id = fields.UUID()
    count = fields.Integer()
    open = fields.Boolean(
        metadata={"description": "Whether the idea takes supports and comments now (published and not hidden)."}
    )


class SupportState(SupportCount):
    supported = fields.Boolean(metadata={"description": "Whether this link's holder supports the idea now."})


class WithdrawalState(SupportState):
    title = fields.String(metadata={"description": "The idea's title, for the withdrawal page."})


class CommentSubmission(Strict):
    body = Text(required=True, validate=validate.Length(min=2, max=COMMENT_MAX_LENGTH))
    parent_id = fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={"description": "Answers this comment; replies to replies are refused."},
    )
    author_name = Text(
        validate=validate.Length(min=1, max=80),
        load_default=None,
        allow_none=True,
        metadata={"description": "Optional display name, shown with the comment."},
    )


class CommentReceipt(Schema):
    id = fields.UUID()
    idea_id = fields.UUID()
    parent_id = fields.UUID(allow_none=True)
    status = fields.String(metadata={"description": "`submitted`: moderated before anyone sees it."})
    submitted_at = fields.AwareDateTime()


class Reply(Schema):
    id = fields.UUID()
    parent_id = fields.UUID(allow_none=True)
    body = fields.String()
    author_name = fields.String(allow_none=True)
    posted_at = fields.AwareDateTime()


class PublicComment(Reply):
    replies = fields.List(fields.Nested(Reply))


class CommentThreads(Schema):
    idea_id = fields.UUID()
    items = fields.List(fields.Nested(PublicComment), metadata={"description": "Oldest first, each with its replies."})
    total = fields.Integer(metadata={"description": "Visible comments, replies included."})
