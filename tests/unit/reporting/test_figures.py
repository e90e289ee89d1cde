"""Unit tests of reporting's pure figure helpers: periods of a time series, the rows of moderation.csv,
and the validation of what may be asked for."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from aufbruch.contracts.errors import InvalidInput, validated
from aufbruch.contracts.reports import MAX_POINTS, MODERATION_EXPORT_COLUMNS, Period, TimeseriesQuery
from services.reporting.handlers import fill_periods, moderation_row, period_start
from services.reporting.projection import IdeaFacts

SUBMITTED_AT = datetime(2024, 5, 17, 9, 0, tzinfo=UTC)


def test_a_week_is_named_by_its_monday():
    assert period_start(date(2024, 5, 19), "week") == date(2024, 5, 13)  # a Sunday
    assert period_start(date(2024, 5, 13), "week") == date(2024, 5, 13)
    assert period_start(date(2024, 5, 19), "day") == date(2024, 5, 19)


def test_days_without_ideas_are_zero_between_the_first_and_the_last():
    counts = {date(2024, 5, 1): 2, date(2024, 5, 3): 1}
    assert fill_periods(counts, "day", None, None) == [
        {"period": "2024-05-01", "value": 2},
        {"period": "2024-05-02", "value": 0},
        {"period": "2024-05-03", "value": 1},
    ]


def test_a_period_asked_for_is_filled_from_its_start_to_its_end():
    counts = {date(2024, 5, 6): 4}
    assert fill_periods(counts, "week", date(2024, 5, 1), date(2024, 5, 15)) == [
        {"period": "2024-04-29", "value": 0},
        {"period": "2024-05-06", "value": 4},
        {"period": "2024-05-13", "value": 0},
    ]


def test_no_ideas_and_no_period_is_an_empty_series():
    assert fill_periods({}, "day", None, None) == []
    assert fill_periods({}, "day", date(2024, 5, 1), date(2024, 5, 2)) == [
        {"period": "2024-05-01", "value": 0},
        {"period": "2024-05-02", "value": 0},
    ]


def test_a_series_too_long_for_days_must_be_asked_for_in_weeks():
    start = date(2000, 1, 1)
    end = start + timedelta(days=MAX_POINTS)
    with pytest.raises(InvalidInput) as info:
        fill_periods({}, "day", start, end)
    assert set(info.value.errors) == {"from_date"}
    assert len(fill_periods({}, "week", start, end)) <= MAX_POINTS


def test_a_moderation_row_has_the_documented_columns_and_no_personal_data():
    facts = IdeaFacts(
        uuid.UUID(int=1),
        category="mobility",
        district="Mitte",
        submitted_at=SUBMITTED_AT,
        author_key="k" * 64,
        title="Titel",
        description="Text",
        decided_at=SUBMITTED_AT + timedelta(hours=1, milliseconds=250),
        decision="approve",
        decision_actor="moderator",
        decision_reasons=("acceptable",),
        reviewed=True,
        hidden_at=SUBMITTED_AT + timedelta(days=1),
    )
    row = moderation_row(facts)
    assert tuple(row) == MODERATION_EXPORT_COLUMNS
    assert row == {
        "idea_id": "00000000-0000-0000-0000-000000000001",
        "category": "mobility",
        "district": "Mitte",
        "submitted_at": "2024-05-17T09:00:00+00:00",
        "decided_at": "2024-05-17T10:00:00.250000+00:00",
        "decision": "approve",
        "actor_kind": "moderator",
        "reasons": ["acceptable"],
        "turnaround_seconds": 3600.25,
        "hidden": True,
    }


def test_an_undecided_idea_has_an_empty_decision():
    row = moderation_row(IdeaFacts(uuid.UUID(int=2), submitted_at=SUBMITTED_AT))
    assert (row["decided_at"], row["decision"], row["actor_kind"], row["turnaround_seconds"]) == (None,) * 4
    assert row["reasons"] == [] and row["hidden"] is False


def test_a_period_is_two_optional_iso_dates_in_order():
    assert validated(Period(), {}) == {"from_date": None, "to_date": None}
    assert validated(Period(), {"from_date": "2024-05-01", "to_date": "2024-05-01"}) == {
        "from_date": date(2024, 5, 1),
        "to_date": date(2024, 5, 1),
    }
    with pytest.raises(InvalidInput) as info:
        validated(Period(), {"from_date": "2024-05-02", "to_date": "2024-05-01"})
    assert set(info.value.errors) == {"to_date"}
    with pytest.raises(InvalidInput) as info:
        validated(Period(), {"from_date": "gestern", "to_date": "2024-13-01", "until": "x"})
    assert set(info.value.errors) == {"from_date", "to_date", "until"}


def test_a_timeseries_query_names_every_wrong_parameter():
    assert validated(TimeseriesQuery(), {"metric": "publications"})["interval"] == "day"
    with pytest.raises(InvalidInput) as info:
        validated(TimeseriesQuery(), {"metric": "votes", "interval": "month"})
    assert set(info.value.errors) == {"metric", "interval"}
    with pytest.raises(InvalidInput) as info:
        validated(TimeseriesQuery(), {})
    assert set(info.value.errors) == {"metric"}
