"""When to send a mail: how often a passing failure is retried (the one policy of aufbruch/backoff.py),
the per-recipient rate limit and batch intervals; pure."""

from datetime import datetime, timedelta

from aufbruch.backoff import Retries

RETRIES = Retries(attempts=21)  # 10 s doubling to hourly tries: about 12 hours before a mail counts as failed
RATE_WINDOW = timedelta(hours=1)


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
