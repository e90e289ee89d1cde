"""The ideas service's RPC contract: what a submission must look like and what the public sees."""
import re
import unicodedata

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

MAX_PER_PAGE = 100
# The languages mails are written in; the first is the city's and the default.
LOCALES = ("de", "en")
DEFAULT_LOCALE = LOCALES[0]


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


class Author(Strict):
    name = Text(validate=validate.Length(min=1, max=100), load_default=None, allow_none=True)
    email = fields.Email(validate=validate.Length(max=254), load_default=None, allow_none=True)


class IdeaSubmission(Strict):
    title = Text(required=True, validate=validate.Length(min=5, max=140))
    description = Text(required=True, validate=validate.Length(min=20, max=5000))
    category = fields.String(required=True)
    district = Text(validate=validate.Length(min=1, max=100), load_default=None, allow_none=True)
    author = fields.Nested(Author, load_default=None, allow_none=True)
    # The language of the mails about this idea; without it, the request's Accept-Language decides.
    locale = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(LOCALES))

    def __init__(self, categories: list[str], **kwargs):
        super().__init__(**kwargs)
        self.fields["category"].validators = [
            validate.OneOf(categories, error="Must be one of: {choices}.")
        ]


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


class Receipt(Schema):
    id = fields.UUID()
    status = fields.String()
    submitted_at = fields.AwareDateTime()


class IdeaListQuery(Strict):
    status = fields.String(load_default="published", validate=validate.OneOf(["published"]))
    category = Text(load_default=None, validate=validate.Length(max=100))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE))
