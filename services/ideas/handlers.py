"""The ideas service's use cases for ideas: taking them in, showing them, and following moderation.
The city's answers and the participation processes are in city_handlers.py.

Each use case takes its unit of work (`aufbruch.unit_of_work.UnitOfWork`, or a fake in the unit tests) and input
already parsed at the edge; service.py only translates to and from them.
"""

import uuid
from dataclasses import fields
from functools import lru_cache

from aufbruch.contracts.errors import Conflict, InvalidInput, NotFound, resource_id, validated
from aufbruch.contracts.events import Event
from aufbruch.contracts.ideas import (
    STANDING_PROCESS,
    AssistedSubmission,
    IdeaListQuery,
    IdeaSubmission,
    PublicIdea,
    Receipt,
    chosen_locale,
)
from aufbruch.pseudonyms import pseudonym
from aufbruch.unit_of_work import UnitOfWork
from services.ideas import domain, processes
from services.ideas.repository import Repository
from services.ideas.settings import IdeasSettings

IDEMPOTENCY_KEY_MAX_LENGTH = 200
RECEIPT = Receipt()


class _KeyAlreadyUsed(Exception):
    """Rolls back a submission whose Idempotency-Key a concurrent request stored first."""

    def __init__(self, stored: dict):
        self.stored = stored


def idea_id_of(value) -> uuid.UUID:
    return resource_id(value, "idea")


@lru_cache(maxsize=8)
def submission_schema(kind: type[IdeaSubmission], categories: tuple[str, ...]) -> IdeaSubmission:
    """Built once per kind and list of categories: building a marshmallow schema deep-copies its
    fields, a cost the busiest endpoint should not pay per request (BENCHMARKS.md)."""
    return kind(list(categories))


def author_key(secret: str, author: dict | None) -> str | None:
    """The submitter's pseudonym for `idea.submitted` (a keyed hash, never the address), or None
    when the citizen gave no address."""
    email = (author or {}).get("email")
    return pseudonym(secret, email) if email else None


def submit(
    uow: UnitOfWork[Repository],
    settings: IdeasSettings,
    payload,
    idempotency_key: str | None,
    accepted_locale: str | None = None,
) -> tuple[dict, bool]:
    """Store a new idea with its `idea.submitted` event in one transaction. A repeated
    Idempotency-Key returns the first idea again; the flag says whether this call created it.
    The event carries the submitter's pseudonymous `author_key`, keyed with the pseudonym secret.
    Its process must be open today in the city (409) and take its category (422). The mails'
    language is the submission's `locale`, else `accepted_locale` (the best match of the request's
    Accept-Language), else the city's."""
    submission = validated(submission_schema(IdeaSubmission, settings.categories), payload)
    return _take_in(uow, settings, submission, idempotency_key, accepted_locale)


def submit_assisted(
    uow: UnitOfWork[Repository], settings: IdeasSettings, payload, idempotency_key: str | None, principal: dict
) -> tuple[dict, bool]:
    """As `submit`, for a citizen at a service desk: staff (`principal`) enter the idea with the
    citizen's consent; the idea is marked assisted, and who entered it is kept, never shown."""
    submission = validated(submission_schema(AssistedSubmission, settings.categories), payload)
    return _take_in(uow, settings, submission, idempotency_key, assisted_by=uuid.UUID(str(principal["user_id"])))


def _take_in(
    uow: UnitOfWork[Repository],
    settings: IdeasSettings,
    submission: dict,
    idempotency_key: str | None,
    accepted_locale: str | None = None,
    assisted_by: uuid.UUID | None = None,
) -> tuple[dict, bool]:
    locale = chosen_locale(submission["locale"], accepted_locale)
    if idempotency_key is not None and not 0 < len(idempotency_key) <= IDEMPOTENCY_KEY_MAX_LENGTH:
        raise InvalidInput({"Idempotency-Key": [f"Must be 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} characters."]})
    fingerprint = domain.request_fingerprint(submission)
    try:
        with uow.transaction() as ideas:
            if idempotency_key:
                stored = ideas.find_by_idempotency_key(idempotency_key)
                if stored:
                    raise _KeyAlreadyUsed(stored)
            _admit(ideas, submission, settings)
            idea = domain.new_idea(submission, assisted=assisted_by is not None)
            ideas.add(idea, submission["author"], locale)
            if assisted_by is not None:
                ideas.add_assistance(idea.id, assisted_by, idea.submitted_at)
            ideas.add_event(
                "idea.submitted",
                vars(idea)
                | {"idea_id": idea.id, "author_key": author_key(settings.pseudonym_secret, submission["author"])},
            )
            if idempotency_key:
                stored = ideas.claim_idempotency_key(idempotency_key, fingerprint, idea.id)
                if stored["idea_id"] != idea.id:
                    raise _KeyAlreadyUsed(stored)
    except _KeyAlreadyUsed as used:
        if used.stored["request_fingerprint"] != fingerprint:
            raise Conflict("This Idempotency-Key was already used for a different idea.") from None
        with uow.transaction() as ideas:
            return RECEIPT.dump(vars(ideas.get(used.stored["idea_id"]))), False
    return RECEIPT.dump(vars(idea)), True


