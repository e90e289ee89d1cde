"""The dashboard (GET /dashboard) in a real headless browser: Debian's Chromium driven by Playwright.

Playwright's own browser download cannot be had here, so the tests launch /usr/bin/chromium (`make test`
installs it when it is missing). The page must render its charts with and without JavaScript, show the
same numbers as the summary API, log no console error and load nothing from any other host.
"""

from urllib.parse import urlsplit

import pytest
import requests

from services.gateway.charts import german_date
from services.gateway.dashboard import CATEGORY_LABELS, DASHBOARD_CSP
from tests.support.ideas import distinct_idea

pytestmark = pytest.mark.e2e

HEADINGS = ["Stand der Ideen", "Ideen im Zeitverlauf", "Ideen nach Kategorie", "Dauer der Moderation"]
CHARTS = ["#chart-status svg", "#chart-timeline svg", "#chart-categories svg", "#chart-turnaround svg"]


@pytest.fixture(scope="module")
def dashboard_url(platform) -> str:
    """The dashboard's address, once a few ideas in three categories have gone through and been counted."""
    for category in ("mobility", "environment", "mobility"):
        response = platform.submit(distinct_idea(category, district="Innenstadt"))
        assert response.status_code == 202
        platform.wait_for_status(response.json()["id"])
    platform.wait_until_settled()
    scheme, netloc, _, _, _ = urlsplit(platform.base_url)
    return f"{scheme}://{netloc}/dashboard"


def number(text: str) -> int:
    return int(text.strip().replace(".", ""))


def table(page, selector: str) -> dict[str, int]:
    """{row heading: first number} of a table's body rows."""
    rows = page.locator(f"{selector} tbody tr").all()
    return {
        row.locator("th").inner_text().strip(): number(row.locator("td").first.inner_text())
        for row in rows
        if row.locator("th").count()
    }


def assert_charts_rendered(page) -> None:
    for selector in CHARTS:
        svgs = page.locator(selector).all()
        assert svgs, f"no chart at {selector}"
        for svg in svgs:
            box = svg.bounding_box()
            assert box is not None and box["width"] > 0 and box["height"] > 0, f"{selector} has no size: {box}"


def test_the_dashboard_shows_the_summary_as_charts_and_tables(browser, dashboard_url, platform, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    console_errors, page_errors, requested = [], [], []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    page.on("request", lambda request: requested.append(request.url))

    response = page.goto(dashboard_url, wait_until="load")
    summary = requests.get(f"{platform.base_url}/reports/summary", timeout=10).json()

    assert response.status == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == DASHBOARD_CSP
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("h1").inner_text() == "Aufbruch in Zahlen"
    headings = page.locator("h2").all_inner_texts()
    assert all(heading in headings for heading in HEADINGS), headings
    assert_charts_rendered(page)

    by_status = summary["by_status"]
    assert table(page, "#table-status") == {
        "Eingereicht": summary["total"],
        "In Prüfung": by_status.get("in_review", 0),
        "Veröffentlicht": by_status.get("published", 0),
        "Abgelehnt": by_status.get("rejected", 0),
        "Ausgeblendet": by_status.get("hidden", 0),
    }
    assert table(page, "#table-categories") == {
        label: summary["by_category"].get(code, 0) for code, label in CATEGORY_LABELS.items()
    }
    assert table(page, "#table-timeline") == {
        german_date(day["date"]): day["submitted"] for day in summary["per_day"] if day["submitted"]
    }
    assert table(page, "#table-categories")["Mobilität"] >= 2
    assert page.locator("#table-turnaround tbody tr").count() == 2

    page.screenshot(path=tmp_path / "dashboard.png", full_page=True)
    assert (tmp_path / "dashboard.png").stat().st_size > 10_000
    assert console_errors == [] and page_errors == []
    assert requested and {urlsplit(url).hostname for url in requested} == {"127.0.0.1"}, requested
    page.close()


def test_the_charts_render_without_javascript(browser, dashboard_url, tmp_path):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 800, "height": 900})
    page = context.new_page()

    response = page.goto(dashboard_url, wait_until="load")

    assert response.status == 200
    assert page.locator("h1").inner_text() == "Aufbruch in Zahlen"
    assert_charts_rendered(page)
    assert page.locator("#chart-categories svg rect").count() >= 1
    assert page.locator("#chart-timeline svg rect").count() >= 1
    page.screenshot(path=tmp_path / "dashboard-without-javascript.png", full_page=True)
    context.close()
