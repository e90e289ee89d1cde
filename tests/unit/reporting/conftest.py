"""An in-memory fake of reporting's repository, so that the unit tests run the real handlers (through
tests/support/unit_of_work.py's fakes): the event log (one entry per event id), the idea facts, the
projection's version."""

import pytest

from aufbruch.contracts.events import CATALOG, Event
from services.reporting.projection import IdeaFacts
from tests.support.unit_of_work import FakeTransaction, FakeUnitOfWork


class FakeRepository(FakeTransaction):
    def __init__(self):
        super().__init__()
        self.log: dict = {}  # event id -> (event, the data as received)
        self.facts: dict = {}
        self.version: int | None = None

    def log_events(self, events, raw_data):
        fresh = {event.id: (event, data) for event, data in zip(events, raw_data, strict=True)}
        fresh = {event_id: entry for event_id, entry in fresh.items() if event_id not in self.log}
        self.log |= fresh
        return set(fresh)

    def logged_events(self, event_types):
        """Parsed again from the data as logged, as the real replay reads them."""
        logged = sorted(self.log.values(), key=lambda entry: (entry[0].time, entry[0].id))
        for event, data in logged:
            if event.type in event_types:
                yield Event(event.id, event.type, event.time, CATALOG[event.type].schema.load(data))

    def count_logged_events(self):
        return len(self.log)

    def lock_idea_facts(self, idea_ids):
        return {idea_id: self.facts.get(idea_id) or IdeaFacts(idea_id) for idea_id in sorted(idea_ids)}

    def save_idea_facts(self, facts):
        self.facts |= {each.idea_id: each for each in facts}

    def clear_projections(self):
        self.facts = {}

    def insert_idea_facts(self, facts):
        self.save_idea_facts(facts)

    def all_idea_facts(self):
        return list(self.facts.values())

    def published_ideas(self):
        public = [each for each in self.facts.values() if each.status == "published"]
        return [
            {name: getattr(each, name) for name in ("idea_id", "title", "description", "category", "district")}
            | {"published_at": each.published_at}
            for each in sorted(public, key=lambda each: (each.published_at, each.idea_id))
        ]

    def projection_version(self):
        return self.version

    def set_projection_version(self, version, events):
        self.version = version

    def lock_for_rebuild(self):
        pass  # one process, one transaction at a time


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork(FakeRepository())
