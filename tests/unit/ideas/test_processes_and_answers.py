"""Unit tests of the rules of issue 9: when a participation process takes ideas (city days, both
inclusive) and which official status may follow which."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from aufbruch.contracts.errors import Conflict, InvalidInput
from aufbruch.contracts.ideas import OFFICIAL_STATUSES
from services.ideas import answers, domain, processes
from services.ideas.answers import ACCEPTED, DECLINED, IMPLEMENTED, IN_IMPLEMENTATION, UNDER_EVALUATION
from services.ideas.processes import CLOSED, OPEN, UPCOMING, Process

CONFIGURED = ["mobility", "environment", "other"]
BERLIN = ZoneInfo("Europe/Berlin")
SUMMIT = Process(
    "digitalgipfel-2027",
    "Digitalgipfel 2027",
    "Ideen für den Gipfel.",
    ["mobility"],
    opens_on=date(2027, 3, 1),
    closes_on=date(2027, 3, 31),
)
STANDING = Process("standing", "Ideen für Gütersloh", "Immer offen.", [])


# --- processes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "today, expected",
    [(date(2027, 2, 28), UPCOMING), (date(2027, 3, 1), OPEN), (date(2027, 3, 31), OPEN), (date(2027, 4, 1), CLOSED)],
)
def test_a_process_is_open_from_its_first_to_its_last_day_both_inclusive(today, expected):
    assert processes.state(SUMMIT, today) == expected


def test_missing_dates_are_no_limit():
    assert processes.state(STANDING, date(1990, 1, 1)) == processes.state(STANDING, date(2999, 1, 1)) == OPEN
    open_ended = Process("ohne-ende", "Ohne Ende", "x", [], opens_on=date(2027, 3, 1))
    assert processes.state(open_ended, date(2099, 1, 1)) == OPEN


def test_the_day_is_the_citys_day():
    # 22:30 UTC on 31 March is 00:30 on 1 April in Gütersloh: the process has closed there.
    late_evening_utc = datetime(2027, 3, 31, 22, 30, tzinfo=UTC)
    assert processes.city_today(BERLIN, late_evening_utc) == date(2027, 4, 1)
    assert processes.city_today(ZoneInfo("UTC"), late_evening_utc) == date(2027, 3, 31)


@pytest.mark.parametrize("today", [SUMMIT.opens_on, date(2027, 3, 15), SUMMIT.closes_on])
def test_an_open_process_admits_its_categories_from_its_first_to_its_last_day(today):
    assert processes.admit(SUMMIT, "mobility", CONFIGURED, today) is None  # neither Conflict nor InvalidInput


@pytest.mark.parametrize(
    "today, word", [(date(2027, 2, 28), "opens on 2027-03-01"), (date(2027, 4, 1), "closed on 2027-03-31")]
)
def test_a_process_that_is_not_open_refuses_with_a_conflict_naming_the_date(today, word):
    with pytest.raises(Conflict, match=word):
        processes.admit(SUMMIT, "mobility", CONFIGURED, today)


def test_a_category_outside_the_process_is_invalid_input_naming_category():
    with pytest.raises(InvalidInput) as refused:
        processes.admit(SUMMIT, "environment", CONFIGURED, date(2027, 3, 15))
    assert list(refused.value.errors) == ["category"]
    assert "mobility" in refused.value.errors["category"][0]


def test_the_standing_process_takes_every_configured_category():
    assert processes.categories(STANDING, CONFIGURED) == CONFIGURED
    for category in CONFIGURED:
        processes.admit(STANDING, category, CONFIGURED, date(2027, 3, 15))


def test_changing_a_process_keeps_its_dates_consistent_and_leaves_the_standing_one_alone():
    extended = processes.change(SUMMIT, {"closes_on": date(2027, 4, 30)})
    assert extended.closes_on == date(2027, 4, 30) and extended.title == SUMMIT.title
    assert SUMMIT.closes_on == date(2027, 3, 31)
    with pytest.raises(InvalidInput) as refused:
        processes.change(SUMMIT, {"closes_on": date(2027, 2, 1)})
    assert list(refused.value.errors) == ["closes_on"]
    with pytest.raises(Conflict):
        processes.change(STANDING, {"title": "Anders"})


# --- answers -----------------------------------------------------------------------------------

SUBMISSION = {
    "title": "Mehr Bänke im Stadtpark",
    "description": "Entlang der Wege fehlen Sitzplätze.",
    "category": "environment",
    "district": None,
    "author": None,
}


def idea(status=domain.PUBLISHED, official_status=None) -> domain.Idea:
    made = domain.new_idea(SUBMISSION)
    made.status, made.official_status = status, official_status
    return made


ALLOWED = {
    None: {UNDER_EVALUATION, ACCEPTED, DECLINED},
    UNDER_EVALUATION: {UNDER_EVALUATION, ACCEPTED, DECLINED},
    ACCEPTED: {ACCEPTED, IN_IMPLEMENTATION, IMPLEMENTED, DECLINED},
    IN_IMPLEMENTATION: {IN_IMPLEMENTATION, IMPLEMENTED, DECLINED},
    IMPLEMENTED: {IMPLEMENTED},
    DECLINED: {DECLINED, UNDER_EVALUATION},
}
TRANSITIONS = [(current, target) for current in ALLOWED for target in OFFICIAL_STATUSES]


@pytest.mark.parametrize("current, target", TRANSITIONS)
def test_which_official_status_may_follow_which(current, target):
    answered = idea(official_status=current)
    if target in ALLOWED[current]:
        given = answers.answer(answered, target, "Antwort der Stadt.")
        assert (given.official_status, given.previous_status) == (target, current)
        assert answered.official_status == target
    else:
        with pytest.raises(Conflict):
            answers.answer(answered, target, "Antwort der Stadt.")
        assert answered.official_status == current


@pytest.mark.parametrize("status", [domain.SUBMITTED, domain.IN_REVIEW, domain.REJECTED, domain.HIDDEN])
def test_only_a_published_idea_is_answered(status):
    with pytest.raises(Conflict, match=status):
        answers.answer(idea(status=status), UNDER_EVALUATION, "Wir prüfen das.")


def test_an_answer_is_dated_and_belongs_to_its_idea():
    answered = idea()
    at = datetime(2027, 5, 1, 8, 0, tzinfo=UTC)
    given = answers.answer(answered, ACCEPTED, "Wird gemacht.", now=at)
    assert (given.idea_id, given.answered_at, given.text) == (answered.id, at, "Wird gemacht.")
