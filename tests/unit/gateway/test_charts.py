"""The dashboard's chart geometry and German labels (services/gateway/charts.py): pure functions."""

import pytest

from services.gateway.charts import (
    EMPTY_CHART_HEIGHT,
    MAX_COLUMNS,
    Item,
    columns,
    fill_periods,
    format_duration,
    german_date,
    german_number,
    horizontal_bars,
    ideas_count,
    nice_ticks,
    week_label,
)

# --- German text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, decimals, text",
    [
        (0, 0, "0"),
        (7, 0, "7"),
        (1234, 0, "1.234"),
        (1234567, 0, "1.234.567"),
        (1234.5, 1, "1.234,5"),
        (0.25, 2, "0,25"),
        (None, 0, "–"),
    ],
)
def test_german_number_groups_thousands_with_points_and_decimals_with_a_comma(value, decimals, text):
    assert german_number(value, decimals) == text


@pytest.mark.parametrize(
    "seconds, text",
    [
        (None, "–"),
        (0, "0 s"),
        (0.01, "< 0,1 s"),
        (0.44, "0,4 s"),
        (1, "1 s"),
        (42, "42 s"),
        (59.4, "59 s"),
        (59.6, "1 min"),
        (60, "1 min"),
        (90, "1,5 min"),
        (180, "3 min"),
        (754, "13 min"),
        (3599, "1 h"),
        (3600, "1 h"),
        (5400, "1,5 h"),
        (30000, "8,3 h"),
        (86400, "24 h"),
        (47 * 3600, "47 h"),
        (48 * 3600, "2 Tage"),
        (200000, "2,3 Tage"),
        (30 * 86400, "30 Tage"),
        (-3, "0 s"),
    ],
)
def test_format_duration_says_it_as_people_do(seconds, text):
    assert format_duration(seconds) == text


def test_german_dates_and_weeks():
    assert german_date("2026-03-05") == "05.03.2026"
    assert german_date("2026-03-05", short=True) == "05.03."
    assert german_date("not a date") == "not a date"
    assert week_label("2026-03-02") == "KW 10/2026"
    assert week_label("2027-01-01") == "KW 53/2026"
    assert ideas_count(1) == "1 Idee" and ideas_count(1200) == "1.200 Ideen"


# --- horizontal bars ------------------------------------------------------------------------------


def test_bars_are_scaled_to_the_largest_value_and_stacked_in_rows():
    chart = horizontal_bars(
        [Item("Mobilität", 10), Item("Umwelt", 5), Item("Kultur", 0)],
        width=500,
        label_width=150,
        value_width=50,
        row_height=30,
        bar_height=20,
    )

    assert (chart.width, chart.height, chart.label_x, chart.empty) == (500, 90, 140, False)
    widths = [bar.width for bar in chart.bars]
    assert widths == [300.0, 150.0, 0.0]
    assert [bar.x for bar in chart.bars] == [150, 150, 150]
    assert [bar.y for bar in chart.bars] == [5, 35, 65]
    assert [bar.value_x for bar in chart.bars] == [456, 306, 156]  # just right of each bar
    assert [bar.value_text for bar in chart.bars] == ["10", "5", "0"]
    assert chart.bars[0].label_y == 20  # the middle of the bar, plus half a line


def test_a_tiny_value_still_shows_a_sliver_and_value_texts_can_be_given():
    chart = horizontal_bars(
        [Item("viel", 10_000), Item("wenig", 1, "eins", tone="aside")], width=500, label_width=150, value_width=50
    )

    assert chart.bars[1].width == 2.0
    assert (chart.bars[1].value_text, chart.bars[1].tone) == ("eins", "aside")
    assert chart.bars[0].value_text == "10.000"


def test_centered_bars_make_a_funnel_with_the_values_in_one_column():
    chart = horizontal_bars(
        [Item("Eingereicht", 10), Item("Veröffentlicht", 5)], width=500, label_width=150, value_width=50, centered=True
    )

    full, half = chart.bars
    assert (full.x, full.width) == (150, 300)
    assert (half.x, half.width) == (225, 150)  # centred under the full bar
    assert full.value_x == half.value_x == 456


def test_all_zero_values_draw_no_bars_but_keep_their_rows():
    chart = horizontal_bars([Item("a", 0), Item("b", 0)])

    assert [bar.width for bar in chart.bars] == [0, 0]
    assert chart.height > 0 and not chart.empty


