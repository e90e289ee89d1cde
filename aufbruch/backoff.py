"""The one retry policy for what failed for a passing reason (a busy mail server, a webhook endpoint
that is down): tried again after growing delays, until its attempts are used up; pure."""

from dataclasses import dataclass
from datetime import timedelta

FIRST_DELAY = timedelta(seconds=10)
LONGEST_DELAY = timedelta(hours=1)


@dataclass(frozen=True)
class Retries:
    """`attempts` tries in all; after the n-th failed one the next waits `first` doubled n-1 times,
    at most `longest`. Each use chooses only how many attempts it is worth."""

    attempts: int
    first: timedelta = FIRST_DELAY
    longest: timedelta = LONGEST_DELAY

    def delay(self, failed_attempts: int) -> timedelta:
        """How long the next try waits after the `failed_attempts`-th failure."""
        if failed_attempts < 1:
            raise ValueError("failed_attempts counts failed attempts, starting at 1")
        doublings = min(failed_attempts - 1, 32)  # 2**32 × anything sensible is past any cap: no huge integers
        return min(self.first * 2**doublings, self.longest)

    def gives_up(self, failed_attempts: int) -> bool:
        return failed_attempts >= self.attempts

    def next_try_in(self, failed_attempts: int) -> timedelta | None:
        """The delay before the next try, or None once the attempts are used up (give up)."""
        return None if self.gives_up(failed_attempts) else self.delay(failed_attempts)
