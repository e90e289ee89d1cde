"""Participation processes: when one takes ideas and which categories; pure.

A process is open from the start of `opens_on` to the end of `closes_on`, both city days
(CITY_TIMEZONE) and both inclusive; a missing date is no limit on that side. So a process with
`closes_on` 2027-03-31 still takes an idea at 23:59 on 31 March in the city, and refuses it (409) from
midnight on. The standing process has neither date and no categories of its own: it takes every
configured category, always.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from aufbruch.contracts.errors import Conflict, InvalidInput
from aufbruch.contracts.ideas import STANDING_PROCESS

UPCOMING, OPEN, CLOSED = "upcoming", "open", "closed"


@dataclass
class Process:
    id: str
    title: str
    description: str
    categories: list[str]
    opens_on: date | None = None
    closes_on: date | None = None

    @property
    def standing(self) -> bool:
        return self.id == STANDING_PROCESS


def city_today(city: ZoneInfo, now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(city).date()


def state(process: Process, today: date) -> str:
    if process.opens_on is not None and today < process.opens_on:
        return UPCOMING
    if process.closes_on is not None and today > process.closes_on:
        return CLOSED
    return OPEN


def categories(process: Process, configured: list[str]) -> list[str]:
    """The categories an idea in `process` may have: its own, or every configured one if it names none."""
    return list(process.categories) or list(configured)


def admit(process: Process, category: str, configured: list[str], today: date) -> None:
    """Whether `process` takes an idea of `category` today: Conflict (409) unless it is open,
    InvalidInput naming `category` unless the category is one of the process's."""
    current = state(process, today)
    if current == UPCOMING:
        raise Conflict(f"The process {process.id} opens on {process.opens_on}; it takes no ideas yet.")
    if current == CLOSED:
        raise Conflict(f"The process {process.id} closed on {process.closes_on}; it takes no more ideas.")
    allowed = categories(process, configured)
    if category not in allowed:
        raise InvalidInput({"category": [f"The process {process.id} takes only: {', '.join(allowed)}."]})


def change(process: Process, changes: dict) -> Process:
    """`process` with `changes` (validated ProcessChanges) applied; the standing process never changes,
    and the dates must still make sense together."""
    if process.standing:
        raise Conflict("The standing process cannot be changed.")
    changed = Process(**(vars(process) | changes))
    if changed.opens_on is not None and changed.closes_on is not None and changed.closes_on < changed.opens_on:
        raise InvalidInput({"closes_on": ["Must not be before opens_on."]})
    return changed
