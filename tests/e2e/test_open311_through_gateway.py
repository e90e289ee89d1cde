"""End to end, through the gateway: the Open311 GeoReport v2 view of the published ideas."""

import pytest
import requests

from tests.support.ideas import distinct_idea

pytestmark = pytest.mark.e2e

AUTHOR = {"name": "Open Dreielf", "email": "open311-e2e@example.org"}


def open311(platform, path: str, **params) -> requests.Response:
    root = platform.base_url.removesuffix("/api/v1")
    return requests.get(f"{root}/open311/v2/{path}", params=params, timeout=15)


def test_a_published_idea_is_an_open311_request_through_the_gateway(platform):
    response = platform.submit(distinct_idea("culture", district="Avenwedde", author=AUTHOR))
    assert response.status_code == 202, response.text
    idea_id = response.json()["id"]
    assert platform.wait_for_status(idea_id)["status"] == "published"

    services = open311(platform, "services.json")
    assert services.status_code == 200
    assert services.headers["Content-Type"] == "application/json; charset=utf-8"
    assert {"service_code": "culture", "service_name": "Kultur"}.items() <= next(
        s for s in services.json() if s["service_code"] == "culture"
    ).items()

    listed = open311(platform, "requests.json", service_code="culture", status="open")
    assert listed.status_code == 200 and listed.headers["X-Content-Type-Options"] == "nosniff"
    [request] = [r for r in listed.json() if r["service_request_id"] == idea_id]
    assert (request["status"], request["service_name"], request["address"]) == ("open", "Kultur", "Avenwedde")
    assert request["lat"] is None and request["long"] is None

    single = open311(platform, f"requests/{idea_id}.json")
    assert single.status_code == 200 and single.json() == [request]
    for answer in (listed, single):
        assert AUTHOR["email"] not in answer.text and AUTHOR["name"] not in answer.text
    assert idea_id not in [
        r["service_request_id"] for r in open311(platform, "requests.json", service_code="mobility").json()
    ]


def test_open311_errors_pass_the_gateway_as_the_specs_error_lists(platform):
    missing = open311(platform, "requests/00000000-0000-0000-0000-000000000000.json")
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404

    bad = open311(platform, "requests.json", start_date="nicht-ein-datum")
    assert bad.status_code == 400
    [error] = bad.json()
    assert error["code"] == 400 and "start_date" in error["description"]
