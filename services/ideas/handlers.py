"""The ideas service's use cases; the entrypoints in service.py only translate to and from them."""
import uuid
from functools import lru_cache

from aufbruch import inbox, outbox
from aufbruch.contracts.errors import Conflict, InvalidInput, NotFound, validated
from aufbruch.contracts.events import Event
from aufbruch.contracts.ideas import IdeaListQuery, IdeaSubmission, PublicIdea, Receipt
from aufbruch.pseudonyms import pseudonym
from services.ideas import domain, repository

IDEMPOTENCY_KEY_MAX_LENGTH = 200
RECEIPT = Receipt()


class _KeyAlreadyUsed(Exception):
    """Rolls back a submission whose Idempotency-Key a concurrent request stored first."""

    def __init__(self, stored: dict):
        self.stored = stored


def _idea_id(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(f"No idea with id {value}.") from None



@lru_cache(maxsize=4)
def submission_schema(categories: tuple[str, ...]) -> IdeaSubmission:
    """Built once per list of categories: building a marshmallow schema deep-copies its fields,
    a cost the busiest endpoint should not pay per request (BENCHMARKS.md)."""
    return IdeaSubmission(list(categories))


def author_key(secret: str, author: dict | None) -> str | None:
    """The submitter's pseudonym for `idea.submitted` (a keyed hash, never the address), or None
    when the citizen gave no address."""
    email = (author or {}).get("email")
    return pseudonym(secret, email) if email else None


def submit(db, categories: list[str], payload, idempotency_key: str | None,
           pseudonym_secret: str) -> tuple[dict, bool]:
    """Store a new idea with its `idea.submitted` event in one transaction. A repeated
    Idempotency-Key returns the first idea again; the flag says whether this call created it.
    The event carries the submitter's pseudonymous `author_key`, keyed with `pseudonym_secret`."""
    submission = validated(submission_schema(tuple(categories)), payload)
    if idempotency_key is not None and not 0 < len(idempotency_key) <= IDEMPOTENCY_KEY_MAX_LENGTH:
        raise InvalidInput({"Idempotency-Key": [f"Must be 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} characters."]})
    fingerprint = domain.request_fingerprint(submission)
    try:
        with db.transaction() as conn:
            if idempotency_key:
                stored = repository.find_by_idempotency_key(conn, idempotency_key)
                if stored:
                    raise _KeyAlreadyUsed(stored)
            idea = domain.new_idea(submission)
            repository.add(conn, idea, submission["author"])
            outbox.add_event(conn, "idea.submitted", vars(idea) | {
                "idea_id": idea.id, "author_key": author_key(pseudonym_secret, submission["author"])})
            if idempotency_key:
                stored = repository.claim_idempotency_key(conn, idempotency_key, fingerprint, idea.id)
                if stored["idea_id"] != idea.id:
                    raise _KeyAlreadyUsed(stored)
    except _KeyAlreadyUsed as used:
        if used.stored["request_fingerprint"] != fingerprint:
            raise Conflict("This Idempotency-Key was already used for a different idea.") from None
        with db.transaction() as conn:
            return RECEIPT.dump(vars(repository.get(conn, used.stored["idea_id"]))), False
    return RECEIPT.dump(vars(idea)), True


def public_idea(db, idea_id) -> dict:
    with db.transaction() as conn:
        idea = repository.get(conn, _idea_id(idea_id))
    if idea is None:
        raise NotFound(f"No idea with id {idea_id}.")
    if idea.status == domain.HIDDEN:  # its status is public, its content is not until a moderator decides
        return PublicIdea(only=("id", "status", "category", "submitted_at")).dump(vars(idea))
    return PublicIdea().dump(vars(idea))


def published_ideas(db, query: dict) -> dict:
    params = validated(IdeaListQuery(), query)
    offset = (params["page"] - 1) * params["per_page"]
    with db.transaction() as conn:
        ideas, total = repository.list_published(conn, params["category"], params["per_page"], offset)
    return {
        "items": PublicIdea(many=True).dump([vars(idea) for idea in ideas]),
        "page": params["page"],
        "per_page": params["per_page"],
        "total": total,
    }


def submitter_contact(db, idea_id) -> dict | None:
    with db.transaction() as conn:
        return repository.contact(conn, _idea_id(idea_id))


def apply_visibility(db, event: Event) -> None:
    """idea.hidden / idea.unhidden from moderation: withdraw a published idea or show it again."""
    change = domain.hide if event.type == "idea.hidden" else domain.unhide
    with db.transaction() as conn:
        if not inbox.first_delivery(conn, event):
            return
        idea = repository.get(conn, event.data["idea_id"], for_update=True)
        if idea is None:
            raise LookupError(f"{event.type} for unknown idea {event.data['idea_id']}")
        if change(idea):
            repository.save_status(conn, idea)


def apply_moderation_decision(db, event: Event) -> None:
    decision = event.data
    with db.transaction() as conn:
        if not inbox.first_delivery(conn, event):
            return
        idea = repository.get(conn, decision["idea_id"], for_update=True)
        if idea is None:
            raise LookupError(f"decision for unknown idea {decision['idea_id']}")
        if not domain.apply_decision(idea, decision["decision"], decision["reasons"], decision["decided_at"]):
            return
        repository.save_status(conn, idea)
        if idea.status == domain.PUBLISHED:
            outbox.add_event(conn, "idea.published", vars(idea) | {"idea_id": idea.id})
        elif idea.status == domain.REJECTED:
            outbox.add_event(conn, "idea.rejected", {
                "idea_id": idea.id, "category": idea.category,
                "reasons": idea.rejection_reasons, "rejected_at": idea.decided_at})
