"""What a service's handlers get instead of a connection: a unit of work whose `transaction()` yields
the service's repository on one transaction's connection, so that unit tests hand the same handlers a
fake (cosmicpython's pattern) while the services use the database.

`services/<name>/repository.py` defines `class Repository(Transaction)` with its SQL; its service
builds `UnitOfWork(self.db, repository.Repository)`.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

from aufbruch import inbox, outbox
from aufbruch.contracts.events import Event
from aufbruch.db import Database, DirectDatabase


class Transaction:
    """A repository's base: the transaction's connection, its record of consumed events and its outbox."""

    def __init__(self, conn):
        self.conn = conn

    def first_delivery(self, event: Event) -> bool:
        return inbox.first_delivery(self.conn, event)

    def new_events(self, events: list[Event]) -> list[Event]:
        return inbox.new_events(self.conn, events)

    def add_event(self, event_type: str, data: dict) -> None:
        outbox.add_event(self.conn, event_type, data)


R = TypeVar("R", bound=Transaction)


class UnitOfWork(Generic[R]):
    """`with uow.transaction() as repository:` commits when the block ends, rolls back if it raises."""

    def __init__(self, db: Database | DirectDatabase, repository: Callable[..., R]):
        self.db = db
        self.repository = repository

    @contextmanager
    def transaction(self) -> Iterator[R]:
        with self.db.transaction() as conn:
            yield self.repository(conn)
