"""The gateway's OpenAPI document (services/gateway/openapi.py): every /api/v1 entrypoint of GatewayService
is documented, the document is valid OpenAPI 3, and GET /api/v1/openapi.json serves it."""

import json
import re

import pytest
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
from nameko.testing.services import worker_factory
from nameko.web.handlers import HttpRequestHandler
from openapi_spec_validator import OpenAPIV30SpecValidator
from werkzeug.test import EnvironBuilder

from services.gateway.openapi import API, OPERATIONS, openapi_document, openapi_path
from services.gateway.service import GatewayService
from services.gateway.settings import GatewaySettings

CATEGORIES = ["mobility", "environment", "other"]
SECURED_PREFIXES = (
    f"{API}/moderation/",
    f"{API}/admin/",
    f"{API}/webhooks",
    f"{API}/reports/moderation.csv",
    f"{API}/assisted-ideas",
)
SECURED_ROUTES = {("POST", f"{API}/ideas/{{idea_id}}/answers"), ("GET", f"{API}/me")}


def served_routes() -> set[tuple[str, str]]:
    """(method, OpenAPI path) of every HTTP entrypoint of GatewayService, as Nameko sees them."""
    routes = set()
    for name in dir(GatewayService):
        for entrypoint in getattr(getattr(GatewayService, name), ENTRYPOINT_EXTENSIONS_ATTR, set()):
            if isinstance(entrypoint, HttpRequestHandler):
                routes.add((entrypoint.method.upper(), openapi_path(entrypoint.url)))
    return routes


API_ROUTES = sorted(route for route in served_routes() if route[1].startswith(f"{API}/"))


@pytest.fixture(scope="module")
def document():
    return openapi_document(CATEGORIES)


def resolve(document: dict, ref: str):
    assert ref.startswith("#/"), ref
    node = document
    for part in ref[2:].split("/"):
        assert part in node, f"dangling $ref {ref}"
        node = node[part]
    return node


def refs(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def test_converts_werkzeug_rules():
    assert openapi_path("/api/v1/ideas/<idea_id>") == "/api/v1/ideas/{idea_id}"
    assert openapi_path("/open311/v2/requests/<string:request_id>.json") == "/open311/v2/requests/{request_id}.json"


def test_introspection_finds_the_gateway_routes():
    assert ("POST", f"{API}/ideas") in API_ROUTES
    assert ("GET", f"{API}/openapi.json") in API_ROUTES
    assert len(API_ROUTES) >= 20


def test_every_api_route_has_a_documentation_entry():
    undocumented = [route for route in API_ROUTES if route not in OPERATIONS]
    assert not undocumented, f"add these to the OPERATIONS of their route module (*_api.py): {undocumented}"
    stale = sorted(set(OPERATIONS) - set(API_ROUTES))
    assert not stale, f"documented but not served: {stale}"


def test_is_openapi_3(document):
    assert re.fullmatch(r"3\.\d+\.\d+", document["openapi"])
    assert document["info"]["title"]


@pytest.mark.parametrize("method, path", API_ROUTES)
def test_every_route_appears_in_paths_with_its_method(document, method, path):
    operation = document["paths"][path][method.lower()]
    assert operation["responses"]
    for name in re.findall(r"{([^}]+)}", path):
        assert {"in": "path", "name": name} in [
            {"in": p["in"], "name": p["name"]} for p in operation.get("parameters", [])
        ]
    if path.startswith(SECURED_PREFIXES) or (method, path) in SECURED_ROUTES:
        assert operation["security"] == [{"bearerAuth": []}]
        assert {"401", "403"} <= set(operation["responses"])
    else:
        assert "security" not in operation


def test_idea_submission_requires_its_fields_and_lists_the_categories(document):
    body = document["paths"][f"{API}/ideas"]["post"]["requestBody"]
    assert body["required"] is True
    schema = resolve(document, body["content"]["application/json"]["schema"]["$ref"])
    assert set(schema["required"]) == {"title", "description", "category"}
    assert schema["properties"]["category"]["enum"] == CATEGORIES
    assert schema["properties"]["title"]["minLength"] == 5
    responses = document["paths"][f"{API}/ideas"]["post"]["responses"]
    assert {"202", "400", "409", "413", "415", "422", "503"} <= set(responses)


def test_error_schemas(document):
    schemas = document["components"]["schemas"]
    assert schemas["Error"]["properties"]["error"]["type"] == "string"
    errors = schemas["ValidationErrors"]["properties"]["errors"]
    assert errors["additionalProperties"] == {
        "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}]
    }  # nested: author.email
    unprocessable = resolve(document, document["paths"][f"{API}/ideas"]["post"]["responses"]["422"]["$ref"])
    assert unprocessable["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ValidationErrors"}
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token issued by an admin.",
    }


def test_query_parameters(document):
    def names(path):
        return {p["name"]: p for p in document["paths"][path]["get"]["parameters"] if p["in"] == "query"}

    ideas = names(f"{API}/ideas")
    assert {"category", "page", "per_page", "district", "process_id", "official_status"} <= set(ideas)
    assert ideas["official_status"]["schema"]["enum"][-1] == "none"
    assert set(names(f"{API}/reports/summary")) == {"from", "to"}
    timeseries = names(f"{API}/reports/timeseries")
    assert timeseries["metric"]["required"] is True and timeseries["from"]["schema"]["format"] == "date"
    assert set(names(f"{API}/moderation/queue")) == {"page"}
    assert set(names(f"{API}/webhooks/{{subscription_id}}/deliveries")) == {"page"}


@pytest.mark.parametrize(
    "method, path",
    [("GET", f"{API}/subscriptions/confirm"), ("GET", f"{API}/unsubscribe"), ("POST", f"{API}/unsubscribe")],
)
def test_mailed_links_answer_json_or_html_with_the_same_statuses(document, method, path):
    responses = document["paths"][path][method.lower()]["responses"]
    for status in ("200", "400"):
        assert set(responses[status]["content"]) == {"application/json", "text/html"}


def test_every_ref_resolves(document):
    targets = {ref: resolve(document, ref) for ref in refs(document)}

    assert len(targets) > 10  # the schemas and answers the operations share
    assert all(isinstance(target, dict) and target for target in targets.values()), targets


def test_validates_as_openapi_3_0(document):
    assert document["openapi"].startswith("3.0.")
    assert [error.message for error in OpenAPIV30SpecValidator(document).iter_errors()] == []


def test_is_json_serialisable_and_deterministic(document):
    assert json.dumps(document) == json.dumps(openapi_document(CATEGORIES))


def test_entrypoint_serves_the_document():
    settings = GatewaySettings.from_config({"AMQP_URI": "amqp://", "IDEA_CATEGORIES": ",".join(CATEGORIES)})
    gateway = worker_factory(GatewayService, settings=settings)
    response = gateway.openapi_json(EnvironBuilder(method="GET", path=f"{API}/openapi.json").get_request())
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    served = json.loads(response.get_data())
    assert served == json.loads(json.dumps(openapi_document(CATEGORIES)))
