"""The ideas service's Open311 GeoReport v2 view against a real database, through its own HTTP
server: the services, only published ideas as requests, the filters, the errors, no personal data."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import requests

from aufbruch.config import categories
from aufbruch.contracts.events import new_event
from aufbruch.http import SECURITY_HEADERS
from services.ideas.service import IdeasService
from tests.integration.test_ideas_service import AUTHOR, IDEA, Ideas
from tests.support.infrastructure import free_port

STAFF = {"user_id": "7d3c2f4e-5b6a-4f8e-9a1b-2c3d4e5f6a7b", "username": "lena.sachbearbeitung", "role": "staff"}

SPEC_REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


class Open311(Ideas):
    def __init__(self, container, root: str):
        super().__init__(container, f"{root}/api/v1")
        self.root = f"{root}/open311/v2"

    def get311(self, path: str, **params) -> requests.Response:
        return requests.get(f"{self.root}/{path}", params=params, timeout=10)

    def requests(self, **params) -> list[dict]:
        response = self.get311("requests.json", **params)
        assert response.status_code == 200, response.text
        return response.json()

    def ids(self, **params) -> list[str]:
        return [request["service_request_id"] for request in self.requests(**params)]

    def published_idea(self, **changes) -> str:
        idea_id = self.submitted(**changes)
        self.decide(idea_id, "approve")
        return idea_id

    def answer(self, idea_id: str, status: str) -> None:
        self.call("answer", idea_id, {"status": status, "text": "Die Verwaltung hat entschieden."}, STAFF)


@pytest.fixture
def ideas(container_factory, config):
    port = free_port()
    container = container_factory(IdeasService, config | {"WEB_SERVER_ADDRESS": f"127.0.0.1:{port}"})
    container.start()
    return Open311(container, f"http://127.0.0.1:{port}")


def submitted_days_ago(database, idea_id: str, days: int) -> None:
    database.query(
        "update ideas.ideas set submitted_at = now() - make_interval(days => %s) where id = %s returning id",
        (days, idea_id),
    )


def test_services_lists_every_configured_category(ideas, config):
    response = ideas.get311("services.json")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert all(response.headers[name] == value for name, value in SECURITY_HEADERS.items())
    services = response.json()
    assert [service["service_code"] for service in services] == categories(config)
    assert {service["service_name"] for service in services} >= {"Mobilität", "Verwaltung", "Sonstiges"}
    assert all(service["metadata"] is False and service["type"] == "realtime" for service in services)


def test_requests_are_only_the_published_ideas_newest_first_with_the_specs_fields(ideas):
    older = ideas.published_idea(author=AUTHOR)
    newer = ideas.published_idea(category="culture", district=None)
    ideas.submitted()  # still submitted
    in_review = ideas.submitted()
    ideas.decide(in_review, "review")
    rejected = ideas.submitted()
    ideas.decide(rejected, "reject", ["spam"])
    hidden = ideas.published_idea()
    ideas.call(
        "on_idea_hidden",
        [
            new_event(
                "idea.hidden",
                {
                    "idea_id": hidden,
                    "reason": "flags",
                    "actor_kind": "automatic",
                    "hidden_at": datetime.now(UTC),
                },
            )
        ],
    )
    assert ideas.get(hidden).json()["status"] == "hidden"

    response = ideas.get311("requests.json")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    found = response.json()
    assert [request["service_request_id"] for request in found] == [newer, older]
    for request in found:
        assert set(request) == SPEC_REQUEST_FIELDS
        assert request["status"] == "open" and request["lat"] is None and request["long"] is None
    first = found[1]
    assert (first["service_code"], first["service_name"], first["address"]) == ("mobility", "Mobilität", "Innenstadt")
    assert IDEA["title"] in first["description"] and IDEA["description"] in first["description"]
    assert found[0]["address"] is None
    raw = response.text
    assert AUTHOR["email"] not in raw and AUTHOR["name"] not in raw and "@" not in raw


def test_requests_filter_by_service_code_and_status(ideas):
    mobility = ideas.published_idea()
    culture = ideas.published_idea(category="culture")
    health = ideas.published_idea(category="health")

    assert ideas.ids(service_code="mobility") == [mobility]
    assert set(ideas.ids(service_code="culture,health")) == {culture, health}
    assert set(ideas.ids(status="open")) == {mobility, culture, health}
    assert ideas.ids(status="closed") == []
    assert set(ideas.ids(status="open,closed", service_code="mobility,health")) == {mobility, health}


def test_a_request_is_closed_once_the_city_settled_the_idea_and_its_notes_name_the_official_status(ideas):
    unanswered, evaluated, declined, implemented = (ideas.published_idea() for _ in range(4))
    ideas.answer(evaluated, "under_evaluation")
    ideas.answer(declined, "declined")
    ideas.answer(implemented, "accepted")
    ideas.answer(implemented, "implemented")

    found = {request["service_request_id"]: request for request in ideas.requests()}

    assert {idea: (found[idea]["status"], found[idea]["status_notes"]) for idea in found} == {
        unanswered: ("open", None),
        evaluated: ("open", "wird geprüft"),
        declined: ("closed", "abgelehnt"),
        implemented: ("closed", "umgesetzt"),
    }
    assert set(ideas.ids(status="open")) == {unanswered, evaluated}
    assert set(ideas.ids(status="closed")) == {declined, implemented}
    assert ideas.get311(f"requests/{declined}.json").json()[0]["status"] == "closed"


def test_requests_filter_by_start_and_end_date_and_default_to_the_last_90_days(ideas, database):
    today = ideas.published_idea()
    ten_days = ideas.published_idea()
    submitted_days_ago(database, ten_days, 10)
    long_ago = ideas.published_idea()
    submitted_days_ago(database, long_ago, 120)
    now = datetime.now(UTC)

    assert ideas.ids() == [today, ten_days]
    assert ideas.ids(start_date=(now - timedelta(days=5)).isoformat()) == [today]
    assert ideas.ids(
        start_date=(now - timedelta(days=200)).isoformat(), end_date=(now - timedelta(days=5)).isoformat()
    ) == [ten_days, long_ago]
    assert ideas.ids(end_date=(now - timedelta(days=100)).isoformat()) == [long_ago]
    assert ideas.ids(start_date=(now - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")) == [today, ten_days]


@pytest.mark.parametrize(
    "params, named",
    [
        ({"start_date": "gestern"}, "start_date"),
        ({"end_date": "2024-02-30"}, "end_date"),
        ({"status": "published"}, "status"),
        ({"service_code": "weather"}, "service_code"),
    ],
)
def test_a_bad_filter_is_a_400_error_list_naming_the_parameter(ideas, params, named):
    response = ideas.get311("requests.json", **params)

    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    [error] = response.json()
    assert error["code"] == 400 and named in error["description"]


def test_one_request_by_id_and_404_for_unknown_or_unpublished_ones(ideas):
    published = ideas.published_idea(author=AUTHOR)
    unpublished = ideas.submitted()

    response = ideas.get311(f"requests/{published}.json")
    assert response.status_code == 200
    [request] = response.json()
    assert request["service_request_id"] == published and set(request) == SPEC_REQUEST_FIELDS
    assert AUTHOR["email"] not in response.text and AUTHOR["name"] not in response.text

    for unknown in (unpublished, "00000000-0000-0000-0000-000000000000", "not-an-id"):
        missing = ideas.get311(f"requests/{unknown}.json")
        assert missing.status_code == 404
        [error] = missing.json()
        assert error["code"] == 404 and error["description"]
    assert json.loads(missing.text)
