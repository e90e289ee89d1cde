"""Geometry and German labels for the dashboard's charts; pure, so every number can be tested.

The functions here turn numbers into what an SVG needs (positions and sizes in the chart's own
coordinate system, rounded to a tenth of a pixel) and into German text ("1.234", "1,5 h",
"05.03.2026"). They know nothing of HTTP or of the reporting service: dashboard.py picks the figures,
the template (templates/dashboard.html) draws what these functions return.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

EMPTY_CHART_HEIGHT = 56
MAX_COLUMNS = 92  # the ideas-over-time chart shows at most this many days (or weeks): the latest ones


# --- German text --------------------------------------------------------------------------------


def german_number(value: float | int | None, decimals: int = 0) -> str:
    """1234.5 -> "1.234,5" (with decimals=1); None -> "–"."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def _rounded(value: float) -> float:
    """One decimal below 10, none from 10 on."""
    return round(value, 1) if value < 10 else float(round(value))


def _short(value: float) -> str:
    """_rounded, in German and without a trailing ",0": 1.5 -> "1,5", 3.0 -> "3", 12.4 -> "12"."""
    value = _rounded(value)
    return german_number(value, 0 if value == int(value) else 1)


_DURATION_UNITS = (  # (seconds per unit, the next unit takes over at this many of this one, singular, plural)
    (1, 60, "s", "s"),
    (60, 60, "min", "min"),
    (3600, 48, "h", "h"),
    (86400, math.inf, "Tag", "Tage"),
)


def format_duration(seconds: float | int | None) -> str:
    """A duration as people say it: 42 -> "42 s", 180 -> "3 min", 5400 -> "1,5 h", 259200 -> "3 Tage".
    None (nothing was decided that way yet) -> "–"."""
    if seconds is None:
        return "–"
    seconds = max(float(seconds), 0.0)
    if 0 < seconds < 0.05:
        return "< 0,1 s"
    for size, next_at, singular, plural in _DURATION_UNITS:
        amount = seconds / size
        if _rounded(amount) < next_at:
            text = _short(amount)
            return f"{text} {singular if text == '1' else plural}"
    raise AssertionError("unreachable: the last unit has no limit")


def german_date(iso: str, short: bool = False) -> str:
    """ "2026-03-05" -> "05.03.2026" (short: "05.03."); text that is no date comes back unchanged."""
    try:
        day = date.fromisoformat(iso)
    except (TypeError, ValueError):
        return str(iso)
    return day.strftime("%d.%m." if short else "%d.%m.%Y")


def week_label(iso: str) -> str:
    """The ISO week of a date: "2026-03-02" -> "KW 10/2026"."""
    try:
        year, week, _ = date.fromisoformat(iso).isocalendar()
    except (TypeError, ValueError):
        return str(iso)
    return f"KW {week}/{year}"


def ideas_count(n: int) -> str:
    return f"{german_number(n)} {'Idee' if n == 1 else 'Ideen'}"


# --- horizontal bars: funnel, categories, districts, reasons, turnaround ---------------------------


@dataclass(frozen=True)
class Item:
    """One bar to draw: its label, its value, the value as text (default: the German number), and a
    tone that the template maps to a colour ("main", "aside", "muted")."""

    label: str
    value: float
    value_text: str | None = None
    tone: str = "main"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    value_text: str
    tone: str
    x: float
    y: float
    width: float
    height: float
    label_y: float  # baseline of the label (drawn right-aligned at HBarChart.label_x)
    value_x: float  # start of the value text, just right of the bar


@dataclass(frozen=True)
class HBarChart:
    width: int
    height: int
    label_x: float
    bars: tuple[Bar, ...]
    empty: bool = field(default=False)


def _px(value: float) -> float:
    return round(value, 1)


def horizontal_bars(
    items: Sequence[Item],
    *,
    width: int = 560,
    label_width: int = 170,
    value_width: int = 80,
    row_height: int = 30,
    bar_height: int = 20,
    centered: bool = False,
    scale_max: float | None = None,
) -> HBarChart:
    """One row per item: the label on the left, the bar, its value right of the bar. Bars are scaled to
    the largest value (or `scale_max`); a value above zero is always at least 2 px wide, zero is no bar.
    `centered` centres each bar in the plot area (a funnel). No items: an empty chart with room for a
    "no data" line."""
    if not items:
        return HBarChart(width, EMPTY_CHART_HEIGHT, label_width - 10, (), empty=True)
    plot_width = width - label_width - value_width
    largest = scale_max if scale_max is not None else max(item.value for item in items)
    bars = []
    for row, item in enumerate(items):
        length = 0.0 if largest <= 0 or item.value <= 0 else max(plot_width * item.value / largest, 2.0)
        x = label_width + ((plot_width - length) / 2 if centered else 0)
        y = row * row_height + (row_height - bar_height) / 2
        value_x = (label_width + plot_width + 6) if centered else (x + length + 6)
        bars.append(
            Bar(
                label=item.label,
                value=item.value,
                value_text=item.value_text if item.value_text is not None else german_number(item.value),
                tone=item.tone,
                x=_px(x),
                y=_px(y),
                width=_px(length),
                height=bar_height,
                label_y=_px(y + bar_height / 2 + 5),
                value_x=_px(value_x),
            )
        )
    return HBarChart(width, len(items) * row_height, label_width - 10, tuple(bars))


