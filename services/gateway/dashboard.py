"""The dashboard: GET /dashboard, one German HTML page with the reporting figures as charts.

Everything is drawn on the server: inline SVG (charts.py computes the geometry, the Jinja2 template
templates/dashboard.html draws it), so the page needs no JavaScript and loads nothing from elsewhere;
its Content-Security-Policy allows no script and no other origin. Every chart has a text alternative
(<title>/<desc>) and a table of its numbers.

The figures come from reporting by RPC: `summary()` and `timeseries("submissions", "day")`. Keys that an
older reporting does not send yet are tolerated (the section shows "Noch keine Daten" or is left out), and
a reporting without `timeseries` gets the ideas-over-time chart from the summary's `per_day`.

If reporting does not answer (or cannot reach its database), the page is a short German HTML page with
status 503 and Retry-After, not the API's JSON error. Any other failure is answered by the `http`
entrypoint like every other (JSON 500, logged).
"""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from nameko.exceptions import IncorrectSignature, MethodNotFound, RpcTimeout, UnknownService
from werkzeug.wrappers import Response

from aufbruch import labels
from aufbruch.contracts.errors import Unavailable
from aufbruch.http import RETRY_AFTER_SECONDS, SECURITY_HEADERS, ServiceTimeout, ServiceUnreachable
from services.gateway import charts
from services.gateway.charts import Item
from services.gateway.rpc import call

DASHBOARD_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
PANEL_WIDTH = 440  # charts that stand two side by side
UNAVAILABLE = (Unavailable, UnknownService, RpcTimeout, ServiceTimeout, ServiceUnreachable)

CATEGORY_LABELS = labels.CATEGORY_LABELS["de"]
REASON_LABELS = labels.MODERATION_REASON_LABELS["de"]
STAGES = (  # (key in by_status, or "total"; label; tone): the funnel's rows in order
    ("total", "Eingereicht", "main"),
    ("in_review", "In Prüfung", "main"),
    ("published", "Veröffentlicht", "main"),
    ("rejected", "Abgelehnt", "aside"),
    ("hidden", "Ausgeblendet", "aside"),
)
# The city's answers (issue 9), in the order an idea goes through them, as headings of their bars.
OFFICIAL_STATUS_LABELS = {
    code: label[:1].upper() + label[1:] for code, label in labels.OFFICIAL_STATUS_LABELS["de"].items()
}
TURNAROUND_KINDS = (("automatic", "Automatisch"), ("human", "Menschlich"))
TURNAROUND_MEASURES = (("median_seconds", "Median"), ("p90_seconds", "90-%-Perzentil"), ("max_seconds", "Maximum"))

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_templates.filters["number"] = charts.german_number


def _count(value) -> int:
    """A count from the summary; anything that is not a number counts as 0."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _mapping(value) -> dict:
    """A part of the summary that should be an object; anything else counts as empty."""
    return value if isinstance(value, dict) else {}


def _percent(part: int, whole: int) -> str:
    return f"{charts.german_number(100 * part / whole)} %" if whole else "–"


def label_of(code, names: dict) -> str:
    """The German label of a code; an unknown code is shown as it is (the template escapes it)."""
    if code is None or code == "":
        return "Ohne Angabe"
    return names.get(code, str(code))


def _counted_bars(counts, names: dict, known=()) -> list[Item]:
    """{code: n} as bars, largest first (ties by label); `known` codes show even with 0."""
    counts = counts if isinstance(counts, dict) else {}
    merged = {code: 0 for code in known} | {code: _count(n) for code, n in counts.items()}
    items = [Item(label_of(code, names), n) for code, n in merged.items()]
    return sorted(items, key=lambda item: (-item.value, item.label.casefold()))


def describe(chart) -> str:
    """A text alternative for a bar chart: every bar's label and value."""
    if chart is None or chart.empty:
        return "Noch keine Daten."
    return "; ".join(f"{bar.label}: {bar.value_text}" for bar in chart.bars) + "."


