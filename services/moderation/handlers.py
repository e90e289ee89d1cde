"""The moderation service's use cases: automatic checks, the review queue, human decisions,
citizens' flags, hiding and unhiding, for ideas and for comments alike. Every decision lands in the
append-only audit log; a comment's entries name the comment and its idea."""

from datetime import UTC, datetime

from aufbruch import inbox, outbox
from aufbruch.contracts.errors import Conflict, NotFound, resource_id, validated
from aufbruch.contracts.events import Event
from aufbruch.contracts.moderation import Case, CaseWithHistory, Decision, Flag, Hide, Unhide
from aufbruch.pseudonyms import pseudonym
from services.moderation import repository, rules

AUTOMATIC = {"kind": "automatic"}
CITIZEN = {"kind": "citizen"}
QUEUE_PAGE_SIZE = 50


def _now() -> datetime:
    return datetime.now(UTC)


def _moderator(principal: dict) -> dict:
    return {"kind": "moderator", "user_id": principal["user_id"], "username": principal["username"]}


def _request_review(conn, idea_id, kind: str, reasons: list[str], findings: list[dict], comment_id=None) -> None:
    case = repository.open_case(conn, idea_id, kind, reasons, findings, comment_id)
    if case:
        repository.audit(
            conn, idea_id, "case_opened", AUTOMATIC, case_id=case["id"], reasons=reasons, comment_id=comment_id
        )
        outbox.add_event(
            conn,
            "moderation.review_requested",
            {
                "case_id": case["id"],
                "idea_id": idea_id,
                "reasons": reasons,
                "requested_at": case["opened_at"],
                "subject_type": case["subject_type"],
                "comment_id": comment_id,
            },
        )


def moderate_submission(db, event: Event, policy: str) -> None:
    idea = event.data
    text = rules.combined_text(idea["title"], idea["description"])
    with db.transaction() as conn:
        if not inbox.first_delivery(conn, event):
            return
        similar = repository.similar_ideas(conn, idea["idea_id"], text)
        verdict = rules.apply_policy(rules.moderate(idea["title"], idea["description"], similar_ideas=similar), policy)
        repository.remember_text(conn, idea["idea_id"], text)
        decided_at = _now()
        if not repository.record_decision(conn, idea["idea_id"], verdict, decided_at):
            return
        findings = repository.findings_of(verdict)
        repository.audit(
            conn,
            idea["idea_id"],
            "automatic_decision",
            AUTOMATIC,
            outcome=verdict.outcome,
            reasons=verdict.reasons,
            findings=findings,
        )
        outbox.add_event(
            conn,
            "moderation.decided",
            {
                "idea_id": idea["idea_id"],
                "decision": verdict.outcome,
                "reasons": verdict.reasons,
                "actor_kind": "automatic",
                "decided_at": decided_at,
            },
        )
        if verdict.outcome == rules.REVIEW:
            _request_review(conn, idea["idea_id"], "review", verdict.reasons, findings)


def moderate_comment(db, event: Event, policy: str) -> None:
    """The idea's rules on a comment's text (rules.moderate_comment), announced as comment.moderated."""
    comment = event.data
    with db.transaction() as conn:
        if not inbox.first_delivery(conn, event):
            return
        if not repository.remember_comment(conn, comment["comment_id"], comment["idea_id"], comment["body"]):
            return
        verdict = rules.apply_policy(rules.moderate_comment(comment["body"]), policy)
        findings = repository.findings_of(verdict)
        repository.audit(
            conn,
            comment["idea_id"],
            "automatic_decision",
            AUTOMATIC,
            outcome=verdict.outcome,
            reasons=verdict.reasons,
            findings=findings,
            comment_id=comment["comment_id"],
        )
        outbox.add_event(
            conn,
            "comment.moderated",
            {
                "comment_id": comment["comment_id"],
                "idea_id": comment["idea_id"],
                "decision": verdict.outcome,
                "reasons": verdict.reasons,
                "actor_kind": "automatic",
                "decided_at": _now(),
            },
        )
        if verdict.outcome == rules.REVIEW:
            _request_review(conn, comment["idea_id"], "review", verdict.reasons, findings, comment["comment_id"])


def remember_posted_comment(db, event: Event) -> None:
    with db.transaction() as conn:
        if inbox.first_delivery(conn, event):
            repository.mark_comment_posted(conn, event.data["comment_id"])


