"""When to try a mail again after a passing failure; pure."""
from datetime import timedelta

FIRST_RETRY_DELAY = timedelta(seconds=10)
LONGEST_RETRY_DELAY = timedelta(hours=1)
MAX_ATTEMPTS = 21  # 10 s doubling to hourly tries: about 12 hours before a mail counts as failed


def retry_delay(attempts: int) -> timedelta:
    """Delay after the `attempts`-th failed attempt: doubling from FIRST_RETRY_DELAY, capped."""
    doublings = min(attempts - 1, 16)  # 2**16 × FIRST_RETRY_DELAY is past the cap already
    return min(FIRST_RETRY_DELAY * 2 ** doublings, LONGEST_RETRY_DELAY)


def gives_up(attempts: int) -> bool:
    return attempts >= MAX_ATTEMPTS