def describe_timeline(chart, interval: str) -> str:
    if chart.empty:
        return "Noch keine Daten."
    busiest = max(chart.columns, key=lambda column: column.value)
    per = "Woche" if interval == "week" else "Tag"
    return (
        f"Eingereichte Ideen je {per} von {chart.columns[0].label} bis {chart.columns[-1].label}: zusammen "
        f"{charts.ideas_count(sum(column.value for column in chart.columns))}, die meisten "
        f"({charts.german_number(busiest.value)}) {'in der' if interval == 'week' else 'am'} {busiest.label}."
    )


def status_stages(summary: dict) -> list[dict]:
    total = _count(summary.get("total"))
    by_status = summary.get("by_status") or {}
    stages = []
    for key, label, tone in STAGES:
        value = total if key == "total" else _count(by_status.get(key))
        stages.append(
            {
                "key": key,
                "label": label,
                "tone": tone,
                "value": value,
                "share": "100 %" if key == "total" and total else _percent(value, total),
            }
        )
    return stages


def series_points(summary: dict, series: dict | None) -> tuple[str, list[tuple[str, int]]]:
    """(interval, [(ISO date, ideas)]) from the timeseries answer, or from the summary's per_day."""
    if isinstance(series, dict) and isinstance(series.get("points"), list):
        return (
            series.get("interval") or "day",
            [
                (str(point.get("period")), _count(point.get("value")))
                for point in series["points"]
                if isinstance(point, dict)
            ],
        )
    per_day = summary.get("per_day") or []
    return "day", [(str(day.get("date")), _count(day.get("submitted"))) for day in per_day if isinstance(day, dict)]


def turnaround_panels(turnaround) -> list[dict]:
    """One panel per kind of decision: its count, its three measures as text and as bars on the panel's own
    scale (automatic decisions take seconds, human ones hours: one scale would hide the first)."""
    turnaround = _mapping(turnaround)
    panels = []
    for key, label in TURNAROUND_KINDS:
        figures = _mapping(turnaround.get(key))
        count = _count(figures.get("count"))
        measures, known = [], []
        for measure, measure_label in TURNAROUND_MEASURES:
            seconds = figures.get(measure)
            seconds = seconds if isinstance(seconds, (int, float)) and not isinstance(seconds, bool) else None
            text = charts.format_duration(seconds)
            measures.append({"label": measure_label, "seconds": seconds, "text": text})
            if seconds is not None:
                known.append(Item(measure_label, seconds, text))
        items = known if count else []
        chart = charts.horizontal_bars(items, width=PANEL_WIDTH, label_width=130, value_width=90)
        decisions = f"{charts.german_number(count)} {'Entscheidung' if count == 1 else 'Entscheidungen'}"
        panels.append(
            {
                "key": key,
                "label": label,
                "count": count,
                "measures": measures,
                "chart": chart,
                "desc": f"{label}: {decisions}. {describe(chart)}",
            }
        )
    return panels


def answers_view(summary: dict) -> dict | None:
    """The city's answers: ideas per official status and the time from publication to the first answer;
    None for a reporting from before the answers (the section is left out)."""
    if "by_official_status" not in summary:
        return None
    chart = charts.horizontal_bars(
        _counted_bars(summary.get("by_official_status"), OFFICIAL_STATUS_LABELS, known=OFFICIAL_STATUS_LABELS)
    )
    figures = _mapping(summary.get("answer_time"))
    return {
        "chart": chart,
        "desc": describe(chart),
        "answered": _count(figures.get("count")),
        "times": [(label, charts.format_duration(figures.get(measure))) for measure, label in TURNAROUND_MEASURES],
    }


