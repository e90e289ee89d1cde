"""The moderation service's use cases: automatic checks, the review queue, human decisions,
citizens' flags, hiding and unhiding, for ideas and comments alike (a `Subject` says which). Every
decision lands in the append-only audit log; a comment's entries name the comment and its idea.

Each use case takes its unit of work (aufbruch/unit_of_work.py; a fake in the unit tests) and input
that service.py has parsed and validated already."""

import uuid
from datetime import UTC, datetime

from aufbruch.contracts.errors import Conflict, NotFound
from aufbruch.contracts.events import Event
from aufbruch.pseudonyms import pseudonym
from aufbruch.unit_of_work import UnitOfWork
from services.moderation import rules
from services.moderation.repository import Repository, findings_of
from services.moderation.settings import ModerationSettings
from services.moderation.subjects import FLAGGABLE, IDEA, Subject

AUTOMATIC = {"kind": "automatic"}
CITIZEN = {"kind": "citizen"}
QUEUE_PAGE_SIZE = 50


def _now() -> datetime:
    return datetime.now(UTC)


def _moderator(principal: dict) -> dict:
    return {"kind": "moderator", "user_id": principal["user_id"], "username": principal["username"]}


def _request_review(repo: Repository, subject: Subject, kind: str, reasons: list[str], findings: list[dict]) -> None:
    case = repo.open_case(subject, kind, reasons, findings)
    if case:
        repo.audit(subject, "case_opened", AUTOMATIC, case_id=case["id"], reasons=reasons)
        repo.add_event(
            "moderation.review_requested",
            {
                "case_id": case["id"],
                "idea_id": subject.idea_id,
                "reasons": reasons,
                "requested_at": case["opened_at"],
                "subject_type": subject.type,
                "comment_id": subject.comment_id,
            },
        )


def _announce_automatic(repo: Repository, subject: Subject, verdict: rules.Verdict, decided_at: datetime) -> None:
    """Audit and announce the rules' verdict on the subject; a case when it needs a human."""
    findings = findings_of(verdict)
    repo.audit(
        subject, "automatic_decision", AUTOMATIC, outcome=verdict.outcome, reasons=verdict.reasons, findings=findings
    )
    repo.add_event(
        subject.decided_event,
        subject.in_events
        | {
            "decision": verdict.outcome,
            "reasons": verdict.reasons,
            "actor_kind": "automatic",
            "decided_at": decided_at,
        },
    )
    if verdict.outcome == rules.REVIEW:
        _request_review(repo, subject, "review", verdict.reasons, findings)


def moderate_submission(uow: UnitOfWork[Repository], event: Event, policy: str) -> None:
    idea = event.data
    text = rules.combined_text(idea["title"], idea["description"])
    with uow.transaction() as repo:
        if not repo.first_delivery(event):
            return
        similar = repo.similar_ideas(idea["idea_id"], text)
        verdict = rules.apply_policy(rules.moderate(idea["title"], idea["description"], similar_ideas=similar), policy)
        repo.remember_text(idea["idea_id"], text)
        decided_at = _now()
        if repo.record_decision(idea["idea_id"], verdict, decided_at):
            _announce_automatic(repo, Subject.idea(idea["idea_id"]), verdict, decided_at)


def moderate_comment(uow: UnitOfWork[Repository], event: Event, policy: str) -> None:
    """The idea's rules on a comment's text (rules.moderate_comment), announced as comment.moderated."""
    comment = event.data
    with uow.transaction() as repo:
        if not repo.first_delivery(event):
            return
        if repo.remember_comment(comment["comment_id"], comment["idea_id"], comment["body"]):
            verdict = rules.apply_policy(rules.moderate_comment(comment["body"]), policy)
            _announce_automatic(repo, Subject.comment(comment["comment_id"], comment["idea_id"]), verdict, _now())


def remember_posted_comment(uow: UnitOfWork[Repository], event: Event) -> None:
    with uow.transaction() as repo:
        if repo.first_delivery(event):
            repo.mark_comment_posted(event.data["comment_id"])


def remember_publication(uow: UnitOfWork[Repository], event: Event) -> None:
    with uow.transaction() as repo:
        if repo.first_delivery(event):
            repo.remember_public_idea(event.data["idea_id"])


def review_queue(uow: UnitOfWork[Repository], page: int = 1) -> list[dict]:
    with uow.transaction() as repo:
        return repo.open_cases(QUEUE_PAGE_SIZE, (max(page, 1) - 1) * QUEUE_PAGE_SIZE)


