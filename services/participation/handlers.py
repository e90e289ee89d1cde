"""The participation service's use cases: supports confirmed by mail, comments moderated by the
moderation service, and what participation knows of ideas from the public events."""

import uuid
from datetime import UTC, datetime
from urllib.parse import urlencode

from aufbruch import inbox, outbox
from aufbruch.contracts.errors import Conflict, InvalidInput, NotFound, resource_id, validated
from aufbruch.contracts.events import Event
from aufbruch.contracts.participation import (
    CommentReceipt,
    CommentSubmission,
    CommentThreads,
    SupportCount,
    SupportLink,
    SupportRequest,
    SupportState,
    WithdrawalState,
)
from aufbruch.pseudonyms import pseudonym
from services.participation import links, repository, threads

PUBLISHED = "published"
IDEA_STATUS_OF_EVENT = {"idea.submitted": "submitted", "idea.published": PUBLISHED, "idea.rejected": "rejected"}
# comment.moderated's decision -> the comment's status; a decision never takes a posted comment back
# (a moderator hides it instead), so "review" and "approve" only move a comment still waiting.
COMMENT_STATUS_OF_DECISION = {"approve": threads.POSTED, "reject": "rejected", "review": "in_review"}
WAITING = ("submitted", "in_review")


def _now() -> datetime:
    return datetime.now(UTC)


def _known_idea(conn, idea_id, for_update: bool = False) -> dict:
    idea = repository.idea(conn, resource_id(idea_id, "idea"), for_update=for_update)
    if idea is None:
        raise NotFound(f"No idea with id {idea_id}.")
    return idea


def _accepts_participation(idea: dict) -> bool:
    return idea["status"] == PUBLISHED and not idea["hidden"]


def _open_idea(conn, idea_id, for_update: bool = False) -> dict:
    """The idea if citizens may support and comment on it now: published and not hidden, else Conflict."""
    idea = _known_idea(conn, idea_id, for_update)
    if not _accepts_participation(idea):
        raise Conflict("Only published ideas can be supported or commented on.")
    return idea


# --- ideas, from the public events ---------------------------------------------------------------


def remember_ideas(db, events: list[Event]) -> None:
    with db.transaction() as conn:
        for event in inbox.new_events(conn, events):
            repository.remember_idea(
                conn,
                event.data["idea_id"],
                IDEA_STATUS_OF_EVENT[event.type],
                event.data.get("title") if event.type == "idea.published" else None,
            )


def apply_idea_visibility(db, events: list[Event]) -> None:
    with db.transaction() as conn:
        for event in inbox.new_events(conn, events):
            hidden = event.type == "idea.hidden"
            repository.set_idea_hidden(
                conn, event.data["idea_id"], hidden, event.data["hidden_at" if hidden else "unhidden_at"]
            )


# --- supports ------------------------------------------------------------------------------------


def request_support(
    db, idea_id, payload: dict, pseudonym_secret: str, link_secret: str, base_url: str, send_confirmation
) -> dict:
    """Mail a confirmation link; the support counts once its link is followed.

    `send_confirmation(address, idea_title, confirm_url, withdraw_url)` hands the mail to the
    notifications service. The address goes nowhere else: the links carry its pseudonym.
    """
    request = validated(SupportRequest(), payload)
    with db.transaction() as conn:
        idea = _open_idea(conn, idea_id)
    person_key = pseudonym(pseudonym_secret, request["email"])
    urls = {
        action: f"{base_url.rstrip('/')}/api/v1/supports/{action}?"
        + urlencode({"token": links.sign(link_secret, action, idea["idea_id"], person_key)})
        for action in (links.CONFIRM, links.WITHDRAW)
    }
    send_confirmation(request["email"], idea["title"], urls[links.CONFIRM], urls[links.WITHDRAW])
    return {"status": "confirmation_sent"}


def _link(payload: dict, action: str, link_secret: str) -> tuple[uuid.UUID, str]:
    token = validated(SupportLink(), payload)["token"]
    try:
        return links.verify(link_secret, action, token)
    except links.InvalidLink as exc:
        raise InvalidInput({"token": [str(exc)]}) from None


