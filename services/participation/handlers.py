"""The participation service's use cases: supports confirmed by mail, comments moderated by the
moderation service, and what participation knows of ideas from the public events.

Each use case takes its unit of work (aufbruch/unit_of_work.py; a fake in the unit tests) and input
that service.py has parsed and validated already."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from aufbruch.contracts.errors import Conflict, InvalidInput, NotFound
from aufbruch.contracts.events import Event
from aufbruch.contracts.ideas import chosen_locale
from aufbruch.pseudonyms import pseudonym
from aufbruch.unit_of_work import UnitOfWork
from services.participation import links, threads
from services.participation.repository import Repository
from services.participation.settings import ParticipationSettings

PUBLISHED = "published"
IDEA_STATUS_OF_EVENT = {"idea.submitted": "submitted", "idea.published": PUBLISHED, "idea.rejected": "rejected"}
# comment.moderated's decision -> the comment's status; a decision never takes a posted comment back
# (a moderator hides it instead), so "review" and "approve" only move a comment still waiting.
COMMENT_STATUS_OF_DECISION = {"approve": threads.POSTED, "reject": "rejected", "review": "in_review"}
WAITING = ("submitted", "in_review")

# (address, idea title, confirm URL, withdraw URL, locale): hands the mail to notifications.
SendConfirmation = Callable[[str, str, str, str, str], None]


def _now() -> datetime:
    return datetime.now(UTC)


def _known_idea(repo: Repository, idea_id: uuid.UUID, for_update: bool = False) -> dict:
    idea = repo.idea(idea_id, for_update=for_update)
    if idea is None:
        raise NotFound(f"No idea with id {idea_id}.")
    return idea


def _accepts_participation(idea: dict) -> bool:
    return idea["status"] == PUBLISHED and not idea["hidden"]


def _open_idea(repo: Repository, idea_id: uuid.UUID, for_update: bool = False) -> dict:
    """The idea if citizens may support and comment on it now: published and not hidden, else Conflict."""
    idea = _known_idea(repo, idea_id, for_update)
    if not _accepts_participation(idea):
        raise Conflict("Only published ideas can be supported or commented on.")
    return idea


# --- ideas, from the public events ---------------------------------------------------------------


def remember_ideas(uow: UnitOfWork[Repository], events: list[Event]) -> None:
    with uow.transaction() as repo:
        for event in repo.new_events(events):
            repo.remember_idea(
                event.data["idea_id"],
                IDEA_STATUS_OF_EVENT[event.type],
                event.data.get("title") if event.type == "idea.published" else None,
            )


def apply_idea_visibility(uow: UnitOfWork[Repository], events: list[Event]) -> None:
    with uow.transaction() as repo:
        for event in repo.new_events(events):
            hidden = event.type == "idea.hidden"
            repo.set_idea_hidden(event.data["idea_id"], hidden, event.data["hidden_at" if hidden else "unhidden_at"])


# --- supports ------------------------------------------------------------------------------------


def request_support(
    uow: UnitOfWork[Repository],
    settings: ParticipationSettings,
    idea_id: uuid.UUID,
    support: dict,
    accepted_locale: str | None,
    send_confirmation: SendConfirmation,
) -> None:
    """Mail the links to the web's confirm and withdraw pages; the support counts once confirmed.
    The address goes to notifications only: the links carry its pseudonym. The mail and its pages are
    in the request's `locale`, else `accepted_locale` (the request's Accept-Language), else German."""
    with uow.transaction() as repo:
        idea = _open_idea(repo, idea_id)
    email = support["email"]
    locale = chosen_locale(support["locale"], accepted_locale)
    person_key = pseudonym(settings.pseudonym_secret, email)
    confirm_url, withdraw_url = (
        links.page_url(
            settings.public_web_url,
            locale,
            action,
            links.sign(settings.link_secret, action, idea["idea_id"], person_key),
        )
        for action in (links.CONFIRM, links.WITHDRAW)
    )
    send_confirmation(email, idea["title"], confirm_url, withdraw_url, locale)


def _link(settings: ParticipationSettings, action: str, token: str) -> tuple[uuid.UUID, str]:
    try:
        return links.verify(settings.link_secret, action, token)
    except links.InvalidLink as exc:
        raise InvalidInput({"token": [str(exc)]}) from None


def confirm_support(uow: UnitOfWork[Repository], settings: ParticipationSettings, token: str) -> dict:
    """Count the link's person once for its idea; confirming again changes nothing."""
    idea_id, person_key = _link(settings, links.CONFIRM, token)
    with uow.transaction() as repo:
        _open_idea(repo, idea_id, for_update=True)  # the lock makes the counts in events exact
        added = repo.add_support(idea_id, person_key)
        count = repo.support_count(idea_id)
        if added:
            repo.add_event("idea.supported", {"idea_id": idea_id, "support_count": count, "supported_at": _now()})
    return {"idea_id": idea_id, "supported": True, "count": count}