def case_with_history(uow: UnitOfWork[Repository], case_id: uuid.UUID) -> dict:
    with uow.transaction() as repo:
        case = repo.case(case_id)
        if case is None:
            raise NotFound(f"No case with id {case_id}.")
        return case | {"history": repo.history(Subject.of(case))}


def decide(uow: UnitOfWork[Repository], case_id: uuid.UUID, decision: dict, principal: dict) -> dict:
    """A moderator decides an open case; of two at once the first wins, the second gets Conflict."""
    actor = _moderator(principal)
    with uow.transaction() as repo:
        case = repo.close_case(case_id, decision["decision"], decision["reason"])
        if case is None:
            if repo.case(case_id) is None:
                raise NotFound(f"No case with id {case_id}.")
            raise Conflict("This case has been decided already.")
        subject = Subject.of(case)
        repo.audit(
            subject,
            "decision",
            actor,
            case_id=case["id"],
            outcome=decision["decision"],
            reasons=[decision["reason"]],
            note=decision["note"],
        )
        repo.add_event(
            subject.decided_event,
            subject.in_events
            | {
                "decision": decision["decision"],
                "reasons": [decision["reason"]],
                "actor_kind": "moderator",
                "decided_at": case["decided_at"],
            },
        )
        if case["kind"] == "flags" and decision["decision"] == "approve":
            _change_visibility(repo, subject, False, decision["reason"], actor, case_id=case["id"])
        return case


def _change_visibility(
    repo: Repository, subject: Subject, hidden: bool, reason: str, actor: dict, *, case_id=None, note=None
) -> None:
    """Hide or show the subject: audited and announced (idea.hidden, comment.unhidden, ...)."""
    repo.set_hidden(subject, hidden)
    change = "hidden" if hidden else "unhidden"
    repo.audit(subject, "hide" if hidden else "unhide", actor, case_id=case_id, reasons=[reason], note=note)
    repo.add_event(
        f"{subject.type}.{change}",
        subject.in_events | {"reason": reason, "actor_kind": actor["kind"], f"{change}_at": _now()},
    )


def _flaggable(repo: Repository, subject_type: str, subject_id: uuid.UUID) -> Subject:
    subject = repo.flaggable(subject_type, subject_id)  # locked: flags and hides of one subject serialise
    if subject is None:
        raise NotFound(f"No {FLAGGABLE[subject_type]} with id {subject_id}.")
    return subject


def flag(
    uow: UnitOfWork[Repository], settings: ModerationSettings, subject_type: str, subject_id: uuid.UUID, request: dict
) -> None:
    """A citizen flags a published idea or posted comment; FLAG_HIDE_THRESHOLD distinct flags hide it
    at once and open a case."""
    with uow.transaction() as repo:
        subject = _flaggable(repo, subject_type, subject_id)
        if subject.hidden:
            raise Conflict(f"This {subject.type} is hidden already and waits for a moderator.")
        if not repo.add_flag(subject, pseudonym(settings.pseudonym_secret, request["email"]), request["reason"]):
            raise Conflict(f"You have flagged this {subject.type} already.")
        repo.audit(subject, "flag", CITIZEN, reasons=[request["reason"]])
        reasons = repo.flag_reasons(subject)
        count = sum(n for _, n in reasons)
        if subject.type == IDEA:  # a public event for ideas only; comments' flags show in their trail
            repo.add_event(
                "idea.flagged",
                {"idea_id": subject.idea_id, "reason": request["reason"], "flag_count": count, "flagged_at": _now()},
            )
        if count >= settings.flag_hide_threshold:
            _change_visibility(repo, subject, True, "flags", AUTOMATIC)
            _request_review(repo, subject, "flags", [reason for reason, _ in reasons], [])


def hide(uow: UnitOfWork[Repository], subject_type: str, subject_id: uuid.UUID, request: dict, principal: dict) -> None:
    with uow.transaction() as repo:
        subject = _flaggable(repo, subject_type, subject_id)
        if subject.hidden:
            raise Conflict(f"This {subject.type} is hidden already.")
        _change_visibility(repo, subject, True, request["reason"], _moderator(principal), note=request["note"])


def unhide(
    uow: UnitOfWork[Repository], subject_type: str, subject_id: uuid.UUID, request: dict, principal: dict
) -> None:
    """A moderator shows a hidden subject again; its open case, if any, is decided with it."""
    with uow.transaction() as repo:
        subject = _flaggable(repo, subject_type, subject_id)
        if not subject.hidden:
            raise Conflict(f"This {subject.type} is not hidden.")
        case = repo.close_open_case(subject, "approve", request["reason"])
        _change_visibility(
            repo,
            subject,
            False,
            request["reason"],
            _moderator(principal),
            case_id=case["id"] if case else None,
            note=request["note"],
        )