def test_no_items_is_an_empty_chart_that_still_has_a_size():
    chart = horizontal_bars([])

    assert chart.empty and chart.bars == ()
    assert chart.width > 0 and chart.height == EMPTY_CHART_HEIGHT


def test_a_common_scale_can_be_given():
    chart = horizontal_bars([Item("a", 5)], width=500, label_width=150, value_width=50, scale_max=10)
    assert chart.bars[0].width == 150


# --- columns over time -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "largest, ticks",
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (3, [0, 1, 2, 3]),
        (4, [0, 1, 2, 3, 4]),
        (7, [0, 2, 4, 6, 8]),
        (10, [0, 5, 10]),
        (23, [0, 10, 20, 30]),
        (120, [0, 50, 100, 150]),
        (1000, [0, 500, 1000]),
    ],
)
def test_nice_ticks_are_whole_numbers_in_steps_of_1_2_or_5(largest, ticks):
    assert nice_ticks(largest) == ticks


def test_columns_stand_on_the_baseline_and_reach_their_share_of_the_top_tick():
    chart = columns(
        [("01.03.2026", "01.03.", 2), ("02.03.2026", "02.03.", 0), ("03.03.2026", "03.03.", 4)],
        width=344,
        height=240,
        left=44,
        right=0,
        top=10,
        bottom=30,
    )

    assert [tick.value for tick in chart.ticks] == [0, 1, 2, 3, 4]
    assert chart.baseline_y == 210 and chart.ticks[0].y == 210 and chart.ticks[-1].y == 10
    first, empty, last = chart.columns
    assert (first.height, first.y) == (100, 110)
    assert (empty.height, empty.y) == (0, 210)
    assert (last.height, last.y) == (200, 10)
    assert [column.width for column in chart.columns] == [48, 48, 48]  # 70 % of a 100 px slot, at most 48
    assert [column.x for column in chart.columns] == [70, 170, 270]  # centred in their slots
    assert [column.label_x for column in chart.columns] == [94, 194, 294]


def test_narrow_slots_give_columns_70_percent_of_their_width():
    chart = columns([("a", "a", 1)] * 30, width=344, left=44, right=0)  # 10 px slots
    assert {column.width for column in chart.columns} == {7}


def test_axis_labels_are_thinned_out_but_the_latest_keeps_its_label():
    points = [(f"{day:02d}.03.2026", f"{day:02d}.03.", day % 3) for day in range(1, 21)]
    chart = columns(points, max_axis_labels=8)

    shown = [column.axis_label for column in chart.columns if column.axis_label]
    assert len(shown) <= 8
    assert chart.columns[-1].axis_label == "20.03."
    assert [column.label for column in chart.columns] == [label for label, _, _ in points]  # full labels all kept


def test_no_points_is_an_empty_column_chart_that_still_has_a_size():
    chart = columns([])
    assert chart.empty and chart.columns == () and chart.height == EMPTY_CHART_HEIGHT


def test_fill_periods_fills_the_days_between_with_zero_and_sorts():
    assert fill_periods([("2026-03-04", 2), ("2026-03-01", 1), ("2026-03-04", 1)]) == [
        ("2026-03-01", 1),
        ("2026-03-02", 0),
        ("2026-03-03", 0),
        ("2026-03-04", 3),
    ]


def test_fill_periods_by_week_and_leaves_out_what_is_no_date():
    assert fill_periods([("2026-03-02", 2), ("2026-03-16", 1), ("bogus", 9)], "week") == [
        ("2026-03-02", 2),
        ("2026-03-09", 0),
        ("2026-03-16", 1),
    ]
    # weeks that do not start on one weekday are not filled (nothing would line up), only sorted
    assert fill_periods([("2026-03-17", 1), ("2026-03-02", 2)], "week") == [("2026-03-02", 2), ("2026-03-17", 1)]
    assert fill_periods([]) == [] and fill_periods([("bogus", 1)]) == []


def test_fill_periods_keeps_only_the_latest_periods():
    filled = fill_periods([("2025-01-01", 5), ("2026-03-31", 1)])
    assert len(filled) == MAX_COLUMNS
    assert filled[-1] == ("2026-03-31", 1) and filled[0][0] == "2025-12-30"
    assert fill_periods([("2026-03-01", 1), ("2026-03-05", 1)], limit=2) == [("2026-03-04", 0), ("2026-03-05", 1)]
