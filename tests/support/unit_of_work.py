"""In-memory stand-ins for aufbruch/unit_of_work.py, so that unit tests run a service's real handlers
(cosmicpython's fakes): a service's fake repository extends `FakeTransaction` with its tables."""

import copy
import uuid
from contextlib import contextmanager


class FakeTransaction:
    """The consumed-event record and the outbox of `aufbruch.unit_of_work.Transaction`, in memory."""

    def __init__(self):
        self.seen: set[uuid.UUID] = set()
        self.events: list[tuple[str, dict]] = []

    def first_delivery(self, event) -> bool:
        return bool(self.new_events([event]))

    def new_events(self, events: list) -> list:
        fresh = [event for event in {event.id: event for event in events}.values() if event.id not in self.seen]
        self.seen |= {event.id for event in fresh}
        return fresh

    def add_event(self, event_type: str, data: dict) -> None:
        self.events.append((event_type, data))

    def events_of(self, event_type: str) -> list[dict]:
        """The data of every event of `event_type` recorded so far, in order."""
        return [data for type_, data in self.events if type_ == event_type]


class FakeUnitOfWork:
    """`transaction()` yields the one fake repository; a transaction that raises leaves nothing behind,
    as the database's would."""

    def __init__(self, repo: FakeTransaction):
        self.repo = repo

    @contextmanager
    def transaction(self):
        saved = copy.deepcopy(vars(self.repo))
        try:
            yield self.repo
        except BaseException:
            vars(self.repo).clear()
            vars(self.repo).update(saved)
            raise
