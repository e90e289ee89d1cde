"""The ideas service's use cases; the entrypoints in service.py only translate to and from them."""

import uuid
from dataclasses import fields
from functools import lru_cache
from zoneinfo import ZoneInfo

from aufbruch import inbox, outbox
from aufbruch.contracts.errors import Conflict, InvalidInput, NotFound, resource_id, validated
from aufbruch.contracts.events import Event
from aufbruch.contracts.ideas import (
    DEFAULT_LOCALE,
    STANDING_PROCESS,
    AssistedSubmission,
    IdeaListQuery,
    IdeaSubmission,
    NewAnswer,
    NewProcess,
    ProcessChanges,
    PublicAnswer,
    PublicIdea,
    PublicProcess,
    Receipt,
)
from aufbruch.pseudonyms import pseudonym
from services.ideas import answers, domain, processes, repository

IDEMPOTENCY_KEY_MAX_LENGTH = 200
RECEIPT = Receipt()


class _KeyAlreadyUsed(Exception):
    """Rolls back a submission whose Idempotency-Key a concurrent request stored first."""

    def __init__(self, stored: dict):
        self.stored = stored


def _idea_id(value) -> uuid.UUID:
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
    db,
    categories: list[str],
    payload,
    idempotency_key: str | None,
    pseudonym_secret: str,
    city: ZoneInfo,
    accepted_locale: str | None = None,
) -> tuple[dict, bool]:
    """Store a new idea with its `idea.submitted` event in one transaction. A repeated
    Idempotency-Key returns the first idea again; the flag says whether this call created it.
    The event carries the submitter's pseudonymous `author_key`, keyed with `pseudonym_secret`.
    Its process must be open today in the `city` (409) and take its category (422). The mails'
    language is the submission's `locale`, else `accepted_locale` (the best match of the request's
    Accept-Language), else the city's."""
    submission = validated(submission_schema(IdeaSubmission, tuple(categories)), payload)
    return _take_in(db, categories, submission, idempotency_key, pseudonym_secret, city, accepted_locale)


def submit_assisted(
    db,
    categories: list[str],
    payload,
    idempotency_key: str | None,
    pseudonym_secret: str,
    city: ZoneInfo,
    principal: dict,
) -> tuple[dict, bool]:
    """As `submit`, for a citizen at a service desk: staff (`principal`) enter the idea with the
    citizen's consent; the idea is marked assisted, and who entered it is kept, never shown."""
    submission = validated(submission_schema(AssistedSubmission, tuple(categories)), payload)
    return _take_in(
        db,
        categories,
        submission,
        idempotency_key,
        pseudonym_secret,
        city,
        assisted_by=uuid.UUID(str(principal["user_id"])),
    )


def _take_in(
    db,
    categories: list[str],
    submission: dict,
    idempotency_key: str | None,
    pseudonym_secret: str,
    city: ZoneInfo,
    accepted_locale: str | None = None,
    assisted_by: uuid.UUID | None = None,
) -> tuple[dict, bool]:
    locale = submission["locale"] or accepted_locale or DEFAULT_LOCALE
    if idempotency_key is not None and not 0 < len(idempotency_key) <= IDEMPOTENCY_KEY_MAX_LENGTH:
        raise InvalidInput({"Idempotency-Key": [f"Must be 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} characters."]})
    fingerprint = domain.request_fingerprint(submission)
    try:
        with db.transaction() as conn:
            if idempotency_key:
                stored = repository.find_by_idempotency_key(conn, idempotency_key)
                if stored:
                    raise _KeyAlreadyUsed(stored)
            _admit(conn, submission, categories, city)
            idea = domain.new_idea(submission, assisted=assisted_by is not None)
            repository.add(conn, idea, submission["author"], locale)
            if assisted_by is not None:
                repository.add_assistance(conn, idea.id, assisted_by, idea.submitted_at)
            outbox.add_event(
                conn,
                "idea.submitted",
                vars(idea) | {"idea_id": idea.id, "author_key": author_key(pseudonym_secret, submission["author"])},
            )
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


def _admit(conn, submission: dict, categories: list[str], city: ZoneInfo) -> None:
    process_id = submission.get("process_id") or STANDING_PROCESS
    process = repository.process(conn, process_id)
    if process is None:
        raise InvalidInput({"process_id": [f"No process with id {process_id} (see GET /api/v1/processes)."]})
    processes.admit(process, submission["category"], categories, processes.city_today(city))


def public_idea(db, idea_id) -> dict:
    with db.transaction() as conn:
        idea = repository.get(conn, _idea_id(idea_id))
        if idea is None:
            raise NotFound(f"No idea with id {idea_id}.")
        if idea.status == domain.HIDDEN:  # its status is public, its content is not until a moderator decides
            return PublicIdea(only=("id", "status", "category", "submitted_at")).dump(vars(idea))
        history = repository.answers(conn, idea.id)
    return PublicIdea().dump(vars(idea) | {"answers": [vars(each) for each in history]})


def published_ideas(db, query: dict) -> dict:
    params = validated(IdeaListQuery(), query)
    offset = (params["page"] - 1) * params["per_page"]
    filters = domain.IdeaFilters(**{field.name: params.get(field.name) for field in fields(domain.IdeaFilters)})
    with db.transaction() as conn:
        ideas, total = repository.list_published(conn, filters, params["per_page"], offset)
    return {
        "items": PublicIdea(many=True, exclude=("answers",)).dump([vars(idea) for idea in ideas]),
        "page": params["page"],
        "per_page": params["per_page"],
        "total": total,
    }


