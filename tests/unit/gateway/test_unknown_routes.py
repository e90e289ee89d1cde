"""Requests no entrypoint of the gateway takes get JSON 404 or 405 (with Allow) and the security headers."""

import json

import pytest
from nameko.testing.services import worker_factory
from werkzeug.test import EnvironBuilder

from aufbruch.http import SECURITY_HEADERS
from services.gateway.service import GatewayService
from services.gateway.unknown_routes import allowed_methods


@pytest.mark.parametrize(
    "path, methods",
    [
        ("/api/v1/ideas", ["GET", "HEAD", "POST"]),
        ("/api/v1/ideas/3f2b8f8e-4c1e-4e57-9d4f-0b7d1c7a5e01/flags", ["POST"]),
        ("/api/v1/nothing-here", []),
        ("/", []),
    ],
)
def test_the_methods_served_at_a_path_come_from_the_entrypoints(path, methods):
    assert allowed_methods(GatewayService, path) == methods


@pytest.mark.parametrize(
    "method, path, status",
    [
        ("DELETE", "/api/v1/ideas", 405),
        ("GET", "/api/v1/nothing-here", 404),
        ("POST", "/", 404),
    ],
)
def test_unknown_routes_get_a_json_answer_with_the_security_headers(method, path, status):
    gateway = worker_factory(GatewayService)
    response = gateway.unknown_route(EnvironBuilder(method=method, path=path).get_request())
    assert response.status_code == status
    assert json.loads(response.get_data())["error"]
    assert all(response.headers[name] == value for name, value in SECURITY_HEADERS.items())
    if status == 405:
        assert response.headers["Allow"] == "GET, HEAD, POST"