def remember_publication(db, event: Event) -> None:
    with db.transaction() as conn:
        if inbox.first_delivery(conn, event):
            repository.remember_public_idea(conn, event.data["idea_id"])


def review_queue(db, page: int = 1) -> list[dict]:
    with db.transaction() as conn:
        cases = repository.open_cases(conn, QUEUE_PAGE_SIZE, (max(int(page), 1) - 1) * QUEUE_PAGE_SIZE)
    return Case(many=True).dump(cases)


def case_with_history(db, case_id) -> dict:
    with db.transaction() as conn:
        case = repository.get_case(conn, resource_id(case_id, "case"))
        if case is None:
            raise NotFound(f"No case with id {case_id}.")
        history = repository.history(conn, case["idea_id"], case["comment_id"])
        return CaseWithHistory().dump(case | {"history": history})


def decide(db, case_id, payload: dict, principal: dict) -> dict:
    decision = validated(Decision(), payload)
    actor = _moderator(principal)
    with db.transaction() as conn:
        case = repository.close_case(conn, resource_id(case_id, "case"), decision["decision"], decision["reason"])
        if case is None:
            if repository.get_case(conn, case_id) is None:
                raise NotFound(f"No case with id {case_id}.")
            raise Conflict("This case has been decided already.")
        idea_id, comment_id = case["idea_id"], case["comment_id"]
        repository.audit(
            conn,
            idea_id,
            "decision",
            actor,
            case_id=case["id"],
            outcome=decision["decision"],
            reasons=[decision["reason"]],
            note=decision["note"],
            comment_id=comment_id,
        )
        announced = {
            "decision": decision["decision"],
            "reasons": [decision["reason"]],
            "actor_kind": "moderator",
            "decided_at": case["decided_at"],
        }
        if comment_id:
            outbox.add_event(conn, "comment.moderated", announced | {"comment_id": comment_id, "idea_id": idea_id})
        else:
            outbox.add_event(conn, "moderation.decided", announced | {"idea_id": idea_id})
        if case["kind"] == "flags" and decision["decision"] == "approve":
            _unhide(conn, idea_id, decision["reason"], actor, case["id"], comment_id=comment_id)
        return Case().dump(case)


def _change_visibility(
    conn, idea_id, hidden: bool, reason: str, actor: dict, *, case_id=None, note=None, comment_id=None
) -> None:
    """Hide or show the idea, or its comment `comment_id`: audited and announced."""
    if comment_id:
        repository.set_comment_hidden(conn, comment_id, hidden)
        subject, event_type = {"comment_id": comment_id, "idea_id": idea_id}, "comment"
    else:
        repository.set_hidden(conn, idea_id, hidden)
        subject, event_type = {"idea_id": idea_id}, "idea"
    change = "hidden" if hidden else "unhidden"
    repository.audit(
        conn,
        idea_id,
        "hide" if hidden else "unhide",
        actor,
        case_id=case_id,
        reasons=[reason],
        note=note,
        comment_id=comment_id,
    )
    outbox.add_event(
        conn,
        f"{event_type}.{change}",
        subject | {"reason": reason, "actor_kind": actor["kind"], f"{change}_at": _now()},
    )


def _unhide(conn, idea_id, reason: str, actor: dict, case_id=None, note=None, comment_id=None) -> None:
    _change_visibility(conn, idea_id, False, reason, actor, case_id=case_id, note=note, comment_id=comment_id)


def _hide(conn, idea_id, reason: str, actor: dict, note=None, comment_id=None) -> None:
    _change_visibility(conn, idea_id, True, reason, actor, note=note, comment_id=comment_id)


def _public_idea_for_update(conn, idea_id) -> dict:
    public = repository.public_idea(conn, resource_id(idea_id, "published idea"), for_update=True)
    if public is None:
        raise NotFound(f"No published idea with id {idea_id}.")
    return public