def withdraw_support(uow: UnitOfWork[Repository], settings: ParticipationSettings, token: str) -> dict:
    idea_id, person_key = _link(settings, links.WITHDRAW, token)
    with uow.transaction() as repo:
        _known_idea(repo, idea_id, for_update=True)
        removed = repo.remove_support(idea_id, person_key)
        count = repo.support_count(idea_id)
        if removed:
            repo.add_event(
                "idea.support_withdrawn", {"idea_id": idea_id, "support_count": count, "withdrawn_at": _now()}
            )
    return {"idea_id": idea_id, "supported": False, "count": count}


def withdrawal_state(uow: UnitOfWork[Repository], settings: ParticipationSettings, token: str) -> dict:
    """What a withdrawal link would withdraw, without withdrawing it (the page before the button)."""
    idea_id, person_key = _link(settings, links.WITHDRAW, token)
    with uow.transaction() as repo:
        idea = _known_idea(repo, idea_id)
        supported = repo.supports(idea_id, person_key)
        count = repo.support_count(idea_id)
    return {"idea_id": idea_id, "supported": supported, "count": count, "title": idea["title"]}


def support_count(uow: UnitOfWork[Repository], idea_id: uuid.UUID) -> dict:
    with uow.transaction() as repo:
        idea = _known_idea(repo, idea_id)
        count = repo.support_count(idea["idea_id"])
    return {"idea_id": idea["idea_id"], "count": count, "open": _accepts_participation(idea)}


# --- comments ------------------------------------------------------------------------------------


def submit_comment(uow: UnitOfWork[Repository], idea_id: uuid.UUID, submission: dict) -> dict:
    """Store the comment as submitted and hand its text (never the name) to moderation."""
    with uow.transaction() as repo:
        idea = _open_idea(repo, idea_id)
        if submission["parent_id"] is not None:
            threads.check_parent(repo.comment(submission["parent_id"]), idea["idea_id"])
        comment = repo.add_comment(
            uuid.uuid4(), idea["idea_id"], submission["parent_id"], submission["body"], submission["author_name"]
        )
        repo.add_event(
            "comment.submitted",
            {
                "comment_id": comment["id"],
                "idea_id": comment["idea_id"],
                "parent_id": comment["parent_id"],
                "body": comment["body"],
                "submitted_at": comment["submitted_at"],
            },
        )
    return comment


def apply_comment_decision(uow: UnitOfWork[Repository], event: Event) -> None:
    decision = event.data
    with uow.transaction() as repo:
        if not repo.first_delivery(event):
            return
        comment = repo.comment(decision["comment_id"], for_update=True)
        if comment is None:
            raise LookupError(f"decision for unknown comment {decision['comment_id']}")
        status = COMMENT_STATUS_OF_DECISION[decision["decision"]]
        if comment["status"] not in WAITING or comment["status"] == status:
            return
        comment = repo.set_comment_status(comment["id"], status)
        if status == threads.POSTED:
            repo.add_event(
                "comment.posted",
                {
                    "comment_id": comment["id"],
                    "idea_id": comment["idea_id"],
                    "parent_id": comment["parent_id"],
                    "body": comment["body"],
                    "posted_at": comment["posted_at"],
                },
            )


def apply_comment_visibility(uow: UnitOfWork[Repository], event: Event) -> None:
    hidden = event.type == "comment.hidden"
    with uow.transaction() as repo:
        if repo.first_delivery(event):
            repo.set_comment_hidden(
                event.data["comment_id"], hidden, event.data["hidden_at" if hidden else "unhidden_at"]
            )


def comment_threads(uow: UnitOfWork[Repository], idea_id: uuid.UUID) -> dict:
    """The visible comments of a visible idea, threaded; never an address (none is ever stored)."""
    with uow.transaction() as repo:
        idea = _known_idea(repo, idea_id)
        visible = repo.visible_comments(idea["idea_id"]) if _accepts_participation(idea) else []
    items = threads.threads(visible)
    return {"idea_id": idea["idea_id"], "items": items, "total": sum(1 + len(item["replies"]) for item in items)}
