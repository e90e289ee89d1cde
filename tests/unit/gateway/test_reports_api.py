"""Unit tests of the gateway's reports API (services/gateway/reports_api.py), with reporting and the
Authenticator replaced by mocks (worker_factory)."""

import csv
import io
import json

import pytest
from nameko.exceptions import deserialize, serialize
from nameko.testing.services import worker_factory
from werkzeug.test import EnvironBuilder

from aufbruch.contracts.errors import InvalidInput
from aufbruch.http import Forbidden, Unauthorized
from services.gateway.service import GatewayService

ROW = {
    "id": "3f2b8f8e-4c1e-4e57-9d4f-0b7d1c7a5e01",
    "title": "=1+1 Bänke",
    "description": 'Am Weg,\n"bitte"',
    "category": "environment",
    "district": None,
    "published_at": "2024-05-01T10:00:00+00:00",
}


@pytest.fixture
def gateway():
    return worker_factory(GatewayService)


def get(path, query_string=None, headers=None):
    return EnvironBuilder(method="GET", path=path, query_string=query_string, headers=headers or {}).get_request()


def body_of(response):
    assert response.mimetype == "application/json"
    return json.loads(response.get_data())


def over_rpc(exc: Exception) -> Exception:
    return deserialize(serialize(exc))


def test_summary_passes_the_period_as_reporting_names_it(gateway):
    gateway.reporting.summary.return_value = {"total": 1}

    response = gateway.report_summary(get("/api/v1/reports/summary", {"from": "2024-05-01", "to": "2024-05-31"}))

    assert response.status_code == 200 and body_of(response) == {"total": 1}
    gateway.reporting.summary.assert_called_once_with(from_date="2024-05-01", to_date="2024-05-31")


def test_summary_takes_empty_parameters_as_absent(gateway):
    gateway.reporting.summary.return_value = {}
    gateway.report_summary(get("/api/v1/reports/summary", {"from": "", "to": "2024-05-31"}))
    gateway.reporting.summary.assert_called_once_with(to_date="2024-05-31")


def test_an_unknown_parameter_is_refused_before_reporting_is_asked(gateway):
    response = gateway.report_summary(get("/api/v1/reports/summary", {"form": "2024-05-01"}))

    assert response.status_code == 422 and body_of(response) == {"errors": {"form": ["Unknown parameter."]}}
    gateway.reporting.summary.assert_not_called()


def test_reportings_refusal_names_the_http_parameters(gateway):
    gateway.reporting.summary.side_effect = over_rpc(
        InvalidInput({"from_date": ["Not a valid date."], "to_date": ["Not a valid date."]})
    )

    response = gateway.report_summary(get("/api/v1/reports/summary", {"from": "gestern", "to": "morgen"}))

    assert response.status_code == 422
    assert body_of(response) == {"errors": {"from": ["Not a valid date."], "to": ["Not a valid date."]}}


def test_timeseries_passes_metric_interval_and_period(gateway):
    gateway.reporting.timeseries.return_value = {"metric": "publications", "interval": "week", "points": []}

    response = gateway.report_timeseries(
        get("/api/v1/reports/timeseries", {"metric": "publications", "interval": "week", "from": "2024-05-01"})
    )

    assert response.status_code == 200 and body_of(response)["interval"] == "week"
    gateway.reporting.timeseries.assert_called_once_with(metric="publications", interval="week", from_date="2024-05-01")


def test_timeseries_without_a_metric_lets_reporting_name_it(gateway):
    gateway.reporting.timeseries.side_effect = over_rpc(InvalidInput({"metric": ["Missing data for required field."]}))

    response = gateway.report_timeseries(get("/api/v1/reports/timeseries"))

    assert response.status_code == 422 and set(body_of(response)["errors"]) == {"metric"}
    gateway.reporting.timeseries.assert_called_once_with(metric=None)


def test_ideas_csv_is_an_attachment_with_the_documented_columns_and_its_licence(gateway):
    gateway.reporting.published_ideas.return_value = [ROW | {"author_key": "never exported"}]

    response = gateway.report_ideas_csv(get("/api/v1/reports/ideas.csv"))

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="ideas.csv"'
    assert response.headers["X-License"] == "dl-de/zero-2-0"
    assert response.headers["Link"] == '<https://www.govdata.de/dl-de/zero-2-0>; rel="license"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True), newline="")))
    assert rows == [
        ["id", "title", "description", "category", "district", "published_at"],
        [ROW["id"], "'=1+1 Bänke", ROW["description"], "environment", "", ROW["published_at"]],
    ]


def test_ideas_json_holds_the_same_columns_and_names_the_licence(gateway):
    gateway.reporting.published_ideas.return_value = [ROW | {"author_key": "never exported"}]

    response = gateway.report_ideas_json(get("/api/v1/reports/ideas.json"))

    assert response.status_code == 200 and response.headers["X-License"] == "dl-de/zero-2-0"
    body = body_of(response)
    assert body["license"]["id"] == "dl-de/zero-2-0"
    assert body["license"]["name"] == "Datenlizenz Deutschland – Zero – Version 2.0"
    assert body["columns"] == list(ROW) and body["items"] == [ROW]


@pytest.mark.parametrize("refusal, status", [(Unauthorized("no token"), 401), (Forbidden("admins only"), 403)])
def test_moderation_csv_is_for_admins_only(gateway, refusal, status):
    gateway.auth.require.side_effect = refusal

    response = gateway.report_moderation_csv(get("/api/v1/reports/moderation.csv"))

    assert response.status_code == status
    gateway.reporting.moderation_rows.assert_not_called()


def test_moderation_csv_for_an_admin(gateway):
    req = get("/api/v1/reports/moderation.csv", headers={"Authorization": "Bearer aufb_x"})
    gateway.reporting.moderation_rows.return_value = [
        {
            "idea_id": "i",
            "category": "other",
            "district": "-Mitte",
            "submitted_at": "2024-05-01T10:00:00+00:00",
            "decided_at": None,
            "decision": None,
            "actor_kind": None,
            "reasons": ["shouting", "personal_data"],
            "turnaround_seconds": None,
            "hidden": False,
        }
    ]

    response = gateway.report_moderation_csv(req)

    gateway.auth.require.assert_called_once_with(req, "admin")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="moderation.csv"'
    assert response.get_data(as_text=True).splitlines() == [
        "idea_id,category,district,submitted_at,decided_at,decision,actor_kind,reasons,turnaround_seconds,hidden",
        "i,other,'-Mitte,2024-05-01T10:00:00+00:00,,,,shouting;personal_data,,false",
    ]
