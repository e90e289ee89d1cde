"""The gateway's OpenAPI 3 document, generated from the marshmallow schemas of aufbruch/contracts.

Each route module describes the operations it serves (its OPERATIONS and SCHEMAS, see documentation.py);
this module puts them together. `openapi_document(categories)` is pure: it needs only the configured idea
categories (the enum of IdeaSubmission's `category`). A unit test fails when an /api/v1 entrypoint has no
operation here (tests/unit/gateway/test_openapi.py).
"""

import re
from functools import lru_cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from werkzeug.wrappers import Response

from aufbruch.contracts.ideas import PROCESS_ID_PATTERN
from aufbruch.http import json_response
from services.gateway import (
    admin_api,
    city_api,
    documentation,
    health,
    ideas_api,
    moderation_api,
    participation_api,
    reports_api,
    subscriptions_api,
    webhooks_api,
)
from services.gateway.documentation import ERROR_RESPONSES, HTML, ok, op
from services.gateway.http_helpers import API

OPENAPI_VERSION = "3.0.3"
DOCUMENT_VERSION = "1"
DESCRIBED = (
    documentation,
    ideas_api,
    city_api,
    moderation_api,
    participation_api,
    subscriptions_api,
    admin_api,
    webhooks_api,
    reports_api,
    health,
)
# Path parameters that are not UUIDs.
TEXT_PATH_PARAMETERS = {"process_id": {"type": "string", "pattern": PROCESS_ID_PATTERN}}


def _merged(name: str) -> dict:
    """The modules' `name` tables in one; a component two modules name must be the same schema."""
    merged: dict = {}
    for module in DESCRIBED:
        for key, value in getattr(module, name, {}).items():
            if merged.setdefault(key, value) is not value:
                raise ValueError(f"{key} is described twice, differently ({module.__name__})")
    return merged


# (method, OpenAPI path) -> operation; every /api/v1 entrypoint of GatewayService needs one.
OPERATIONS = _merged("OPERATIONS") | {
    ("GET", f"{API}/openapi.json"): op("This document", "operations", {200: ok("The OpenAPI document.", None)})
}
SCHEMAS = _merged("SCHEMAS")
CATEGORY_SCHEMAS = _merged("CATEGORY_SCHEMAS")


def openapi_json(categories: tuple[str, ...]) -> Response:
    return json_response(200, _cached_document(categories))


def openapi_path(werkzeug_rule: str) -> str:
    """`/ideas/<idea_id>` (or `<string:idea_id>`) as OpenAPI writes it: `/ideas/{idea_id}`."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", werkzeug_rule)


def ref(name: str) -> dict:
    """A reference to a registered component schema (apispec would read a bare name as a marshmallow
    class name and instantiate it, which IdeaSubmission cannot be without its categories)."""
    return {"$ref": f"#/components/schemas/{name}"}


def _content(schema, media, also_html=False):
    if schema is None:
        content = {media: {"schema": {"type": "object"} if media == "application/json" else {"type": "string"}}}
    else:
        content = {media: {"schema": ref(schema)}}
    if also_html:
        content[HTML] = {"schema": {"type": "string"}}
    return content


def _operation(path: str, spec: dict) -> dict:
    operation = {"summary": spec["summary"], "tags": [spec["tag"]], "responses": {}}
    if spec["description"]:
        operation["description"] = spec["description"]
    parameters = [
        {
            "in": "path",
            "name": name,
            "required": True,
            "schema": TEXT_PATH_PARAMETERS.get(name, {"type": "string", "format": "uuid"}),
        }
        for name in re.findall(r"{([^}]+)}", path)
    ]
    if spec["query"] is not None:
        parameters.append({"in": "query", "schema": spec["query"]})
    parameters.extend(spec["headers"])
    if parameters:
        operation["parameters"] = parameters
    if spec["body"]:
        operation["requestBody"] = {
            "required": spec["body_required"],
            "content": {"application/json": {"schema": ref(spec["body"])}},
        }
    for status, (description, schema, media, headers) in spec["answers"].items():
        answer = {"description": description}
        if schema is not None or status != 204:
            answer["content"] = _content(schema, media, spec["also_html"])
        if headers:
            answer["headers"] = {
                name: {"description": text, "schema": {"type": "string"}} for name, text in headers.items()
            }
        operation["responses"][str(status)] = answer
    # Any operation may be turned away with 503 when the gateway is overloaded (aufbruch/http.py).
    errors = [status for status in dict.fromkeys(spec["errors"] + (503,)) if status not in spec["answers"]]
    for status in errors:
        name, description, schema = ERROR_RESPONSES[status]
        operation["responses"][str(status)] = (
            {"description": description, "content": _content(schema, "application/json", also_html=True)}
            if spec["also_html"]
            else {"$ref": f"#/components/responses/{name}"}
        )
    if spec["auth"]:
        operation["security"] = [{"bearerAuth": []}]
    return operation


def openapi_document(categories: list[str]) -> dict:
    """The gateway's OpenAPI document; `categories` are the configured idea categories."""
    spec = APISpec(
        title="Aufbruch API",
        version=DOCUMENT_VERSION,
        openapi_version=OPENAPI_VERSION,
        plugins=[MarshmallowPlugin()],
        info={"description": "The public HTTP API of the Aufbruch citizens' ideas platform."},
    )
    spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "An API token issued by an admin."}
    )
    for name, category_schema in CATEGORY_SCHEMAS.items():
        spec.components.schema(name, schema=category_schema(list(categories)))
    for name, schema in SCHEMAS.items():
        if isinstance(schema, dict):
            spec.components.schema(name, schema)
        else:
            spec.components.schema(name, schema=schema)
    for status, (name, description, schema) in ERROR_RESPONSES.items():
        headers = {"Retry-After": {"schema": {"type": "integer"}}} if status in (429, 503) else {}
        headers |= {"WWW-Authenticate": {"schema": {"type": "string"}}} if status == 401 else {}
        response = {"description": description, "content": {"application/json": {"schema": ref(schema)}}}
        spec.components.response(name, response | ({"headers": headers} if headers else {}))
    by_path: dict[str, dict] = {}
    for (method, path), operation in OPERATIONS.items():
        by_path.setdefault(path, {})[method.lower()] = _operation(path, operation)
    for path, operations in by_path.items():
        spec.path(path=path, operations=operations)
    return _empty_query_values_count_as_absent(spec.to_dict())


def _empty_query_values_count_as_absent(document: dict) -> dict:
    """The reports API reads `?from=&to=` as no period at all (reports_api.query_arguments)."""
    for path, operations in document["paths"].items():
        for operation in operations.values() if path.startswith(f"{API}/reports/") else ():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
    return document


@lru_cache(maxsize=8)
def _cached_document(categories: tuple[str, ...]) -> dict:
    return openapi_document(list(categories))
