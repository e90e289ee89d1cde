"""When to try a mail again after a passing failure; pure."""
from datetime import timedelta

from aufbruch.backoff import doubling_delay

FIRST_RETRY_DELAY = timedelta(seconds=10)
LONGEST_RETRY_DELAY = timedelta(hours=1)
MAX_ATTEMPTS = 21  # 10 s doubling to hourly tries: about 12 hours before a mail counts as failed


def retry_delay(attempts: int) -> timedelta:
    """Delay after the `attempts`-th failed attempt: doubling from FIRST_RETRY_DELAY, capped."""
    return doubling_delay(attempts, FIRST_RETRY_DELAY, LONGEST_RETRY_DELAY)


def gives_up(attempts: int) -> bool:
    return attempts >= MAX_ATTEMPTS
