"""Growing delays between retries of something that failed for a passing reason; pure."""

from datetime import timedelta


def doubling_delay(attempts: int, first: timedelta, longest: timedelta) -> timedelta:
    """Delay after the `attempts`-th failed attempt: `first`, doubling with every attempt, at most
    `longest`."""
    if attempts < 1:
        raise ValueError("attempts counts failed attempts, starting at 1")
    doublings = min(attempts - 1, 32)  # 2**32 × anything sensible is past any cap: no huge integers
    return min(first * 2**doublings, longest)
