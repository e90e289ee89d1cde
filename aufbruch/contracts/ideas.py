"""The ideas service's RPC contract: what a submission must look like and what the public sees."""

import re
import unicodedata

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate, validates_schema

MAX_PER_PAGE = 100
MAX_PAGE = 100_000  # beyond it an offset only costs the database; no list is that long
# The languages mails are written in; the first is the city's and the default.
LOCALES = ("de", "en")
DEFAULT_LOCALE = LOCALES[0]
# Participation processes: every idea belongs to one; an idea submitted without one goes to the
# standing process, which is always open and takes every category.
STANDING_PROCESS = "standing"
PROCESS_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{2,59}$"
PROCESS_STATES = ("upcoming", "open", "closed")
# The city's official answer to a published idea (services/ideas/answers.py: which may follow which).
OFFICIAL_STATUSES = ("under_evaluation", "accepted", "in_implementation", "implemented", "declined")
# The value of the ideas list's `official_status` filter for ideas the city has not answered yet.
NOT_ANSWERED = "none"


# NUL and other control characters cannot be stored or shown; lone surrogates cannot be encoded.
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class Text(fields.String):
    """Text a citizen typed: normalised to NFC, refused if it holds characters that cannot be stored."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if _UNSTORABLE.search(text):
            raise ValidationError("Contains control characters or invalid Unicode.")
        return unicodedata.normalize("NFC", text)


class Strict(Schema):
    class Meta:
        unknown = RAISE  # a misspelt field is an error the citizen should hear about, not silently lost

    @pre_load
    def strip_strings(self, data, **kwargs):
        if isinstance(data, dict):
            return {key: value.strip() if isinstance(value, str) else value for key, value in data.items()}
        return data


def chosen_locale(asked: str | None, accepted: str | None) -> str:
    """The language of the mails a public write causes: the `locale` it asked for, else the best match
    of its Accept-Language (`accepted`), else the city's."""
    return asked or accepted or DEFAULT_LOCALE


def mail_locale() -> fields.String:
    """The optional `locale` of a public write: the language of the mails it causes (and of their links)."""
    return fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(LOCALES),
        metadata={"description": "Language of the mails; else from Accept-Language, else de."},
    )


class Author(Strict):
    name = Text(validate=validate.Length(min=1, max=100), load_default=None, allow_none=True)
    email = fields.Email(validate=validate.Length(max=254), load_default=None, allow_none=True)


class IdeaSubmission(Strict):
    title = Text(required=True, validate=validate.Length(min=5, max=140))
    description = Text(required=True, validate=validate.Length(min=20, max=5000))
    category = fields.String(required=True)
    district = Text(validate=validate.Length(min=1, max=100), load_default=None, allow_none=True)
    author = fields.Nested(Author, load_default=None, allow_none=True)
    locale = mail_locale()
    # No load_default: a submission without it (the standing process) keeps the fingerprint it had
    # before processes existed, so an Idempotency-Key retry across the upgrade still matches.
    process_id = fields.String(
        allow_none=True,
        validate=validate.Length(max=60),
        metadata={"description": f"The participation process (GET /processes); absent or null: `{STANDING_PROCESS}`."},
    )

    def __init__(self, categories: list[str], **kwargs):
        super().__init__(**kwargs)
        self.fields["category"].validators = [validate.OneOf(categories, error="Must be one of: {choices}.")]


class PublicAnswer(Schema):
    """An answer as the public sees it: never who in the administration gave it."""

    id = fields.UUID()
    official_status = fields.String(validate=validate.OneOf(OFFICIAL_STATUSES))
    previous_status = fields.String(allow_none=True, validate=validate.OneOf(OFFICIAL_STATUSES))
    text = fields.String()
    answered_at = fields.AwareDateTime()


class PublicIdea(Schema):
    """Never holds the author: the public view of an idea carries no personal data."""

    id = fields.UUID()
    title = fields.String()
    description = fields.String()
    category = fields.String()
    district = fields.String(allow_none=True)
    status = fields.String()
    submitted_at = fields.AwareDateTime()
    published_at = fields.AwareDateTime(allow_none=True)
    rejection_reasons = fields.List(fields.String())
    process_id = fields.String()
    assisted = fields.Boolean(metadata={"description": "Submitted by city staff for a citizen at a service desk."})
    official_status = fields.String(
        allow_none=True,
        validate=validate.OneOf(OFFICIAL_STATUSES),
        metadata={"description": "The city's answer so far; null until it answers."},
    )
    answers = fields.List(
        fields.Nested(PublicAnswer),
        metadata={"description": "The city's answers, oldest first (only in the single view)."},
    )


