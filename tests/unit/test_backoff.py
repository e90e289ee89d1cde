"""The one retry policy of mails and webhooks (aufbruch/backoff.py)."""

from datetime import timedelta

import pytest

from aufbruch.backoff import Retries

RETRIES = Retries(attempts=21)


@pytest.mark.parametrize("failed, seconds", [(1, 10), (2, 20), (3, 40), (4, 80), (9, 2560), (10, 3600), (1000, 3600)])
def test_the_delay_starts_at_ten_seconds_doubles_and_is_capped_at_an_hour(failed, seconds):
    assert RETRIES.delay(failed) == timedelta(seconds=seconds)


def test_delays_never_shrink():
    delays = [RETRIES.delay(failed) for failed in range(1, 100)]
    assert delays == sorted(delays)


def test_the_last_attempt_gets_no_next_try():
    assert RETRIES.next_try_in(20) == timedelta(hours=1)
    assert RETRIES.next_try_in(21) is None and RETRIES.next_try_in(22) is None
    assert not RETRIES.gives_up(20) and RETRIES.gives_up(21)


def test_a_delay_needs_a_failed_attempt():
    with pytest.raises(ValueError):
        RETRIES.delay(0)
