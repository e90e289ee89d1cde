"""End to end, through the gateway: the summary for a period, the time series, the open-data exports
(columns, licence, no formulas, no personal data) and the admins-only moderation export."""

import csv
import io
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.support.ideas import distinct_idea
from tests.support.infrastructure import wait_until
from tests.support.staff import bearer

pytestmark = pytest.mark.e2e

CITY = ZoneInfo("Europe/Berlin")  # CITY_TIMEZONE's default, which the platform runs with
IDEA_COLUMNS = ["id", "title", "description", "category", "district", "published_at"]
MODERATION_COLUMNS = [
    "idea_id",
    "category",
    "district",
    "submitted_at",
    "decided_at",
    "decision",
    "actor_kind",
    "reasons",
    "turnaround_seconds",
    "hidden",
]


def report(platform, path: str, token: str | None = None, **params) -> requests.Response:
    return requests.get(f"{platform.base_url}/reports/{path}", params=params, headers=bearer(token), timeout=15)


def today() -> str:
    return datetime.now(CITY).date().isoformat()


def rows_of(response: requests.Response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline="")))


def test_the_summary_for_a_period_counts_the_ideas_submitted_in_it(platform):
    platform.wait_until_settled()
    before = platform.summary()
    address = f"teilnehmerin-{uuid.uuid4().hex[:8]}@example.org"
    for author in ({"email": address}, {"email": address.upper()}, {"email": f"x{address}"}, None):
        platform.submit(distinct_idea(district="Spexard", **({"author": author} if author else {})))

    settled = platform.wait_until_settled()
    assert settled["total"] == before["total"] + 4
    assert settled["participants"] == before["participants"] + 2  # one address twice, in other case
    assert settled["by_district"]["Spexard"] - before["by_district"].get("Spexard", 0) == 4
    assert set(settled) >= {"turnaround", "rejection_reasons", "hide_reasons", "notifications", "per_day"}
    automatic = settled["turnaround"]["automatic"]
    assert (
        automatic["count"] >= 4
        and 0 <= automatic["median_seconds"] <= automatic["p90_seconds"] <= automatic["max_seconds"]
    )

    day = today()
    todays = report(platform, "summary", **{"from": day, "to": day}).json()
    assert todays["total"] >= 4 and todays["per_day"] == [{"date": day, "submitted": todays["total"]}]
    tomorrow = (datetime.now(CITY).date() + timedelta(days=1)).isoformat()
    assert report(platform, "summary", **{"from": tomorrow}).json()["total"] == 0


def test_a_wrong_period_is_named_by_its_http_parameter(platform):
    response = report(platform, "summary", **{"from": "gestern", "to": "2024-02-30"})
    assert response.status_code == 422 and set(response.json()["errors"]) == {"from", "to"}
    response = report(platform, "summary", **{"from": "2024-05-02", "to": "2024-05-01"})
    assert response.status_code == 422 and set(response.json()["errors"]) == {"to"}
    response = report(platform, "timeseries", metric="votes", interval="month")
    assert response.status_code == 422 and set(response.json()["errors"]) == {"metric", "interval"}


def test_the_time_series_of_today_agrees_with_the_summary(platform):
    platform.submit(distinct_idea())
    summary = platform.wait_until_settled()
    day = today()

    series = report(platform, "timeseries", metric="submissions", interval="day", **{"from": day, "to": day}).json()

    todays = next(entry["submitted"] for entry in summary["per_day"] if entry["date"] == day)
    assert series == {"metric": "submissions", "interval": "day", "points": [{"period": day, "value": todays}]}
    weekly = report(platform, "timeseries", metric="publications", interval="week").json()
    monday = datetime.now(CITY).date() - timedelta(days=datetime.now(CITY).weekday())
    assert weekly["points"][-1]["period"] == monday.isoformat() and weekly["points"][-1]["value"] >= 1


def test_the_open_data_export_holds_a_published_idea_without_formulas_or_personal_data(platform):
    address = f"export-{uuid.uuid4().hex[:8]}@example.org"
    idea = distinct_idea(category="culture", author={"name": "Erika Export", "email": address})
    idea["title"] = "=1+1 " + idea["title"]
    idea_id = platform.submit(idea).json()["id"]
    assert platform.wait_for_status(idea_id, {"published"})["status"] == "published"

    response = wait_until(
        lambda: (answer := report(platform, "ideas.csv")).ok and idea_id in answer.text and answer,
        message="the published idea in ideas.csv",
    )

    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="ideas.csv"'
    assert response.headers["X-License"] == "dl-de/zero-2-0"
    assert 'rel="license"' in response.headers["Link"]
    assert response.text.splitlines()[0] == ",".join(IDEA_COLUMNS)
    [row] = [row for row in rows_of(response) if row["id"] == idea_id]
    assert row["title"] == "'" + idea["title"]  # text, not a spreadsheet formula
    assert (row["description"], row["category"]) == (idea["description"], "culture")
    assert address not in response.text and "Erika Export" not in response.text

    as_json = report(platform, "ideas.json").json()
    assert as_json["license"]["id"] == "dl-de/zero-2-0" and as_json["columns"] == IDEA_COLUMNS
    [item] = [item for item in as_json["items"] if item["id"] == idea_id]
    assert item["title"] == idea["title"] and set(item) == set(IDEA_COLUMNS)


def test_the_moderation_export_is_for_admins_only(platform, admin, moderator_token):
    idea_id = platform.submit(distinct_idea()).json()["id"]
    platform.wait_until_settled()

    anonymous = report(platform, "moderation.csv")
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    assert report(platform, "moderation.csv", moderator_token).status_code == 403

    response = report(platform, "moderation.csv", admin.token)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="moderation.csv"'
    assert response.text.splitlines()[0] == ",".join(MODERATION_COLUMNS)
    [row] = [row for row in rows_of(response) if row["idea_id"] == idea_id]
    assert (row["decision"], row["actor_kind"], row["hidden"]) == ("approve", "automatic", "false")
    assert float(row["turnaround_seconds"]) >= 0
