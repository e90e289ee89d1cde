"""GET /dashboard (services/gateway/dashboard.py) with reporting replaced by a mock, and the view it builds from
reporting's answers, before and after reporting's summary grew (districts, turnaround, reasons, timeseries)."""

import json
import re
from datetime import datetime

import eventlet
import pytest
from nameko.exceptions import MethodNotFound, UnknownService, deserialize, serialize
from nameko.testing.services import worker_factory
from werkzeug.test import EnvironBuilder

from aufbruch.contracts.errors import Unavailable
from aufbruch.http import RETRY_AFTER_SECONDS, SECURITY_HEADERS
from services.gateway import dashboard
from services.gateway import rpc as gateway_rpc
from services.gateway.service import GatewayService
from services.gateway.settings import GatewaySettings

OLD_SUMMARY = {
    "total": 5,
    "by_status": {"submitted": 1, "in_review": 1, "published": 2, "rejected": 1},
    "by_category": {"mobility": 3, "environment": 2},
    "per_day": [{"date": "2026-03-01", "submitted": 2}, {"date": "2026-03-03", "submitted": 3}],
    "notifications": {"sent": 7, "failed": 0},
}
NEW_SUMMARY = OLD_SUMMARY | {
    "by_district": {"Innenstadt": 3, "Spexard": 1},
    "turnaround": {
        "automatic": {"count": 4, "median_seconds": 0.4, "p90_seconds": 1.2, "max_seconds": 2},
        "human": {"count": 0, "median_seconds": None, "p90_seconds": None, "max_seconds": None},
    },
    "rejection_reasons": {"offensive_language": 1},
    "hide_reasons": {},
    "participants": 4,
}
SERIES = {
    "metric": "submissions",
    "interval": "day",
    "points": [
        {"period": "2026-03-01", "value": 2},
        {"period": "2026-03-02", "value": 0},
        {"period": "2026-03-03", "value": 3},
    ],
}
NOW = datetime(2026, 3, 3, 14, 5)
SETTINGS = GatewaySettings.from_config({"AMQP_URI": "amqp://", "CITY_TIMEZONE": "Europe/Berlin"})


def over_rpc(exc: Exception) -> Exception:
    return deserialize(serialize(exc))


@pytest.fixture
def gateway():
    return worker_factory(GatewayService, settings=SETTINGS)


def get_dashboard(gateway):
    return gateway.dashboard(EnvironBuilder(method="GET", path="/dashboard").get_request())


def text_of(response) -> str:
    return response.get_data(as_text=True)


def table_rows(html: str, table_id: str) -> list[tuple[str, ...]]:
    """The text of each body row's cells of the table inside the element with this id."""
    start = html.index(f'id="{table_id}"')
    body = html[html.index("<tbody>", start) : html.index("</tbody>", start)]
    return [
        tuple(re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row))
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


# --- the endpoint ---------------------------------------------------------------------------------


def test_the_dashboard_is_a_german_html_page_with_its_own_csp(gateway):
    gateway.reporting.summary.return_value = NEW_SUMMARY
    gateway.reporting.timeseries.return_value = SERIES

    response = get_dashboard(gateway)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
    )
    for header, value in SECURITY_HEADERS.items():
        if header != "Content-Security-Policy":
            assert response.headers[header] == value
    html = text_of(response)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="de">' in html
    for heading in (
        "Aufbruch in Zahlen",
        "Stand der Ideen",
        "Ideen im Zeitverlauf",
        "Ideen nach Kategorie",
        "Ideen nach Stadtteil",
        "Dauer der Moderation",
        "Gründe für Ablehnen und Ausblenden",
    ):
        assert heading in html
    assert "<script" not in html and "http://" not in html and "https://" not in html
    gateway.reporting.summary.assert_called_once_with()
    gateway.reporting.timeseries.assert_called_once_with("submissions", "day")


def test_every_chart_is_an_svg_with_a_title_and_a_description(gateway):
    gateway.reporting.summary.return_value = NEW_SUMMARY
    gateway.reporting.timeseries.return_value = SERIES

    html = text_of(get_dashboard(gateway))

    svgs = re.findall(r"<svg .*?</svg>", html, re.S)
    assert len(svgs) == 8  # status, time, categories, districts, 2 turnaround, 2 reasons
    for svg in svgs:
        assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg


def test_the_tables_carry_the_numbers_of_the_charts(gateway):
    gateway.reporting.summary.return_value = NEW_SUMMARY
    gateway.reporting.timeseries.return_value = SERIES

    html = text_of(get_dashboard(gateway))

    assert table_rows(html, "table-status") == [
        ("Eingereicht", "5", "100 %"),
        ("In Prüfung", "1", "20 %"),
        ("Veröffentlicht", "2", "40 %"),
        ("Abgelehnt", "1", "20 %"),
        ("Ausgeblendet", "0", "0 %"),
    ]
    assert table_rows(html, "table-timeline") == [("01.03.2026", "2"), ("03.03.2026", "3")]
    assert table_rows(html, "table-categories")[:3] == [("Mobilität", "3"), ("Umwelt", "2"), ("Bildung", "0")]
    assert len(table_rows(html, "table-categories")) == 8  # every known category, even with none
    assert table_rows(html, "table-districts") == [("Innenstadt", "3"), ("Spexard", "1")]
    assert table_rows(html, "table-turnaround") == [
        ("Automatisch", "4", "0,4 s", "1,2 s", "2 s"),
        ("Menschlich", "0", "–", "–", "–"),
    ]


def test_the_citys_answers_are_shown_once_reporting_counts_them(gateway):
    gateway.reporting.timeseries.return_value = SERIES
    gateway.reporting.summary.return_value = NEW_SUMMARY
    assert 'id="answers"' not in text_of(get_dashboard(gateway))  # a reporting from before the answers

    gateway.reporting.summary.return_value = NEW_SUMMARY | {
        "by_official_status": {"accepted": 2, "declined": 1},
        "answer_time": {"count": 3, "median_seconds": 5400, "p90_seconds": 86400, "max_seconds": 259200},
    }
    html = text_of(get_dashboard(gateway))

    assert table_rows(html, "table-answers") == [
        ("Angenommen", "2"),
        ("Abgelehnt", "1"),  # the name aufbruch/labels.py gives it, in the section "Antworten der Stadt"
        ("In Umsetzung", "0"),
        ("Umgesetzt", "0"),
        ("Wird geprüft", "0"),
    ]
    assert table_rows(html, "table-answer-time") == [
        ("Median", "1,5 h"),
        ("90-%-Perzentil", "24 h"),
        ("Maximum", "3 Tage"),
    ]
    assert "Dauer bis zur ersten Antwort (3 Ideen)" in html


def test_a_reporting_without_timeseries_gets_the_time_chart_from_per_day(gateway):
    gateway.reporting.summary.return_value = OLD_SUMMARY
    gateway.reporting.timeseries.side_effect = over_rpc(MethodNotFound("timeseries"))

    response = get_dashboard(gateway)

    assert response.status_code == 200
    html = text_of(response)
    assert table_rows(html, "table-timeline") == [("01.03.2026", "2"), ("03.03.2026", "3")]
    assert "Ideen nach Stadtteil" not in html and "Ablehnungsgründe" not in html  # not sent: left out
    assert "Dauer der Moderation" in html and "Noch keine Daten" in html


def test_dynamic_text_is_escaped(gateway):
    gateway.reporting.summary.return_value = NEW_SUMMARY | {
        "by_category": {"<script>alert(1)</script>": 1},
        "by_district": {'"><img src=x onerror=alert(1)>': 2},
    }
    gateway.reporting.timeseries.return_value = SERIES

    html = text_of(get_dashboard(gateway))

    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html


@pytest.mark.parametrize(
    "error",
    [
        over_rpc(Unavailable("database unreachable")),  # reporting cannot reach its database
        UnknownService("reporting"),  # no reporting queue at all: never started
    ],
)
def test_while_reporting_is_unavailable_the_page_is_a_german_503(gateway, error):
    gateway.reporting.summary.side_effect = error

    response = get_dashboard(gateway)

    assert response.status_code == 503
    assert response.headers["Retry-After"] == RETRY_AFTER_SECONDS
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Content-Security-Policy"] == dashboard.DASHBOARD_CSP
    assert "Zahlen zur Zeit nicht verfügbar" in text_of(response)