def _admit(ideas: Repository, submission: dict, settings: IdeasSettings) -> None:
    process_id = submission.get("process_id") or STANDING_PROCESS
    process = ideas.process(process_id)
    if process is None:
        raise InvalidInput({"process_id": [f"No process with id {process_id} (see GET /api/v1/processes)."]})
    processes.admit(process, submission["category"], list(settings.categories), processes.city_today(settings.city))


def public_idea(uow: UnitOfWork[Repository], idea_id) -> dict:
    with uow.transaction() as ideas:
        idea = ideas.get(idea_id_of(idea_id))
        if idea is None:
            raise NotFound(f"No idea with id {idea_id}.")
        if idea.status == domain.HIDDEN:  # its status is public, its content is not until a moderator decides
            return PublicIdea(only=("id", "status", "category", "submitted_at")).dump(vars(idea))
        history = ideas.answers(idea.id)
    return PublicIdea().dump(vars(idea) | {"answers": [vars(each) for each in history]})


def published_ideas(uow: UnitOfWork[Repository], query: dict) -> dict:
    params = validated(IdeaListQuery(), query)
    offset = (params["page"] - 1) * params["per_page"]
    filters = domain.IdeaFilters(**{field.name: params.get(field.name) for field in fields(domain.IdeaFilters)})
    with uow.transaction() as ideas:
        found, total = ideas.list_published(filters, params["per_page"], offset)
    return {
        "items": PublicIdea(many=True, exclude=("answers",)).dump([vars(idea) for idea in found]),
        "page": params["page"],
        "per_page": params["per_page"],
        "total": total,
    }


def submitter_contact(uow: UnitOfWork[Repository], idea_id) -> dict | None:
    with uow.transaction() as ideas:
        return ideas.contact(idea_id_of(idea_id))


def erase_contacts(uow: UnitOfWork[Repository], email: str) -> int:
    with uow.transaction() as ideas:
        return ideas.erase_contacts(email)


def apply_visibility(uow: UnitOfWork[Repository], events: list[Event]) -> None:
    """idea.hidden / idea.unhidden from moderation: withdraw a published idea or show it again."""
    with uow.transaction() as ideas:
        for event in ideas.new_events(events):
            change = domain.hide if event.type == "idea.hidden" else domain.unhide
            idea = ideas.get(event.data["idea_id"], for_update=True)
            if idea is None:
                raise LookupError(f"{event.type} for unknown idea {event.data['idea_id']}")
            if change(idea):
                ideas.save_status(idea)


def apply_moderation_decisions(uow: UnitOfWork[Repository], events: list[Event]) -> None:
    with uow.transaction() as ideas:
        for event in ideas.new_events(events):
            _apply_moderation_decision(ideas, event.data)


def _apply_moderation_decision(ideas: Repository, decision: dict) -> None:
    idea = ideas.get(decision["idea_id"], for_update=True)
    if idea is None:
        raise LookupError(f"decision for unknown idea {decision['idea_id']}")
    if not domain.apply_decision(idea, decision["decision"], decision["reasons"], decision["decided_at"]):
        return
    ideas.save_status(idea)
    if idea.status == domain.PUBLISHED:
        ideas.add_event("idea.published", vars(idea) | {"idea_id": idea.id})
    elif idea.status == domain.REJECTED:
        ideas.add_event(
            "idea.rejected",
            {
                "idea_id": idea.id,
                "category": idea.category,
                "reasons": idea.rejection_reasons,
                "rejected_at": idea.decided_at,
            },
        )