def flag(db, idea_id, payload: dict, secret: str, threshold: int) -> dict:
    """A citizen flags a published idea; enough distinct flags hide it at once and open a case."""
    flag_ = validated(Flag(), payload)
    with db.transaction() as conn:
        public = _public_idea_for_update(conn, idea_id)  # the lock serialises flags on one idea
        if public["hidden"]:
            raise Conflict("This idea is hidden already and waits for a moderator.")
        if not repository.add_flag(conn, public["idea_id"], pseudonym(secret, flag_["email"]), flag_["reason"]):
            raise Conflict("You have flagged this idea already.")
        count = repository.flag_count(conn, public["idea_id"])
        repository.audit(conn, public["idea_id"], "flag", CITIZEN, reasons=[flag_["reason"]])
        outbox.add_event(
            conn,
            "idea.flagged",
            {"idea_id": public["idea_id"], "reason": flag_["reason"], "flag_count": count, "flagged_at": _now()},
        )
        if count >= threshold:
            reasons = repository.flag_reasons(conn, public["idea_id"])
            _hide(conn, public["idea_id"], "flags", AUTOMATIC)
            _request_review(conn, public["idea_id"], "flags", reasons, [])
    return {"received": True}


def hide(db, idea_id, payload: dict, principal: dict) -> None:
    request = validated(Hide(), payload)
    with db.transaction() as conn:
        public = _public_idea_for_update(conn, idea_id)
        if public["hidden"]:
            raise Conflict("This idea is hidden already.")
        _hide(conn, public["idea_id"], request["reason"], _moderator(principal), request["note"])


def unhide(db, idea_id, payload: dict, principal: dict) -> None:
    request = validated(Unhide(), payload)
    actor = _moderator(principal)
    with db.transaction() as conn:
        public = _public_idea_for_update(conn, idea_id)
        if not public["hidden"]:
            raise Conflict("This idea is not hidden.")
        case = repository.close_open_case(conn, public["idea_id"], "approve", request["reason"])
        _unhide(conn, public["idea_id"], request["reason"], actor, case["id"] if case else None, request["note"])


def _posted_comment_for_update(conn, comment_id) -> dict:
    comment = repository.comment(conn, resource_id(comment_id, "comment"), for_update=True)
    if comment is None or not comment["posted"]:
        raise NotFound(f"No posted comment with id {comment_id}.")
    return comment


def flag_comment(db, comment_id, payload: dict, secret: str, threshold: int) -> dict:
    """A citizen flags a posted comment; as with ideas, enough distinct flags hide it and open a case."""
    flag_ = validated(Flag(), payload)
    with db.transaction() as conn:
        comment = _posted_comment_for_update(conn, comment_id)  # the lock serialises flags on one comment
        if comment["hidden"]:
            raise Conflict("This comment is hidden already and waits for a moderator.")
        if not repository.add_comment_flag(
            conn, comment["comment_id"], pseudonym(secret, flag_["email"]), flag_["reason"]
        ):
            raise Conflict("You have flagged this comment already.")
        repository.audit(
            conn, comment["idea_id"], "flag", CITIZEN, reasons=[flag_["reason"]], comment_id=comment["comment_id"]
        )
        reasons = repository.comment_flag_reasons(conn, comment["comment_id"])
        if sum(count for _, count in reasons) >= threshold:
            _hide(conn, comment["idea_id"], "flags", AUTOMATIC, comment_id=comment["comment_id"])
            _request_review(
                conn, comment["idea_id"], "flags", [reason for reason, _ in reasons], [], comment["comment_id"]
            )
    return {"received": True}


def hide_comment(db, comment_id, payload: dict, principal: dict) -> None:
    request = validated(Hide(), payload)
    with db.transaction() as conn:
        comment = _posted_comment_for_update(conn, comment_id)
        if comment["hidden"]:
            raise Conflict("This comment is hidden already.")
        _hide(
            conn,
            comment["idea_id"],
            request["reason"],
            _moderator(principal),
            request["note"],
            comment_id=comment["comment_id"],
        )


def unhide_comment(db, comment_id, payload: dict, principal: dict) -> None:
    request = validated(Unhide(), payload)
    actor = _moderator(principal)
    with db.transaction() as conn:
        comment = _posted_comment_for_update(conn, comment_id)
        if not comment["hidden"]:
            raise Conflict("This comment is not hidden.")
        case = repository.close_open_case(conn, comment["idea_id"], "approve", request["reason"], comment["comment_id"])
        _unhide(
            conn,
            comment["idea_id"],
            request["reason"],
            actor,
            case["id"] if case else None,
            request["note"],
            comment_id=comment["comment_id"],
        )
