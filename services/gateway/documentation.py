"""How a route module describes its operations for the OpenAPI document (openapi.py assembles them).

Each route module has `OPERATIONS`, {(method, OpenAPI path): op(...)}, one per /api/v1 route it
serves, and `SCHEMAS` (and `CATEGORY_SCHEMAS`, built with the configured categories), the component
schemas its operations name. This module holds what they share: `op`, `ok`, the error answers and
the schemas and parameters more than one area uses.
"""

from marshmallow import Schema, fields, validate

from aufbruch.contracts.ideas import MAX_PAGE
from aufbruch.http import MAX_BODY_BYTES

CSV = "text/csv"
HTML = "text/html"

ERROR_RESPONSES = {  # status -> (component name, description, schema)
    400: ("BadRequest", "Malformed JSON or invalid UTF-8.", "Error"),
    401: ("Unauthorized", "No bearer token, or one nobody issued (or that was revoked).", "Error"),
    403: ("Forbidden", "The token's role does not allow this.", "Error"),
    404: ("NotFound", "No such resource.", "Error"),
    409: ("Conflict", "Conflicts with the resource's current state.", "Error"),
    413: ("PayloadTooLarge", f"The body exceeds {MAX_BODY_BYTES} bytes.", "Error"),
    415: ("UnsupportedMediaType", "Content-Type is not application/json.", "Error"),
    422: ("ValidationFailed", "Names every invalid or unknown field.", "ValidationErrors"),
    429: ("TooManyRequests", "Too many public writes from this client: retry after Retry-After seconds.", "Error"),
    503: (
        "Unavailable",
        "A service behind the gateway is unavailable, or the gateway holds more requests than"
        " it can answer soon: retry after Retry-After seconds.",
        "Error",
    ),
}
JSON_BODY_ERRORS = (400, 413, 415, 422)
AUTH_ERRORS = (401, 403)
PUBLIC_WRITE_ERRORS = JSON_BODY_ERRORS + (429,)  # rate limited per client (aufbruch/rate_limit.py)


def op(
    summary,
    tag,
    answers,
    *,
    body=None,
    body_required=True,
    errors=(),
    auth=False,
    query=None,
    headers=(),
    description=None,
    also_html=False,
):
    """One operation: `answers` maps a success status to (description, schema name, media type).
    `also_html`: a page opened from a mail, which answers browsers (every status) in HTML."""
    return {
        "summary": summary,
        "tag": tag,
        "answers": answers,
        "body": body,
        "body_required": body_required,
        "errors": tuple(errors),
        "auth": auth,
        "query": query,
        "headers": tuple(headers),
        "description": description,
        "also_html": also_html,
    }


def ok(description, schema=None, media="application/json", headers=None):
    return (description, schema, media, headers or {})


def header(name: str, description: str) -> dict:
    """An optional request header an operation reads."""
    return {"in": "header", "name": name, "required": False, "schema": {"type": "string"}, "description": description}


def page_of(item: type[Schema], name: str) -> type[Schema]:
    """The schema of one page of a list of `item`s."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item)),
            "page": fields.Integer(),
            "per_page": fields.Integer(),
            "total": fields.Integer(),
        },
        name=name,
    )


class Error(Schema):
    error = fields.String(required=True)


MESSAGES_OR_NESTED = [{"type": "array", "items": {"type": "string"}}, {"type": "object"}]


class ValidationErrors(Schema):
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(metadata={"oneOf": MESSAGES_OR_NESTED}),
        required=True,
        metadata={
            "description": "Every invalid or unknown field with its messages (a list of"
            " strings), or, for a nested object, its fields' messages."
        },
    )


class PageQuery(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))


SCHEMAS = {"Error": Error, "ValidationErrors": ValidationErrors}
# The endpoints behind the links in mails answer browsers with a page and programs with JSON.
MAIL_LINK_PAGE = (
    "Opened from a mail: a short German HTML page, unless the client prefers `application/json` (Accept), "
    "which gets the JSON below with the same status."
)
ACCEPT_LANGUAGE = header("Accept-Language", "The mails' language (de or en) when the body names no `locale`; else de.")
IDEMPOTENCY_KEY = header("Idempotency-Key", "A retry with the same key and content returns the same idea.")
RECEIPT_HEADERS = {"Location": "The idea's URL.", "Idempotent-Replayed": "true on a replayed retry."}