def submitter_contact(db, idea_id) -> dict | None:
    with db.transaction() as conn:
        return repository.contact(conn, _idea_id(idea_id))


def erase_contacts(db, email: str) -> int:
    with db.transaction() as conn:
        return repository.erase_contacts(conn, email)


def apply_visibility(db, events: list[Event]) -> None:
    """idea.hidden / idea.unhidden from moderation: withdraw a published idea or show it again."""
    with db.transaction() as conn:
        for event in inbox.new_events(conn, events):
            change = domain.hide if event.type == "idea.hidden" else domain.unhide
            idea = repository.get(conn, event.data["idea_id"], for_update=True)
            if idea is None:
                raise LookupError(f"{event.type} for unknown idea {event.data['idea_id']}")
            if change(idea):
                repository.save_status(conn, idea)


def apply_moderation_decisions(db, events: list[Event]) -> None:
    with db.transaction() as conn:
        for event in inbox.new_events(conn, events):
            _apply_moderation_decision(conn, event.data)


def _apply_moderation_decision(conn, decision: dict) -> None:
    idea = repository.get(conn, decision["idea_id"], for_update=True)
    if idea is None:
        raise LookupError(f"decision for unknown idea {decision['idea_id']}")
    if not domain.apply_decision(idea, decision["decision"], decision["reasons"], decision["decided_at"]):
        return
    repository.save_status(conn, idea)
    if idea.status == domain.PUBLISHED:
        outbox.add_event(conn, "idea.published", vars(idea) | {"idea_id": idea.id})
    elif idea.status == domain.REJECTED:
        outbox.add_event(
            conn,
            "idea.rejected",
            {
                "idea_id": idea.id,
                "category": idea.category,
                "reasons": idea.rejection_reasons,
                "rejected_at": idea.decided_at,
            },
        )


# --- the city's answers (issue 9) ------------------------------------------------------------------


def answer(db, idea_id, payload, principal: dict) -> dict:
    """The city's official answer to a published idea, given by staff (`principal`, kept internally
    and never shown), announced as `idea.status_changed`; 409 if the idea is not published or the
    status may not follow its current one (services/ideas/answers.py)."""
    request = validated(NewAnswer(), payload)
    with db.transaction() as conn:
        idea = repository.get(conn, _idea_id(idea_id), for_update=True)  # answers of one idea in turn
        if idea is None:
            raise NotFound(f"No idea with id {idea_id}.")
        given = answers.answer(idea, request["status"], request["text"])
        repository.add_answer(conn, given, uuid.UUID(str(principal["user_id"])))
        outbox.add_event(
            conn,
            "idea.status_changed",
            {
                "idea_id": idea.id,
                "answer_id": given.id,
                "title": idea.title,
                "process_id": idea.process_id,
                "official_status": given.official_status,
                "previous_status": given.previous_status,
                "answer": given.text,
                "answered_at": given.answered_at,
            },
        )
    return PublicAnswer().dump(vars(given))


def idea_answers(db, idea_id) -> dict:
    """The public answer history, oldest first; only of a published idea (404 otherwise, like its text)."""
    with db.transaction() as conn:
        idea = repository.get(conn, _idea_id(idea_id))
        if idea is None or idea.status != domain.PUBLISHED:
            raise NotFound(f"No published idea with id {idea_id}.")
        history = repository.answers(conn, idea.id)
    return {"items": PublicAnswer(many=True).dump([vars(each) for each in history])}


# --- participation processes (issue 9) -------------------------------------------------------------


def _process_view(process: processes.Process, figures: dict, categories: list[str], city: ZoneInfo) -> dict:
    return PublicProcess().dump(
        vars(process)
        | {
            "categories": processes.categories(process, categories),
            "state": processes.state(process, processes.city_today(city)),
            "standing": process.standing,
            "figures": figures,
        }
    )


def list_processes(db, categories: list[str], city: ZoneInfo) -> dict:
    with db.transaction() as conn:
        found = repository.processes_with_figures(conn)
    return {"items": [_process_view(process, figures, categories, city) for process, figures in found]}


def public_process(db, categories: list[str], process_id: str, city: ZoneInfo) -> dict:
    with db.transaction() as conn:
        found = repository.processes_with_figures(conn, process_id)
    if not found:
        raise NotFound(f"No process with id {process_id}.")
    [(process, figures)] = found
    return _process_view(process, figures, categories, city)


def create_process(db, categories: list[str], payload, city: ZoneInfo) -> dict:
    """A new process (admins, over the gateway); 409 if its id is taken."""
    new = processes.Process(**validated(NewProcess(categories), payload))
    with db.transaction() as conn:
        if not repository.add_process(conn, new):
            raise Conflict(f"A process with id {new.id} exists already.")
    return public_process(db, categories, new.id, city)


def change_process(db, categories: list[str], process_id: str, payload, city: ZoneInfo) -> dict:
    """Change a process's title, description, categories or dates (admins). Ideas it took already
    stay in it, whatever their category or date."""
    changes = validated(ProcessChanges(categories), payload)
    with db.transaction() as conn:
        process = repository.process(conn, process_id, for_update=True)
        if process is None:
            raise NotFound(f"No process with id {process_id}.")
        repository.save_process(conn, processes.change(process, changes))
    return public_process(db, categories, process_id, city)