def confirm_support(db, payload: dict, link_secret: str) -> dict:
    """Count the link's person once for its idea; confirming again changes nothing."""
    idea_id, person_key = _link(payload, links.CONFIRM, link_secret)
    with db.transaction() as conn:
        _open_idea(conn, idea_id, for_update=True)  # the lock makes the counts in events exact
        added = repository.add_support(conn, idea_id, person_key)
        count = repository.support_count(conn, idea_id)
        if added:
            outbox.add_event(
                conn, "idea.supported", {"idea_id": idea_id, "support_count": count, "supported_at": _now()}
            )
    return SupportState().dump({"idea_id": idea_id, "supported": True, "count": count})


def withdraw_support(db, payload: dict, link_secret: str) -> dict:
    idea_id, person_key = _link(payload, links.WITHDRAW, link_secret)
    with db.transaction() as conn:
        _known_idea(conn, idea_id, for_update=True)
        removed = repository.remove_support(conn, idea_id, person_key)
        count = repository.support_count(conn, idea_id)
        if removed:
            outbox.add_event(
                conn, "idea.support_withdrawn", {"idea_id": idea_id, "support_count": count, "withdrawn_at": _now()}
            )
    return SupportState().dump({"idea_id": idea_id, "supported": False, "count": count})


def withdrawal_state(db, payload: dict, link_secret: str) -> dict:
    """What a withdrawal link would withdraw, without withdrawing it (the page before the button)."""
    idea_id, person_key = _link(payload, links.WITHDRAW, link_secret)
    with db.transaction() as conn:
        idea = _known_idea(conn, idea_id)
        supported = repository.supports(conn, idea_id, person_key)
        count = repository.support_count(conn, idea_id)
    return WithdrawalState().dump({"idea_id": idea_id, "supported": supported, "count": count, "title": idea["title"]})


def support_count(db, idea_id) -> dict:
    with db.transaction() as conn:
        idea = _known_idea(conn, idea_id)
        count = repository.support_count(conn, idea["idea_id"])
    return SupportCount().dump({"idea_id": idea["idea_id"], "count": count, "open": _accepts_participation(idea)})


# --- comments ------------------------------------------------------------------------------------


def submit_comment(db, idea_id, payload: dict) -> dict:
    """Store the comment as submitted and hand its text (never the name) to moderation."""
    submission = validated(CommentSubmission(), payload)
    with db.transaction() as conn:
        idea = _open_idea(conn, idea_id)
        if submission["parent_id"] is not None:
            threads.check_parent(repository.comment(conn, submission["parent_id"]), idea["idea_id"])
        comment = repository.add_comment(
            conn, uuid.uuid4(), idea["idea_id"], submission["parent_id"], submission["body"], submission["author_name"]
        )
        outbox.add_event(
            conn,
            "comment.submitted",
            {
                "comment_id": comment["id"],
                "idea_id": comment["idea_id"],
                "parent_id": comment["parent_id"],
                "body": comment["body"],
                "submitted_at": comment["submitted_at"],
            },
        )
    return CommentReceipt().dump(comment)


def apply_comment_decision(db, event: Event) -> None:
    decision = event.data
    with db.transaction() as conn:
        if not inbox.first_delivery(conn, event):
            return
        comment = repository.comment(conn, decision["comment_id"], for_update=True)
        if comment is None:
            raise LookupError(f"decision for unknown comment {decision['comment_id']}")
        status = COMMENT_STATUS_OF_DECISION[decision["decision"]]
        if comment["status"] not in WAITING or comment["status"] == status:
            return
        comment = repository.set_comment_status(conn, comment["id"], status)
        if status == threads.POSTED:
            outbox.add_event(
                conn,
                "comment.posted",
                {
                    "comment_id": comment["id"],
                    "idea_id": comment["idea_id"],
                    "parent_id": comment["parent_id"],
                    "body": comment["body"],
                    "posted_at": comment["posted_at"],
                },
            )


def apply_comment_visibility(db, event: Event) -> None:
    hidden = event.type == "comment.hidden"
    with db.transaction() as conn:
        if inbox.first_delivery(conn, event):
            repository.set_comment_hidden(
                conn, event.data["comment_id"], hidden, event.data["hidden_at" if hidden else "unhidden_at"]
            )


def comment_threads(db, idea_id) -> dict:
    """The visible comments of a visible idea, threaded; never an address (none is ever stored)."""
    with db.transaction() as conn:
        idea = _known_idea(conn, idea_id)
        visible = repository.visible_comments(conn, idea["idea_id"]) if _accepts_participation(idea) else []
    items = threads.threads(visible)
    return CommentThreads().dump(
        {"idea_id": idea["idea_id"], "items": items, "total": sum(1 + len(item["replies"]) for item in items)}
    )
