"""Unit tests of the Open311 GeoReport v2 mapping: exactly the spec's fields with the spec's types,
and the filters of requests.json (dates, status, service_code) with their 400 error objects."""

import json
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.ideas import domain, handlers, open311
from services.ideas.open311 import Open311Error

CATEGORIES = ["administration", "education", "mobility", "economy", "culture", "environment", "health", "other"]
NOW = datetime(2024, 5, 17, 12, 0, tzinfo=UTC)
CITY = ZoneInfo("Europe/Berlin")
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
IDEA = {
    "title": "Mehr Fahrradbügel am Bahnhof",
    "description": "Am Hauptbahnhof fehlen sichere Abstellplätze für Fahrräder.",
    "category": "mobility",
}
SPEC_SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}


def published_idea(district: str | None = "Innenstadt") -> domain.Idea:
    idea = domain.new_idea(
        {
            "title": "Mehr Fahrradbügel",
            "description": "Am Bahnhof fehlen Abstellplätze.",
            "category": "mobility",
            "district": district,
        },
        now=NOW - timedelta(hours=2),
    )
    domain.apply_decision(idea, "approve", [], NOW - timedelta(hours=1))
    return idea


def error_of(call) -> Open311Error:
    with pytest.raises(Open311Error) as raised:
        call()
    return raised.value


# --- services -----------------------------------------------------------------------------------


def test_every_category_is_a_service_with_exactly_the_specs_fields():
    services = open311.services(CATEGORIES)

    assert [service["service_code"] for service in services] == CATEGORIES
    for service in services:
        assert set(service) == SPEC_SERVICE_FIELDS
        assert service["metadata"] is False and service["type"] == "realtime" and service["group"] == "Ideen"
        assert all(
            isinstance(service[key], str) and service[key] for key in ("service_name", "description", "keywords")
        )
    assert [service["service_name"] for service in services] == [
        "Verwaltung",
        "Bildung",
        "Mobilität",
        "Wirtschaft",
        "Kultur",
        "Umwelt",
        "Gesundheit",
        "Sonstiges",
    ]


def test_a_configured_category_without_a_german_name_is_named_by_its_code():
    [service] = open311.services(["sport"])
    assert service["service_code"] == service["service_name"] == "sport"


# --- requests -----------------------------------------------------------------------------------


def test_a_published_idea_is_an_open_request_with_exactly_the_specs_fields():
    idea = published_idea()

    request = open311.service_request(idea)

    assert set(request) == SPEC_REQUEST_FIELDS
    assert request["service_request_id"] == str(idea.id)
    assert request["status"] == "open"
    assert (request["service_code"], request["service_name"]) == ("mobility", "Mobilität")
    assert "Mehr Fahrradbügel" in request["description"] and "Abstellplätze" in request["description"]
    assert request["requested_datetime"] == "2024-05-17T10:00:00+00:00"
    assert request["updated_datetime"] == "2024-05-17T11:00:00+00:00"
    assert request["address"] == "Innenstadt"
    for absent in (
        "status_notes",
        "agency_responsible",
        "service_notice",
        "expected_datetime",
        "address_id",
        "zipcode",
        "lat",
        "long",
        "media_url",
    ):
        assert request[absent] is None, absent
    for stamp in ("requested_datetime", "updated_datetime"):
        assert datetime.fromisoformat(request[stamp]).tzinfo is not None
    json.dumps(request)  # serialisable as it is


def test_an_idea_without_district_has_no_address():
    assert open311.service_request(published_idea(district=None))["address"] is None


def test_a_request_holds_no_personal_data_field():
    assert not {"author", "name", "email", "first_name", "last_name", "phone", "device_id", "account_id"} & set(
        open311.service_request(published_idea())
    )


# --- filters ------------------------------------------------------------------------------------


def test_without_dates_the_window_is_the_last_90_days():
    filters = open311.parse_filters({}, CATEGORIES, NOW)
    assert filters["start"] == NOW - timedelta(days=90) and filters["end"] is None
    assert filters["settled"] is None and filters["categories"] is None


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2024-05-01T08:30:00Z", datetime(2024, 5, 1, 8, 30, tzinfo=UTC)),
        ("2024-05-01T08:30:00-08:00", datetime(2024, 5, 1, 16, 30, tzinfo=UTC)),
        ("2024-05-01T08:30:00", datetime(2024, 5, 1, 8, 30, tzinfo=CITY)),
        ("2024-05-01", datetime(2024, 5, 1, tzinfo=CITY)),
    ],
)
def test_start_date_is_iso_8601_read_in_the_city_without_offset(value, expected):
    assert open311.parse_filters({"start_date": value}, CATEGORIES, NOW, CITY)["start"] == expected


def test_an_end_date_alone_names_its_whole_day_and_90_days_before():
    filters = open311.parse_filters({"end_date": "2024-05-10"}, CATEGORIES, NOW, UTC)
    assert filters["end"] == datetime(2024, 5, 10, 23, 59, 59, 999999, tzinfo=UTC)
    assert filters["start"] == filters["end"] - timedelta(days=90)