def test_a_reporting_that_does_not_answer_in_time_gets_the_503_page(gateway, monkeypatch):
    monkeypatch.setattr(gateway_rpc, "RPC_TIMEOUT_SECONDS", 0.05)
    gateway.reporting.summary.side_effect = lambda: eventlet.sleep(5)

    response = get_dashboard(gateway)

    assert response.status_code == 503
    assert "nicht verfügbar" in text_of(response)


def test_an_unexpected_error_is_the_usual_json_500(gateway):
    gateway.reporting.summary.side_effect = over_rpc(KeyError("secret"))

    response = get_dashboard(gateway)

    assert response.status_code == 500
    assert json.loads(response.get_data()) == {"error": "Internal error."}


# --- the view -------------------------------------------------------------------------------------


def test_an_empty_or_odd_summary_still_gives_a_whole_view():
    for summary in ({}, {"total": None, "by_status": None, "per_day": None, "turnaround": {"human": "x"}}, None):
        view = dashboard.dashboard_view(summary, None, NOW)
        assert [stage["value"] for stage in view["stages"]] == [0, 0, 0, 0, 0]
        assert view["timeline"].empty and view["funnel"].bars
        assert [panel["count"] for panel in view["turnaround"]] == [0, 0]
        assert view["districts"] is None and view["rejection_reasons"] is None
        html = dashboard.render({"unavailable": False, "view": view})
        assert "Noch keine Daten" in html


def test_the_view_speaks_german():
    view = dashboard.dashboard_view(NEW_SUMMARY, SERIES, NOW)

    assert view["generated"] == "03.03.2026, 14:05 Uhr"
    assert view["key_figures"] == [
        ("Ideen insgesamt", 5),
        ("Veröffentlicht", 2),
        ("Teilnehmende", 4),
        ("Mails verschickt", 7),
    ]
    assert view["funnel_desc"] == (
        "Eingereicht: 5; In Prüfung: 1 (20 %); Veröffentlicht: 2 (40 %); Abgelehnt: 1 (20 %); Ausgeblendet: 0 (0 %)."
    )
    assert view["timeline_desc"] == (
        "Eingereichte Ideen je Tag von 01.03.2026 bis 03.03.2026: zusammen 5 Ideen, die meisten (3) am 03.03.2026."
    )
    assert [column.axis_label for column in view["timeline"].columns] == ["01.03.", "02.03.", "03.03."]
    assert view["turnaround"][0]["desc"] == (
        "Automatisch: 4 Entscheidungen. Median: 0,4 s; 90-%-Perzentil: 1,2 s; Maximum: 2 s."
    )
    assert view["turnaround"][1]["chart"].empty
    assert view["rejection_desc"] == "Beleidigende Sprache: 1."
    assert view["hide_desc"] == "Noch keine Daten."


def test_weekly_series_are_labelled_by_calendar_week():
    series = {
        "interval": "week",
        "points": [{"period": "2026-03-02", "value": 4}, {"period": "2026-03-16", "value": 1}],
    }
    view = dashboard.dashboard_view(OLD_SUMMARY, series, NOW)

    assert [column.label for column in view["timeline"].columns] == ["KW 10/2026", "KW 11/2026", "KW 12/2026"]
    assert view["timeline_interval"] == "Woche"
    assert view["timeline_rows"] == [("KW 10/2026", 4), ("KW 12/2026", 1)]


def test_unknown_codes_are_shown_as_they_are_and_categories_sorted_by_count():
    view = dashboard.dashboard_view(OLD_SUMMARY | {"by_category": {"sport": 4, "mobility": 4, "culture": 1}}, None, NOW)

    assert [(bar.label, bar.value) for bar in view["categories"].bars][:3] == [
        ("Mobilität", 4),
        ("sport", 4),
        ("Kultur", 1),
    ]


def test_a_missing_district_is_shown_as_such():
    view = dashboard.dashboard_view(OLD_SUMMARY | {"by_district": {None: 2, "Spexard": 1}}, None, NOW)
    assert [(bar.label, bar.value) for bar in view["districts"].bars] == [("Ohne Angabe", 2), ("Spexard", 1)]
