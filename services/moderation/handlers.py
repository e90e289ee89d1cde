"""The moderation service's use cases: automatic checks, the review queue, human decisions,
citizens' flags, hiding and unhiding. Every decision lands in the append-only audit log."""
import uuid
from datetime import datetime, timezone

from aufbruch import inbox, outbox
from aufbruch.contracts.errors import Conflict, NotFound, validated
from aufbruch.contracts.events import Event
from aufbruch.contracts.moderation import Case, CaseWithHistory, Decision, Flag, Hide, Unhide
from aufbruch.pseudonyms import pseudonym
from services.moderation import repository, rules

AUTOMATIC = {"kind": "automatic"}
CITIZEN = {"kind": "citizen"}
QUEUE_PAGE_SIZE = 50


def _now() -> datetime:
    return datetime.now(timezone.utc)



def _uuid(value, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(f"No {what} with id {value}.") from None


def _moderator(principal: dict) -> dict:
    return {"kind": "moderator", "user_id": principal["user_id"], "username": principal["username"]}


def _request_review(conn, idea_id, kind: str, reasons: list[str], findings: list[dict]) -> None:
    case = repository.open_case(conn, idea_id, kind, reasons, findings)
    if case:
        repository.audit(conn, idea_id, "case_opened", AUTOMATIC, case_id=case["id"], reasons=reasons)
        outbox.add_event(conn, "moderation.review_requested", {
            "case_id": case["id"], "idea_id": idea_id, "reasons": reasons, "requested_at": case["opened_at"]})


def moderate_submission(db, event: Event, policy: str) -> None:
    idea = event.data
    text = rules.combined_text(idea["title"], idea["description"])
    with db.transaction() as conn:
        if not inbox.first_delivery(conn, event):
            return
        similar = repository.similar_ideas(conn, idea["idea_id"], text)
        verdict = rules.apply_policy(
            rules.moderate(idea["title"], idea["description"], similar_ideas=similar), policy)
        repository.remember_text(conn, idea["idea_id"], text)
        decided_at = _now()
        if not repository.record_decision(conn, idea["idea_id"], verdict, decided_at):
            return
        findings = repository.findings_of(verdict)
        repository.audit(conn, idea["idea_id"], "automatic_decision", AUTOMATIC, outcome=verdict.outcome,
                         reasons=verdict.reasons, findings=findings)
        outbox.add_event(conn, "moderation.decided", {
            "idea_id": idea["idea_id"], "decision": verdict.outcome, "reasons": verdict.reasons,
            "actor_kind": "automatic", "decided_at": decided_at})
        if verdict.outcome == rules.REVIEW:
            _request_review(conn, idea["idea_id"], "review", verdict.reasons, findings)


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
        case = repository.get_case(conn, _uuid(case_id, "case"))
        if case is None:
            raise NotFound(f"No case with id {case_id}.")
        return CaseWithHistory().dump(case | {"history": repository.history(conn, case["idea_id"])})


def decide(db, case_id, payload: dict, principal: dict) -> dict:
    decision = validated(Decision(), payload)
    actor = _moderator(principal)
    with db.transaction() as conn:
        case = repository.close_case(conn, _uuid(case_id, "case"), decision["decision"], decision["reason"])
        if case is None:
            if repository.get_case(conn, case_id) is None:
                raise NotFound(f"No case with id {case_id}.")
            raise Conflict("This case has been decided already.")
        idea_id = case["idea_id"]
        repository.audit(conn, idea_id, "decision", actor, case_id=case["id"], outcome=decision["decision"],
                         reasons=[decision["reason"]], note=decision["note"])
        outbox.add_event(conn, "moderation.decided", {
            "idea_id": idea_id, "decision": decision["decision"], "reasons": [decision["reason"]],
            "actor_kind": "moderator", "decided_at": case["decided_at"]})
        if case["kind"] == "flags" and decision["decision"] == "approve":
            _unhide(conn, idea_id, decision["reason"], actor, case["id"])
        return Case().dump(case)


def _unhide(conn, idea_id, reason: str, actor: dict, case_id=None, note=None) -> None:
    repository.set_hidden(conn, idea_id, False)
    repository.audit(conn, idea_id, "unhide", actor, case_id=case_id, reasons=[reason], note=note)
    outbox.add_event(conn, "idea.unhidden", {"idea_id": idea_id, "reason": reason, "actor_kind": actor["kind"],
                                             "unhidden_at": _now()})


def _hide(conn, idea_id, reason: str, actor: dict, note=None) -> None:
    repository.set_hidden(conn, idea_id, True)
    repository.audit(conn, idea_id, "hide", actor, reasons=[reason], note=note)
    outbox.add_event(conn, "idea.hidden", {"idea_id": idea_id, "reason": reason, "actor_kind": actor["kind"],
                                           "hidden_at": _now()})


def _public_idea_for_update(conn, idea_id) -> dict:
    public = repository.public_idea(conn, _uuid(idea_id, "published idea"), for_update=True)
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
        outbox.add_event(conn, "idea.flagged", {"idea_id": public["idea_id"], "reason": flag_["reason"],
                                                "flag_count": count, "flagged_at": _now()})
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
