"""The ideas service's RPC contract: what a submission must look like and what the public sees."""
from marshmallow import RAISE, Schema, fields, pre_load, validate

STATUSES = ("submitted", "in_review", "published", "rejected")
MAX_PER_PAGE = 100


class Strict(Schema):
    class Meta:
        unknown = RAISE  # a misspelt field is an error the citizen should hear about, not silently lost

    @pre_load
    def strip_strings(self, data, **kwargs):
        if isinstance(data, dict):
            return {key: value.strip() if isinstance(value, str) else value for key, value in data.items()}
        return data


class Author(Strict):
    name = fields.String(validate=validate.Length(min=1, max=100), load_default=None, allow_none=True)
    email = fields.Email(validate=validate.Length(max=254), load_default=None, allow_none=True)


class IdeaSubmission(Strict):
    title = fields.String(required=True, validate=validate.Length(min=5, max=140))
    description = fields.String(required=True, validate=validate.Length(min=20, max=5000))
    category = fields.String(required=True)
    district = fields.String(validate=validate.Length(min=1, max=100), load_default=None, allow_none=True)
    author = fields.Nested(Author, load_default=None, allow_none=True)

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
    category = fields.String(load_default=None)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE))