def dashboard_view(summary: dict, series: dict | None, now: datetime) -> dict:
    """Everything the template shows, from reporting's answers (any key may be missing)."""
    summary = _mapping(summary)
    total = _count(summary.get("total"))
    stages = status_stages(summary)
    funnel_items = [
        Item(
            s["label"],
            s["value"],
            f"{charts.german_number(s['value'])} ({s['share']})"
            if s["key"] != "total"
            else charts.german_number(s["value"]),
            s["tone"],
        )
        for s in stages
    ]

    interval, points = series_points(summary, series)
    filled = charts.fill_periods(points, interval)
    label = charts.week_label if interval == "week" else charts.german_date
    axis_label = charts.week_label if interval == "week" else (lambda iso: charts.german_date(iso, short=True))
    timeline = charts.columns([(label(iso), axis_label(iso), value) for iso, value in filled])

    categories = _counted_bars(summary.get("by_category"), CATEGORY_LABELS, known=CATEGORY_LABELS)
    districts = summary.get("by_district")
    rejection_reasons, hide_reasons = summary.get("rejection_reasons"), summary.get("hide_reasons")
    notifications = _mapping(summary.get("notifications"))
    participants = summary.get("participants")

    funnel = charts.horizontal_bars(funnel_items, centered=True, value_width=100)
    category_chart = charts.horizontal_bars(categories)
    district_chart = None if districts is None else charts.horizontal_bars(_counted_bars(districts, {}))
    rejection_chart = (
        None
        if rejection_reasons is None
        else charts.horizontal_bars(_counted_bars(rejection_reasons, REASON_LABELS), width=PANEL_WIDTH)
    )
    hide_chart = (
        None
        if hide_reasons is None
        else charts.horizontal_bars(_counted_bars(hide_reasons, REASON_LABELS), width=PANEL_WIDTH)
    )
    return {
        "generated": now.strftime("%d.%m.%Y, %H:%M Uhr"),
        "key_figures": [
            fig
            for fig in (
                ("Ideen insgesamt", total),
                ("Veröffentlicht", stages[2]["value"]),
                ("Teilnehmende", _count(participants) if participants is not None else None),
                ("Mails verschickt", _count(notifications.get("sent")) if "sent" in notifications else None),
            )
            if fig[1] is not None
        ],
        "stages": stages,
        "funnel": funnel,
        "funnel_desc": describe(funnel),
        "timeline": timeline,
        "timeline_desc": describe_timeline(timeline, interval),
        "timeline_interval": "Woche" if interval == "week" else "Tag",
        "timeline_rows": [(column.label, column.value) for column in timeline.columns if column.value],
        "categories": category_chart,
        "categories_desc": describe(category_chart),
        "districts": district_chart,
        "districts_desc": describe(district_chart),
        "turnaround": turnaround_panels(summary.get("turnaround")),
        "rejection_reasons": rejection_chart,
        "rejection_desc": describe(rejection_chart),
        "hide_reasons": hide_chart,
        "hide_desc": describe(hide_chart),
        "answers": answers_view(summary),
    }


def render(template_vars: dict) -> str:
    return _templates.get_template("dashboard.html").render(**template_vars)


def html_response(status: int, body: str, headers: dict | None = None) -> Response:
    response = Response(body, status=status, content_type="text/html; charset=utf-8")
    response.headers.update(SECURITY_HEADERS)
    response.headers["Content-Security-Policy"] = DASHBOARD_CSP
    response.headers.update(headers or {})
    return response


def dashboard(reporting, city: ZoneInfo) -> Response:
    now = datetime.now(city)
    try:
        summary = call(reporting.summary)
        try:
            series = call(reporting.timeseries, "submissions", "day")
        except (MethodNotFound, IncorrectSignature):  # a reporting from before timeseries: use per_day
            series = None
    except UNAVAILABLE:
        return html_response(503, render({"unavailable": True, "view": None}), {"Retry-After": RETRY_AFTER_SECONDS})
    return html_response(200, render({"unavailable": False, "view": dashboard_view(summary, series, now)}))
