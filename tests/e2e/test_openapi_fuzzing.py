"""Hostile input, generated: schemathesis reads the gateway's own OpenAPI document and sends each
operation requests that fit it and requests that do not (wrong types, missing and extra fields, odd
strings). Every answer must be below 500 and match the document (status, content type, headers,
body schema). Staff operations are called with an admin's token, except registering webhooks, whose
generated URLs would make the platform call addresses out in the world.

Not checked: that every schema-valid request is accepted (schemathesis' `positive_data_acceptance`).
The API refuses with a documented `422` what JSON Schema cannot say: control characters and invalid
Unicode in texts, a rejection reason given for an approval, a time series of over 3,700 points.

Runs after test_idea_pipeline.py (module names sort so): the ideas it creates fall into categories
that test counts. One test per documented operation; `FUZZ_EXAMPLES` (default 20) sets the examples each. (Schemathesis'
own pytest loader, `from_fixture`, does not work with pytest 9, so hypothesis is driven directly.)
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings, strategies
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from services.gateway.openapi import OPERATIONS, openapi_path
from tests.support.staff import bearer

pytestmark = pytest.mark.e2e
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 20))
UNAUTHENTICATED = {("POST", "/api/v1/webhooks")}


@pytest.fixture(scope="module")
def gateway_api(platform):
    document = schemathesis.openapi.from_url(f"{platform.base_url}/openapi.json")
    document.config.update(base_url=platform.base_url.removesuffix("/api/v1"))
    document.config.generation.update(with_security_parameters=False)  # the admin's token is sent instead
    return document


SUBMISSIONS = {("POST", "/api/v1/ideas"), ("POST", "/api/v1/assisted-ideas")}  # both take ideas in


@pytest.mark.parametrize("method, path", sorted(OPERATIONS))
def test_no_generated_request_gets_a_5xx_or_an_answer_outside_the_document(platform, gateway_api, admin, method, path):
    operation = gateway_api[openapi_path(path)][method]
    headers = {} if (method, path) in UNAUTHENTICATED else bearer(admin.token)
    cases = strategies.one_of(
        operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
    )
    sent, validated = [], []

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    def answers_as_documented(case):
        sent.append(case)
        # Raises on a 5xx and on an answer the document does not describe (schemathesis' checks).
        response = case.call_and_validate(headers=headers, timeout=30, excluded_checks=[positive_data_acceptance])
        validated.append(response.status_code)
        if (method, path) in SUBMISSIONS and response.status_code == 202:
            platform.accepted.add(response.json()["id"])  # the ledger of later tests counts it

    answers_as_documented()

    assert sent and len(validated) == len(sent), f"{len(sent)} requests sent, {len(validated)} answers validated"
    assert max(validated) < 500
