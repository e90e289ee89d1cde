"""An in-memory fake of the ideas service's repository, so that the unit tests run the real handlers
(through tests/support/unit_of_work.py's fakes). Events go through the shared contracts
(aufbruch.contracts.events.new_event) as the outbox sends them."""

import dataclasses
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from aufbruch.contracts.events import new_event
from aufbruch.contracts.ideas import NOT_ANSWERED, STANDING_PROCESS
from services.ideas.answers import SETTLED
from services.ideas.domain import PUBLISHED
from services.ideas.processes import Process
from services.ideas.settings import IdeasSettings
from tests.support.unit_of_work import FakeTransaction, FakeUnitOfWork

CATEGORIES = ("administration", "education", "mobility", "economy", "culture", "environment", "health", "other")


class FakeRepository(FakeTransaction):
    def __init__(self):
        super().__init__()
        self.ideas: dict = {}
        self.contacts: dict = {}
        self.assisted: dict = {}
        self.keys: dict = {}
        self.given_answers: list = []  # (answer, who gave it)
        self.processes: dict = {STANDING_PROCESS: Process(STANDING_PROCESS, "Ideen für Gütersloh", "Jederzeit.", [])}

    def add_event(self, event_type, data):
        """Kept as the outbox sends it: serialised through the event's contract, which checks it."""
        super().add_event(event_type, new_event(event_type, data)["data"])

    def add(self, idea, author, locale):
        self.ideas[idea.id] = dataclasses.replace(idea)
        if author and (author.get("name") or author.get("email")):
            self.contacts[idea.id] = {**author, "locale": locale, "title": idea.title}

    def get(self, idea_id, for_update=False):
        idea = self.ideas.get(idea_id)
        return dataclasses.replace(idea) if idea else None  # a change counts only once saved

    def save_status(self, idea):
        stored = self.ideas[idea.id]
        for name in ("status", "published_at", "decided_at", "rejection_reasons"):
            setattr(stored, name, getattr(idea, name))

    def list_published(self, filters, limit, offset):
        def matches(idea):
            wanted = {name: value for name, value in vars(filters).items() if value is not None}
            if wanted.get("official_status") == NOT_ANSWERED:
                wanted["official_status"] = None
            return idea.status == PUBLISHED and all(getattr(idea, name) == value for name, value in wanted.items())

        found = sorted(filter(matches, self.ideas.values()), key=lambda idea: (-idea.published_at.timestamp(), idea.id))
        return [dataclasses.replace(idea) for idea in found[offset : offset + limit]], len(found)

    def open311_requests(self, settled, start, end, categories, limit):
        def matches(idea):
            return (
                idea.status == PUBLISHED
                and settled in (None, idea.official_status in SETTLED)
                and start <= idea.submitted_at
                and (end is None or idea.submitted_at <= end)
                and (categories is None or idea.category in categories)
            )

        found = sorted(filter(matches, self.ideas.values()), key=lambda idea: idea.submitted_at, reverse=True)
        return [dataclasses.replace(idea) for idea in found[:limit]]

    def check(self):
        pass  # memory always answers

    def contact(self, idea_id):
        contact = self.contacts.get(idea_id)
        return contact if contact and contact.get("email") else None

    def erase_contacts(self, email):
        erased = [
            key for key, contact in self.contacts.items() if (contact.get("email") or "").lower() == email.lower()
        ]
        for key in erased:
            del self.contacts[key]
        return len(erased)

    def claim_idempotency_key(self, key, fingerprint, idea_id):
        return self.keys.setdefault(key, {"request_fingerprint": fingerprint, "idea_id": idea_id})

    def find_by_idempotency_key(self, key):
        return self.keys.get(key)

    def add_assistance(self, idea_id, staff_user_id, consent_given_at):
        self.assisted[idea_id] = staff_user_id

    def add_answer(self, answer, staff_user_id):
        self.given_answers.append((answer, staff_user_id))
        self.ideas[answer.idea_id].official_status = answer.official_status

    def answers(self, idea_id):
        return [answer for answer, _ in self.given_answers if answer.idea_id == idea_id]

    def process(self, process_id, for_update=False):
        process = self.processes.get(process_id)
        return dataclasses.replace(process) if process else None

    def add_process(self, new):
        return self.processes.setdefault(new.id, new) is new

    def save_process(self, changed):
        self.processes[changed.id] = changed

    def processes_with_figures(self, process_id=None):
        submitted = Counter(idea.process_id for idea in self.ideas.values())
        published = Counter(idea.process_id for idea in self.ideas.values() if idea.status == PUBLISHED)
        return [
            (process, {"ideas_submitted": submitted[process.id], "ideas_published": published[process.id]})
            for process in self.processes.values()
            if process_id in (None, process.id)
        ]


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork(FakeRepository())


@pytest.fixture
def settings() -> IdeasSettings:
    return IdeasSettings(categories=CATEGORIES, pseudonym_secret="unit-test-secret", city=ZoneInfo("Europe/Berlin"))
