"""Unit tests of when mails go: how long they are retried, the per-recipient rate limit and batch
intervals (the retry schedule itself: tests/unit/test_backoff.py)."""

from datetime import UTC, datetime, timedelta

from services.notifications.delivery import RATE_WINDOW, RETRIES, batch_due, rate_limited_until


def test_a_mail_is_retried_for_hours_not_minutes_before_it_counts_as_failed():
    total = sum((RETRIES.delay(attempts) for attempts in range(1, RETRIES.attempts)), timedelta())
    assert RETRIES.delay(1) == timedelta(seconds=10)
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
