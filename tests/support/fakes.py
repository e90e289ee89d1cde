"""The in-memory unit of work the unit tests hand a service's real handlers (aufbruch/unit_of_work.py)."""

import copy
from contextlib import contextmanager


class FakeUnitOfWork:
    """Each transaction works on a copy of `store` through `repository(copy)`, a service's fake
    repository, and keeps the copy only when its block ends without an exception: as a database
    transaction commits or rolls back."""

    def __init__(self, store, repository):
        self.store = store
        self.repository = repository

    @contextmanager
    def transaction(self):
        working = copy.deepcopy(self.store)
        yield self.repository(working)
        self.store = working
