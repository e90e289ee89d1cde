"""An in-memory fake of reporting's repository, so that the unit tests run the real handlers (through
tests/support/fakes.py's unit of work): the event log (one entry per event id), the idea facts, the
projection's version."""

from dataclasses import dataclass, field

import pytest

from aufbruch.contracts.events import CATALOG, Event
from services.reporting.projection import IdeaFacts
from tests.support.fakes import FakeUnitOfWork


@dataclass
class Store:
    log: dict = field(default_factory=dict)  # event id -> (event, the data as received)
    facts: dict = field(default_factory=dict)
    version: int | None = None


class FakeRepository:
    def __init__(self, store: Store):
        self.store = store

    def log_events(self, events, raw_data):
        fresh = {event.id: (event, data) for event, data in zip(events, raw_data, strict=True)}
        fresh = {event_id: entry for event_id, entry in fresh.items() if event_id not in self.store.log}
        self.store.log |= fresh
        return set(fresh)

    def logged_events(self, event_types):
        """Parsed again from the data as logged, as the real replay reads them."""
        logged = sorted(self.store.log.values(), key=lambda entry: (entry[0].time, entry[0].id))
        for event, data in logged:
            if event.type in event_types:
                yield Event(event.id, event.type, event.time, CATALOG[event.type].schema.load(data))

    def count_logged_events(self):
        return len(self.store.log)

    def lock_idea_facts(self, idea_ids):
        return {idea_id: self.store.facts.get(idea_id) or IdeaFacts(idea_id) for idea_id in sorted(idea_ids)}

    def save_idea_facts(self, facts):
        self.store.facts |= {each.idea_id: each for each in facts}

    def clear_projections(self):
        self.store.facts = {}

    def insert_idea_facts(self, facts):
        self.save_idea_facts(facts)

    def all_idea_facts(self):
        return list(self.store.facts.values())

    def projection_version(self):
        return self.store.version

    def set_projection_version(self, version, events):
        self.store.version = version

    def lock_for_rebuild(self):
        pass  # one process, one transaction at a time


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork(Store(), FakeRepository)
