"""An in-memory fake of the ideas service's repository, so that the unit tests run the real handlers
(through tests/support/fakes.py's unit of work). Events go through the shared contracts
(aufbruch.contracts.events.new_event) as the outbox sends them."""

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest

from aufbruch.contracts.events import new_event
from aufbruch.contracts.ideas import NOT_ANSWERED, STANDING_PROCESS
from services.ideas.domain import PUBLISHED
from services.ideas.processes import Process
from services.ideas.settings import IdeasSettings
from tests.support.fakes import FakeUnitOfWork

CATEGORIES = ("administration", "education", "mobility", "economy", "culture", "environment", "health", "other")


@dataclass
class Store:
    ideas: dict = field(default_factory=dict)
    contacts: dict = field(default_factory=dict)
    assisted: dict = field(default_factory=dict)
    keys: dict = field(default_factory=dict)
    answers: list = field(default_factory=list)
    processes: dict = field(
        default_factory=lambda: {STANDING_PROCESS: Process(STANDING_PROCESS, "Ideen für Gütersloh", "Jederzeit.", [])}
    )
    handled: set = field(default_factory=set)
    events: list = field(default_factory=list)  # the CloudEvents, in the order they were added


class FakeRepository:
    def __init__(self, store: Store):
        self.store = store

    def new_events(self, events):
        fresh = {event.id: event for event in events if event.id not in self.store.handled}
        self.store.handled |= set(fresh)
        return list(fresh.values())

    def add_event(self, event_type, data):
        self.store.events.append(new_event(event_type, data))

    def add(self, idea, author, locale):
        self.store.ideas[idea.id] = dataclasses.replace(idea)
        if author and (author.get("name") or author.get("email")):
            self.store.contacts[idea.id] = {**author, "locale": locale, "title": idea.title}

    def get(self, idea_id, for_update=False):
        idea = self.store.ideas.get(idea_id)
        return dataclasses.replace(idea) if idea else None  # a change counts only once saved

    def save_status(self, idea):
        stored = self.store.ideas[idea.id]
        for name in ("status", "published_at", "decided_at", "rejection_reasons"):
            setattr(stored, name, getattr(idea, name))

    def list_published(self, filters, limit, offset):
        def matches(idea):
            wanted = {name: value for name, value in vars(filters).items() if value is not None}
            if wanted.get("official_status") == NOT_ANSWERED:
                wanted["official_status"] = None
            return idea.status == PUBLISHED and all(getattr(idea, name) == value for name, value in wanted.items())

        found = sorted(
            filter(matches, self.store.ideas.values()), key=lambda idea: (-idea.published_at.timestamp(), idea.id)
        )
        return [dataclasses.replace(idea) for idea in found[offset : offset + limit]], len(found)

    def contact(self, idea_id):
        contact = self.store.contacts.get(idea_id)
        return contact if contact and contact.get("email") else None

    def erase_contacts(self, email):
        erased = [
            key for key, contact in self.store.contacts.items() if (contact.get("email") or "").lower() == email.lower()
        ]
        for key in erased:
            del self.store.contacts[key]
        return len(erased)

    def claim_idempotency_key(self, key, fingerprint, idea_id):
        return self.store.keys.setdefault(key, {"request_fingerprint": fingerprint, "idea_id": idea_id})

    def find_by_idempotency_key(self, key):
        return self.store.keys.get(key)

    def add_assistance(self, idea_id, staff_user_id, consent_given_at):
        self.store.assisted[idea_id] = staff_user_id

    def add_answer(self, answer, staff_user_id):
        self.store.answers.append((answer, staff_user_id))
        self.store.ideas[answer.idea_id].official_status = answer.official_status

    def answers(self, idea_id):
        return [answer for answer, _ in self.store.answers if answer.idea_id == idea_id]

    def process(self, process_id, for_update=False):
        process = self.store.processes.get(process_id)
        return dataclasses.replace(process) if process else None

    def add_process(self, new):
        return self.store.processes.setdefault(new.id, new) is new

    def save_process(self, changed):
        self.store.processes[changed.id] = changed

    def processes_with_figures(self, process_id=None):
        submitted = Counter(idea.process_id for idea in self.store.ideas.values())
        published = Counter(idea.process_id for idea in self.store.ideas.values() if idea.status == PUBLISHED)
        return [
            (process, {"ideas_submitted": submitted[process.id], "ideas_published": published[process.id]})
            for process in self.store.processes.values()
            if process_id in (None, process.id)
        ]


class IdeasUnitOfWork(FakeUnitOfWork):
    def events(self, event_type: str) -> list[dict]:
        """The events of `event_type` committed so far, as the outbox would send them."""
        return [event for event in self.store.events if event["type"] == event_type]


@pytest.fixture
def uow() -> IdeasUnitOfWork:
    return IdeasUnitOfWork(Store(), FakeRepository)


@pytest.fixture
def settings() -> IdeasSettings:
    return IdeasSettings(categories=CATEGORIES, pseudonym_secret="unit-test-secret", city=ZoneInfo("Europe/Berlin"))
