"""A service's unit of work: what its handlers take to reach the database, so that unit tests can
hand them an in-memory fake instead (cosmicpython's pattern).

`with uow.transaction() as repository:` is one database transaction, seen through the service's
`Repository` (its repository.py, which holds all its SQL); it commits when the block ends and rolls
back if it raises. A service declares `class UnitOfWork(unit_of_work.UnitOfWork[Repository])` with
`repository = Repository`, over its Database (a worker) or a DirectDatabase (a command-line tool).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

from aufbruch.db import Database, DirectDatabase

R = TypeVar("R")


class UnitOfWork(Generic[R]):
    repository: Callable[[Any], R]  # the service's Repository, built on a transaction's connection

    def __init__(self, db: Database | DirectDatabase):
        self.db = db

    @contextmanager
    def transaction(self) -> Iterator[R]:
        with self.db.transaction() as conn:
            yield self.repository(conn)
