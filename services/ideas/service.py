"""The ideas service: takes ideas in, keeps their status, and announces every change as an event."""
import uuid
from pathlib import Path

from marshmallow import ValidationError
from nameko.dependency_providers import Config
from nameko.rpc import rpc

from aufbruch import inbox, outbox
from aufbruch.config import categories
from aufbruch.contracts.errors import Conflict, InvalidInput, NotFound
from aufbruch.contracts.events import parse_event
from aufbruch.contracts.ideas import IdeaListQuery, IdeaSubmission, PublicIdea, Receipt
from aufbruch.db import Database
from aufbruch.entrypoints import Pingable, PublishesEvents
from aufbruch.messaging import on_event
from services.ideas import domain, repository
IDEMPOTENCY_KEY_MAX_LENGTH = 200


class _KeyAlreadyUsed(Exception):
    """Rolls back a submission whose Idempotency-Key a concurrent request stored first."""

    def __init__(self, stored: dict):
        self.stored = stored


def _idea_id(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(f"No idea with id {value}.") from None


def _validated(schema, payload: dict) -> dict:
    try:
        return schema.load(payload)
    except ValidationError as exc:
        raise InvalidInput(exc.messages) from None


class IdeasService(Pingable, PublishesEvents):
    name = "ideas"
    config = Config()

    db = Database("ideas", Path(__file__).parent / "migrations")

    @rpc
    def submit(self, payload: dict, idempotency_key: str | None = None) -> dict:
        """Store a new idea with its `idea.submitted` event; a repeated Idempotency-Key returns the
        first idea again. The receipt says whether this call created the idea."""
        submission = _validated(IdeaSubmission(categories(self.config)), payload)
        if idempotency_key is not None and not 0 < len(idempotency_key) <= IDEMPOTENCY_KEY_MAX_LENGTH:
            raise InvalidInput({"Idempotency-Key": [f"Must be 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} characters."]})
        fingerprint = domain.request_fingerprint(submission)
        try:
            with self.db.transaction() as conn:
                if idempotency_key:
                    stored = repository.find_by_idempotency_key(conn, idempotency_key)
                    if stored:
                        raise _KeyAlreadyUsed(stored)
                idea = domain.new_idea(submission)
                repository.add(conn, idea, submission["author"])
                outbox.add_event(conn, "idea.submitted", vars(idea) | {"idea_id": idea.id})
                if idempotency_key:
                    stored = repository.claim_idempotency_key(conn, idempotency_key, fingerprint, idea.id)
                    if stored["idea_id"] != idea.id:
                        raise _KeyAlreadyUsed(stored)
        except _KeyAlreadyUsed as used:
            return self._replay(used.stored, fingerprint)
        return Receipt().dump(vars(idea)) | {"created": True}

    def _replay(self, stored: dict, fingerprint: str) -> dict:
        if stored["request_fingerprint"] != fingerprint:
            raise Conflict("This Idempotency-Key was already used for a different idea.")
        with self.db.transaction() as conn:
            idea = repository.get(conn, stored["idea_id"])
        return Receipt().dump(vars(idea)) | {"created": False}

    @rpc
    def get(self, idea_id) -> dict:
        with self.db.transaction() as conn:
            idea = repository.get(conn, _idea_id(idea_id))
        if idea is None:
            raise NotFound(f"No idea with id {idea_id}.")
        return PublicIdea().dump(vars(idea))

    @rpc
    def list_published(self, query: dict) -> dict:
        params = _validated(IdeaListQuery(), query)
        offset = (params["page"] - 1) * params["per_page"]
        with self.db.transaction() as conn:
            ideas, total = repository.list_published(conn, params["category"], params["per_page"], offset)
        return {
            "items": PublicIdea(many=True).dump([vars(idea) for idea in ideas]),
            "page": params["page"],
            "per_page": params["per_page"],
            "total": total,
        }

    @rpc
    def get_contact(self, idea_id) -> dict | None:
        """The submitter's name and address, for notifications only; never part of an event."""
        with self.db.transaction() as conn:
            return repository.contact(conn, _idea_id(idea_id))

    @on_event("moderation.decided")
    def on_moderation_decided(self, body: dict):
        event = parse_event(body)
        decision = event.data
        with self.db.transaction() as conn:
            if not inbox.first_delivery(conn, event):
                return
            idea = repository.get(conn, decision["idea_id"], for_update=True)
            if idea is None:
                raise LookupError(f"decision for unknown idea {decision['idea_id']}")
            if not domain.apply_decision(idea, decision["decision"], decision["reasons"],
                                         decision["decided_at"]):
                return
            repository.save_status(conn, idea)
            if idea.status == domain.PUBLISHED:
                outbox.add_event(conn, "idea.published", vars(idea) | {"idea_id": idea.id})
            elif idea.status == domain.REJECTED:
                outbox.add_event(conn, "idea.rejected", {
                    "idea_id": idea.id, "category": idea.category,
                    "reasons": idea.rejection_reasons, "rejected_at": idea.decided_at})
