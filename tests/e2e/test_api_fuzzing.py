"""Hostile input, generated: schemathesis reads the gateway's own OpenAPI document and sends every
operation requests that fit it and requests that do not (wrong types, missing and extra fields, odd
strings). Every answer must be below 500 and match the document (status, content type, headers,
body schema). Staff operations are called with an admin's token, except registering webhooks, whose
generated URLs would make the platform call addresses out in the world.

`FUZZ_EXAMPLES` (default 20) sets the examples per operation and mode.
"""
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode

from tests.support.staff import bearer

pytestmark = pytest.mark.e2e
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 20))
UNAUTHENTICATED = {("POST", "/api/v1/webhooks")}


@pytest.fixture
def gateway_api(platform):
    document = schemathesis.openapi.from_url(f"{platform.base_url}/openapi.json")
    document.config.update(base_url=platform.base_url.removesuffix("/api/v1"))
    document.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
    return document


api = schemathesis.pytest.from_fixture("gateway_api")


@api.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_generated_request_gets_a_5xx_or_an_answer_outside_the_document(case, admin):
    token = None if (case.method.upper(), case.path) in UNAUTHENTICATED else admin.token
    case.call_and_validate(headers=bearer(token), timeout=30)