def test_both_dates_are_taken_as_given():
    filters = open311.parse_filters(
        {"start_date": "2024-01-01T00:00:00Z", "end_date": "2024-02-01T00:00:00Z"}, CATEGORIES, NOW
    )
    assert (filters["start"], filters["end"]) == (
        datetime(2024, 1, 1, tzinfo=UTC),
        datetime(2024, 2, 1, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    "name, value",
    [
        ("start_date", "yesterday"),
        ("start_date", "2024-13-01"),
        ("end_date", "17.05.2024"),
        ("end_date", "2024-05-17T25:00"),
    ],
)
def test_a_bad_date_is_a_400_naming_the_parameter(name, value):
    error = error_of(lambda: open311.parse_filters({name: value}, CATEGORIES, NOW))
    assert error.code == 400 and name in error.description
    assert error.body() == [{"code": 400, "description": error.description}]


def test_an_end_before_the_start_is_a_400():
    error = error_of(
        lambda: open311.parse_filters(
            {"start_date": "2024-05-02T00:00:00Z", "end_date": "2024-05-01T00:00:00Z"}, CATEGORIES, NOW
        )
    )
    assert error.code == 400 and "end_date" in error.description


@pytest.mark.parametrize(
    "value, settled",
    [
        ("open", False),
        ("closed", True),
        ("open,closed", None),
        (" closed , open ", None),
        ("open,open", False),
        ("", None),
    ],
)
def test_status_is_open_or_closed_comma_separated(value, settled):
    assert open311.parse_filters({"status": value}, CATEGORIES, NOW)["settled"] is settled


@pytest.mark.parametrize("value", ["published", "open,pending", "OPEN"])
def test_another_status_is_a_400_naming_status(value):
    error = error_of(lambda: open311.parse_filters({"status": value}, CATEGORIES, NOW))
    assert error.code == 400 and "status" in error.description


def test_service_code_is_a_comma_separated_list_of_categories():
    assert open311.parse_filters({"service_code": "mobility,culture"}, CATEGORIES, NOW)["categories"] == [
        "mobility",
        "culture",
    ]
    assert open311.parse_filters({"service_code": ""}, CATEGORIES, NOW)["categories"] is None


def test_an_unknown_service_code_is_a_400_naming_it():
    error = error_of(lambda: open311.parse_filters({"service_code": "mobility,weather"}, CATEGORIES, NOW))
    assert error.code == 400 and "service_code" in error.description and "weather" in error.description


def test_unknown_parameters_such_as_jurisdiction_id_are_ignored():
    assert open311.parse_filters({"jurisdiction_id": "guetersloh.de", "api_key": "x"}, CATEGORIES, NOW)


# --- answers ------------------------------------------------------------------------------------


def test_an_answer_is_json_in_utf_8_with_the_security_headers():
    response = open311.respond(lambda: open311.services(["mobility"]))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert json.loads(response.get_data())[0]["service_name"] == "Mobilität"


def test_an_error_is_answered_with_its_status_and_the_specs_error_list():
    def fail():
        raise Open311Error(404, "No service request with id x.")

    response = open311.respond(fail)
    assert response.status_code == 404
    assert json.loads(response.get_data()) == [{"code": 404, "description": "No service request with id x."}]


def test_an_id_that_is_no_uuid_is_not_found_without_asking_the_database():
    error = error_of(lambda: open311.request(uow=None, request_id="not-a-uuid"))
    assert error.code == 404 and error.body()[0]["code"] == 404


@pytest.mark.parametrize(
    "official_status, status, notes",
    [
        (None, "open", None),
        ("under_evaluation", "open", "wird geprüft"),
        ("accepted", "open", "angenommen"),
        ("in_implementation", "open", "in Umsetzung"),
        ("implemented", "closed", "umgesetzt"),
        ("declined", "closed", "abgelehnt"),
    ],
)
def test_the_official_status_makes_a_request_open_or_closed_and_is_its_status_notes(official_status, status, notes):
    idea = published_idea()
    idea.official_status = official_status

    request = open311.service_request(idea)

    assert (request["status"], request["status_notes"]) == (status, notes)


def test_requests_are_the_published_ideas_of_the_window_open_or_closed_as_asked(uow, settings):
    def published(category="mobility", answered=None):
        receipt, _ = handlers.submit(uow, settings, {**IDEA, "category": category}, None)
        idea = uow.repo.ideas[uuid.UUID(receipt["id"])]
        domain.apply_decision(idea, "approve", [], NOW)
        idea.official_status = answered
        return receipt["id"]

    unanswered, declined, culture = published(), published(answered="declined"), published("culture")
    handlers.submit(uow, settings, IDEA, None)  # not published
    now = datetime.now(UTC)

    def ids(**args):
        return {request["service_request_id"] for request in open311.requests(uow, args, CATEGORIES, now=now)}

    assert ids() == {unanswered, declined, culture}
    assert ids(status="open") == {unanswered, culture}
    assert ids(status="closed") == {declined}
    assert ids(service_code="culture") == {culture}
    assert ids(end_date=(now - timedelta(days=1)).isoformat()) == set()