# --- columns over time -------------------------------------------------------------------------


def nice_ticks(largest: float, target: int = 4) -> list[int]:
    """Whole-number gridlines from 0 past `largest`, in steps of 1, 2 or 5 times a power of ten, about
    `target` of them: 7 -> [0, 2, 4, 6, 8]; 0 -> [0, 1]."""
    if largest <= 0:
        return [0, 1]
    rough = max(largest / target, 1)
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= rough)
    top = math.ceil(largest / step) * step
    return list(range(0, int(top) + 1, int(step)))


@dataclass(frozen=True)
class Column:
    label: str  # full label: "05.03.2026" or "KW 10/2026"
    axis_label: str  # the short label under the column, "" where it is left out to keep labels apart
    value: int
    x: float
    y: float
    width: float
    height: float
    label_x: float  # centre of the column


@dataclass(frozen=True)
class Tick:
    value: int
    text: str
    y: float


@dataclass(frozen=True)
class ColumnChart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    baseline_y: float
    axis_label_y: float
    columns: tuple[Column, ...]
    ticks: tuple[Tick, ...]
    empty: bool = False


def columns(
    points: Sequence[tuple[str, str, int]],
    *,
    width: int = 640,
    height: int = 240,
    left: int = 44,
    right: int = 12,
    top: int = 12,
    bottom: int = 34,
    max_axis_labels: int = 8,
    max_column_width: float = 48,
) -> ColumnChart:
    """Vertical columns for (label, axis label, value) points in order, on gridlines from nice_ticks: each
    70 % of its slot, at most `max_column_width` wide (a lone day is no wall). Only every k-th axis label
    is kept (counted back from the latest, which always keeps its label), so that at most
    `max_axis_labels` show."""
    if not points:
        return ColumnChart(width, EMPTY_CHART_HEIGHT, left, width - right, 0, 0, (), (), empty=True)
    plot_width, plot_height = width - left - right, height - top - bottom
    ticks = nice_ticks(max(value for _, _, value in points))
    scale_top = ticks[-1]
    baseline = top + plot_height
    slot = plot_width / len(points)
    column_width = max(min(slot * 0.7, max_column_width), 1.0)
    every = math.ceil(len(points) / max_axis_labels)
    drawn = []
    for index, (label, axis_label, value) in enumerate(points):
        column_height = plot_height * value / scale_top
        x = left + index * slot + (slot - column_width) / 2
        drawn.append(
            Column(
                label=label,
                axis_label=axis_label if (len(points) - 1 - index) % every == 0 else "",
                value=value,
                x=_px(x),
                y=_px(baseline - column_height),
                width=_px(column_width),
                height=_px(column_height),
                label_x=_px(x + column_width / 2),
            )
        )
    return ColumnChart(
        width,
        height,
        left,
        width - right,
        _px(baseline),
        _px(baseline + 20),
        tuple(drawn),
        tuple(Tick(t, german_number(t), _px(baseline - plot_height * t / scale_top)) for t in ticks),
    )


def fill_periods(
    points: Sequence[tuple[str, int]], interval: str = "day", limit: int = MAX_COLUMNS
) -> list[tuple[str, int]]:
    """(ISO date, value) points, sorted, with the days (or weeks) between them that have no point filled
    in as 0, keeping the latest `limit`. Points whose date does not parse are left out."""
    step = timedelta(days=7 if interval == "week" else 1)
    values: dict[date, int] = {}
    for period, value in points:
        try:
            day = date.fromisoformat(period)
        except (TypeError, ValueError):
            continue
        values[day] = values.get(day, 0) + int(value or 0)
    if not values:
        return []
    first, last = min(values), max(values)
    first = max(first, last - step * (limit - 1))
    grid = [first + step * n for n in range((last - first) // step + 1)]
    if any(day >= first and day not in grid for day in values):  # weeks not all on one weekday: no filling
        return [(day.isoformat(), values[day]) for day in sorted(values)][-limit:]
    return [(day.isoformat(), values.get(day, 0)) for day in grid]
