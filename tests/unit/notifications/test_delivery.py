"""Unit tests of the retry schedule for mails after passing failures."""

from datetime import UTC, datetime, timedelta

import pytest

from services.notifications.delivery import (
    FIRST_RETRY_DELAY,
    LONGEST_RETRY_DELAY,
    MAX_ATTEMPTS,
    RATE_WINDOW,
    batch_due,
    gives_up,
    rate_limited_until,
    retry_delay,
)


def test_first_retry_waits_ten_seconds():
    assert FIRST_RETRY_DELAY == timedelta(seconds=10)
    assert retry_delay(1) == timedelta(seconds=10)


@pytest.mark.parametrize(
    "attempts, seconds", [(1, 10), (2, 20), (3, 40), (4, 80), (5, 160), (6, 320), (7, 640), (8, 1280), (9, 2560)]
)
def test_delay_doubles_with_each_attempt(attempts, seconds):
    assert retry_delay(attempts) == timedelta(seconds=seconds)


def test_delay_is_capped_at_one_hour():
    assert LONGEST_RETRY_DELAY == timedelta(hours=1)
    assert retry_delay(10) == timedelta(hours=1)  # 5120 s uncapped
    assert retry_delay(MAX_ATTEMPTS) == timedelta(hours=1)
    assert retry_delay(40) == timedelta(hours=1)


def test_delay_stays_capped_for_any_number_of_attempts():
    assert retry_delay(1000) == timedelta(hours=1)


def test_delays_never_shrink():
    delays = [retry_delay(attempts) for attempts in range(1, MAX_ATTEMPTS + 5)]
    assert delays == sorted(delays)


@pytest.mark.parametrize("attempts", range(1, MAX_ATTEMPTS))
def test_keeps_trying_below_max_attempts(attempts):
    assert gives_up(attempts) is False


@pytest.mark.parametrize("attempts", [MAX_ATTEMPTS, MAX_ATTEMPTS + 1, 100])
def test_gives_up_at_max_attempts(attempts):
    assert gives_up(attempts) is True


def test_retries_span_hours_not_minutes_before_giving_up():
    total = sum((retry_delay(attempts) for attempts in range(1, MAX_ATTEMPTS)), timedelta())
    assert timedelta(hours=2) < total < timedelta(days=1)


# --- the per-recipient rate limit and batch intervals ------------------------------------------

NOW = datetime(2025, 5, 12, 12, 0, tzinfo=UTC)


def test_below_the_limit_a_mail_may_go_now():
    assert rate_limited_until([], 3) is None
    assert rate_limited_until([NOW - timedelta(minutes=5)] * 2, 3) is None


def test_at_the_limit_the_next_mail_waits_until_the_oldest_counted_send_leaves_the_window():
    sent = [NOW - timedelta(minutes=50), NOW - timedelta(minutes=20), NOW - timedelta(minutes=5)]
    assert rate_limited_until(sent, 3) == NOW + timedelta(minutes=10)


def test_over_the_limit_it_waits_for_enough_sends_to_leave_the_window():
    sent = [NOW - timedelta(minutes=minutes) for minutes in (55, 40, 30, 10)]
    assert rate_limited_until(sent, 2) == NOW - timedelta(minutes=10) + RATE_WINDOW - timedelta(minutes=20)


def test_a_moderator_alert_is_due_once_its_interval_passed_or_if_none_went_yet():
    assert batch_due(None, timedelta(minutes=15), NOW)
    assert not batch_due(NOW - timedelta(minutes=14), timedelta(minutes=15), NOW)
    assert batch_due(NOW - timedelta(minutes=15), timedelta(minutes=15), NOW)
