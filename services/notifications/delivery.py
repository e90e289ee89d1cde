"""When to send a mail: retries after a passing failure, the per-recipient rate limit and batch
intervals; pure."""

from datetime import datetime, timedelta

from aufbruch.backoff import doubling_delay

FIRST_RETRY_DELAY = timedelta(seconds=10)
LONGEST_RETRY_DELAY = timedelta(hours=1)
MAX_ATTEMPTS = 21  # 10 s doubling to hourly tries: about 12 hours before a mail counts as failed
RATE_WINDOW = timedelta(hours=1)


def retry_delay(attempts: int) -> timedelta:
    """Delay after the `attempts`-th failed attempt: doubling from FIRST_RETRY_DELAY, capped."""
    return doubling_delay(attempts, FIRST_RETRY_DELAY, LONGEST_RETRY_DELAY)


def gives_up(attempts: int) -> bool:
    return attempts >= MAX_ATTEMPTS


def rate_limited_until(
    sent_within_window: list[datetime], limit: int, window: timedelta = RATE_WINDOW
) -> datetime | None:
    """None if one more mail may go to a recipient who was sent mails at `sent_within_window` (the
    sends of the last `window`); else when it may: once the `limit`-th latest send leaves the window."""
    if len(sent_within_window) < limit:
        return None
    return sorted(sent_within_window)[-limit] + window


def batch_due(last_sent_at: datetime | None, interval: timedelta, now: datetime) -> bool:
    """Whether a batched mail (moderator alert) may go `now`, the last one having gone at
    `last_sent_at` (None: never)."""
    return last_sent_at is None or now - last_sent_at >= interval