class Receipt(Schema):
    id = fields.UUID()
    status = fields.String()
    submitted_at = fields.AwareDateTime()


def receipt_headers(receipt: dict, created: bool) -> dict:
    """The headers of a 202 for a submission: where the idea is, and whether this answer replays an
    earlier request with the same Idempotency-Key."""
    headers = {"Location": f"/api/v1/ideas/{receipt['id']}"}
    if not created:
        headers["Idempotent-Replayed"] = "true"
    return headers


class IdeaListQuery(Strict):
    status = fields.String(load_default="published", validate=validate.OneOf(["published"]))
    category = Text(load_default=None, validate=validate.Length(max=100))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE))
    # The filters below have no default: absent, they are absent from the loaded query too.
    district = Text(
        validate=validate.Length(min=1, max=100),
        metadata={"description": "Only ideas of this district (exact match)."},
    )
    process_id = fields.String(
        validate=validate.Regexp(PROCESS_ID_PATTERN, error="Must be a process id (see GET /api/v1/processes)."),
        metadata={"description": "Only ideas of this process."},
    )
    official_status = fields.String(
        validate=validate.OneOf((*OFFICIAL_STATUSES, NOT_ANSWERED), error="Must be one of: {choices}."),
        metadata={
            "description": f"Only ideas with this official status; `{NOT_ANSWERED}`: not answered by the city yet."
        },
    )


class AssistedSubmission(IdeaSubmission):
    """POST /api/v1/assisted-ideas: a citizen's idea that staff enter at a service desk."""

    consent = fields.Boolean(
        required=True,
        validate=validate.Equal(True, error="The citizen must consent to the submission on their behalf."),
    )


class NewAnswer(Strict):
    """POST /api/v1/ideas/{id}/answers: the city's official answer to a published idea."""

    status = fields.String(
        required=True, validate=validate.OneOf(OFFICIAL_STATUSES, error="Must be one of: {choices}.")
    )
    text = Text(required=True, validate=validate.Length(min=1, max=5000))


class AnswerList(Schema):
    items = fields.List(fields.Nested(PublicAnswer))


class ProcessChanges(Strict):
    """PATCH /api/v1/admin/processes/{id}: any of a process's fields (dates: city days, inclusive)."""

    title = Text(validate=validate.Length(min=5, max=140))
    description = Text(validate=validate.Length(min=1, max=5000))
    categories = fields.List(fields.String(), validate=validate.Length(min=1))
    opens_on = fields.Date(metadata={"description": "First city day on which it takes ideas."})
    closes_on = fields.Date(
        allow_none=True, metadata={"description": "Last city day on which it takes ideas; null: open-ended."}
    )

    def __init__(self, categories: list[str], **kwargs):
        super().__init__(**kwargs)
        listed = self.fields["categories"]
        assert isinstance(listed, fields.List)
        listed.inner.validators = [validate.OneOf(categories, error="Must be one of: {choices}.")]

    @validates_schema
    def closes_after_opening(self, data: dict, **kwargs):
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            raise ValidationError("Must not be before opens_on.", "closes_on")


class NewProcess(ProcessChanges):
    """POST /api/v1/admin/processes."""

    id = fields.String(
        required=True,
        validate=validate.Regexp(
            PROCESS_ID_PATTERN,
            error=("Must be 3 to 60 characters: lower-case letters, digits and '-', starting with a letter or digit."),
        ),
    )

    def __init__(self, categories: list[str], **kwargs):
        super().__init__(categories, **kwargs)
        for name in ("title", "description", "categories", "opens_on"):
            self.fields[name].required = True
        self.fields["closes_on"].load_default = None


class ProcessFigures(Schema):
    ideas_submitted = fields.Integer(metadata={"description": "Every idea submitted to it, whatever became of it."})
    ideas_published = fields.Integer(metadata={"description": "Its ideas that are public now."})


class PublicProcess(Schema):
    id = fields.String()
    title = fields.String()
    description = fields.String()
    categories = fields.List(fields.String())
    opens_on = fields.Date(allow_none=True)
    closes_on = fields.Date(allow_none=True)
    state = fields.String(validate=validate.OneOf(PROCESS_STATES))
    standing = fields.Boolean()
    figures = fields.Nested(ProcessFigures)


class ProcessList(Schema):
    items = fields.List(fields.Nested(PublicProcess))
