"""The ideas API: submitting ideas and reading the published ones, forwarded over HTTP to the ideas
service (ideas_client.py), and the idea categories that forms and filters offer."""

from marshmallow import Schema, fields
from werkzeug.wrappers import Request, Response

from aufbruch.contracts.ideas import (
    LOCALES,
    IdeaListQuery,
    IdeaSubmission,
    PublicAnswer,
    PublicIdea,
    Receipt,
)
from aufbruch.http import json_response, parse_json, read_body
from aufbruch.labels import category_label
from services.gateway.documentation import IDEMPOTENCY_KEY, PUBLIC_WRITE_ERRORS, RECEIPT_HEADERS, ok, op, page_of
from services.gateway.http_helpers import API
from services.gateway.ideas_client import Ideas


def submit_idea(ideas: Ideas, request: Request) -> Response:
    body = read_body(request)
    parse_json(body)  # refuse what is not JSON here, at the edge, before it travels on
    return ideas.forward(request, body=body)


def list_categories(categories: tuple[str, ...]) -> Response:
    items = [
        {"id": code, "labels": {locale: category_label(locale, code) for locale in LOCALES}} for code in categories
    ]
    return json_response(200, {"items": items})


# --- the OpenAPI description --------------------------------------------------------------------


CategoryLabels = Schema.from_dict({locale: fields.String() for locale in LOCALES}, name="CategoryLabels")


class Category(Schema):
    id = fields.String()
    labels = fields.Nested(CategoryLabels, metadata={"description": "The category's name in each language."})


class CategoryList(Schema):
    items = fields.List(fields.Nested(Category))


SCHEMAS = {
    "PublicAnswer": PublicAnswer,
    "PublicIdea": PublicIdea,
    "Receipt": Receipt,
    "IdeaPage": page_of(PublicIdea, "IdeaPage"),
    "CategoryList": CategoryList,
}
CATEGORY_SCHEMAS = {"IdeaSubmission": IdeaSubmission}
OPERATIONS = {
    ("POST", f"{API}/ideas"): op(
        "Submit an idea",
        "ideas",
        {202: ok("Taken in; moderated before it is published.", "Receipt", headers=RECEIPT_HEADERS)},
        body="IdeaSubmission",
        errors=PUBLIC_WRITE_ERRORS + (409,),
        headers=(IDEMPOTENCY_KEY,),
    ),
    ("GET", f"{API}/ideas"): op(
        "Published ideas, newest first",
        "ideas",
        {200: ok("One page of published ideas.", "IdeaPage")},
        query=IdeaListQuery,
        errors=(422,),
    ),
    ("GET", f"{API}/ideas/{{idea_id}}"): op(
        "One idea's public view", "ideas", {200: ok("The idea (no personal data).", "PublicIdea")}, errors=(404,)
    ),
    ("GET", f"{API}/categories"): op(
        "The idea categories, in order, with their names",
        "ideas",
        {200: ok("The configured categories, each named in every language of the platform.", "CategoryList")},
    ),
}
