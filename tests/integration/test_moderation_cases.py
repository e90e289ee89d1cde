"""Human moderation against the real database and broker: the review queue, the race of two
decisions, citizens' flags that hide an idea, hiding and unhiding, and the append-only audit trail."""

import uuid
from datetime import UTC, datetime

import psycopg
import pytest
from nameko.standalone.rpc import ServiceRpcProxy
from nameko.testing.services import entrypoint_hook

from aufbruch.contracts.errors import Conflict, InvalidInput, NotFound
from aufbruch.contracts.events import new_event
from services.moderation.service import ModerationService

MODERATOR = {"user_id": str(uuid.uuid4()), "username": "mia", "role": "moderator"}
OTHER_MODERATOR = {"user_id": str(uuid.uuid4()), "username": "max", "role": "moderator"}
WITH_PHONE = {
    "title": "Spielplatz am Nordring",
    "description": "Der Spielplatz braucht neue Schaukeln. Ruft mich an: 0171 2345678.",
}
CLEAN = {
    "title": "Mehr Fahrradbügel am Bahnhof",
    "description": "Am Hauptbahnhof fehlen sichere Abstellplätze für Fahrräder, besonders morgens.",
}


@pytest.fixture
def moderation(container_factory, config):
    container = container_factory(ModerationService, config | {"FLAG_HIDE_THRESHOLD": 2})
    container.start()
    return container


def call(container, method: str, *args):
    with entrypoint_hook(container, method) as hook:
        return hook(*args)


def submit(container, text: dict) -> str:
    idea_id = str(uuid.uuid4())
    call(
        container,
        "on_idea_submitted",
        new_event(
            "idea.submitted",
            text | {"idea_id": idea_id, "category": "health", "district": None, "submitted_at": datetime.now(UTC)},
        ),
    )
    return idea_id


def publish(container, idea_id: str) -> None:
    call(
        container,
        "on_idea_published",
        new_event(
            "idea.published",
            CLEAN
            | {
                "idea_id": idea_id,
                "category": "mobility",
                "district": None,
                "published_at": datetime.now(UTC),
            },
        ),
    )


def events(database, event_type: str) -> list[dict]:
    return [
        body["data"]
        for (body,) in database.query(
            "select body from moderation.outbox where event_type = %s order by id", (event_type,)
        )
    ]


def test_an_idea_with_personal_data_waits_in_the_queue_with_its_findings(moderation, database):
    idea_id = submit(moderation, WITH_PHONE)

    [case] = call(moderation, "review_queue")
    assert case["idea_id"] == idea_id and case["kind"] == "review" and case["reasons"] == ["personal_data"]
    assert case["findings"][0]["detail"] == "phone number"
    assert "0171" not in case["findings"][0]["detail"]
    start, end = case["findings"][0]["spans"][0]
    assert case["text"][start:end].replace(" ", "") == "01712345678"
    assert [event["case_id"] for event in events(database, "moderation.review_requested")] == [case["id"]]


def test_the_queue_lists_open_cases_oldest_first(moderation):
    first, second = submit(moderation, WITH_PHONE), submit(moderation, WITH_PHONE | {"title": "Zweite Idee"})
    assert [case["idea_id"] for case in call(moderation, "review_queue")] == [first, second]


def test_a_moderator_approval_is_announced_and_audited(moderation, database):
    idea_id = submit(moderation, WITH_PHONE)
    [case] = call(moderation, "review_queue")

    decided = call(
        moderation,
        "decide",
        case["id"],
        {"decision": "approve", "reason": "acceptable", "note": "Nummer der Stadtverwaltung"},
        MODERATOR,
    )
    assert decided["status"] == "decided"
    assert call(moderation, "review_queue") == []
    human = events(database, "moderation.decided")[-1]
    assert (human["idea_id"], human["decision"], human["actor_kind"], human["reasons"]) == (
        idea_id,
        "approve",
        "moderator",
        ["acceptable"],
    )
    assert "mia" not in str(human)  # events never name people

    history = call(moderation, "case", case["id"])["history"]
    assert [(entry["action"], entry["actor_kind"]) for entry in history] == [
        ("automatic_decision", "automatic"),
        ("case_opened", "automatic"),
        ("decision", "moderator"),
    ]
    assert history[-1]["actor_name"] == "mia" and history[-1]["note"] == "Nummer der Stadtverwaltung"


def test_of_two_moderators_deciding_at_once_the_first_wins_and_the_second_gets_a_conflict(moderation, config):
    submit(moderation, WITH_PHONE)
    [case] = call(moderation, "review_queue")

    with ServiceRpcProxy("moderation", config) as rpc:
        replies = [
            rpc.decide.call_async(case["id"], {"decision": decision, "reason": reason}, moderator)
            for decision, reason, moderator in (
                ("approve", "acceptable", MODERATOR),
                ("reject", "personal_data", OTHER_MODERATOR),
            )
        ]
        outcomes = []
        for reply in replies:
            try:
                outcomes.append(reply.result()["decision"])
            except Conflict:
                outcomes.append("conflict")
    assert sorted(outcomes) in (["approve", "conflict"], ["conflict", "reject"])


def test_a_decision_needs_a_reason_that_fits_it(moderation):
    submit(moderation, WITH_PHONE)
    [case] = call(moderation, "review_queue")
    with pytest.raises(InvalidInput) as invalid:
        call(moderation, "decide", case["id"], {"decision": "approve", "reason": "spam"}, MODERATOR)
    assert "reason" in invalid.value.errors
    with pytest.raises(NotFound):
        call(moderation, "decide", str(uuid.uuid4()), {"decision": "approve", "reason": "acceptable"}, MODERATOR)


def test_distinct_flags_reaching_the_threshold_hide_the_idea_and_open_a_case(moderation, database):
    idea_id = str(uuid.uuid4())
    publish(moderation, idea_id)

    call(moderation, "flag", idea_id, {"reason": "offensive", "email": "a@example.org"})
    with pytest.raises(Conflict):  # one flag per reporter, whatever the spelling of the address
        call(moderation, "flag", idea_id, {"reason": "spam", "email": " A@Example.org"})
    assert events(database, "idea.hidden") == []

    call(moderation, "flag", idea_id, {"reason": "spam", "email": "b@example.org"})
    [hidden] = events(database, "idea.hidden")
    assert (hidden["idea_id"], hidden["reason"], hidden["actor_kind"]) == (idea_id, "flags", "automatic")
    [case] = call(moderation, "review_queue")
    assert case["kind"] == "flags" and sorted(case["reasons"]) == ["offensive", "spam"]
    assert [event["flag_count"] for event in events(database, "idea.flagged")] == [1, 2]
    stored = str(database.query("select * from moderation.flags"))
    assert "example.org" not in stored  # reporters are kept as keyed hashes only
    with pytest.raises(Conflict):
        call(moderation, "flag", idea_id, {"reason": "spam", "email": "c@example.org"})


def test_only_published_ideas_can_be_flagged(moderation):
    with pytest.raises(NotFound):
        call(moderation, "flag", str(uuid.uuid4()), {"reason": "spam", "email": "a@example.org"})


def test_approving_a_flags_case_unhides_the_idea(moderation, database):
    idea_id = str(uuid.uuid4())
    publish(moderation, idea_id)
    for reporter in ("a@example.org", "b@example.org"):
        call(moderation, "flag", idea_id, {"reason": "offensive", "email": reporter})
    [case] = call(moderation, "review_queue")

    call(moderation, "decide", case["id"], {"decision": "approve", "reason": "false_positive"}, MODERATOR)
    [unhidden] = events(database, "idea.unhidden")
    assert (unhidden["idea_id"], unhidden["actor_kind"]) == (idea_id, "moderator")


def test_moderators_hide_and_unhide_published_ideas_with_a_reason(moderation, database):
    idea_id = str(uuid.uuid4())
    publish(moderation, idea_id)

    call(moderation, "hide", idea_id, {"reason": "legal_review", "note": "Anfrage des Rechtsamts"}, MODERATOR)
    with pytest.raises(Conflict):
        call(moderation, "hide", idea_id, {"reason": "legal_review"}, MODERATOR)
    call(moderation, "unhide", idea_id, {"reason": "corrected"}, OTHER_MODERATOR)

    assert [event["reason"] for event in events(database, "idea.hidden")] == ["legal_review"]
    assert [event["reason"] for event in events(database, "idea.unhidden")] == ["corrected"]
    with pytest.raises(InvalidInput):
        call(moderation, "hide", idea_id, {"reason": "because"}, MODERATOR)


def test_the_audit_trail_cannot_be_changed_or_deleted(moderation, database):
    submit(moderation, WITH_PHONE)
    for statement in ("update moderation.audit_log set note = 'rewritten'", "delete from moderation.audit_log"):
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            database.query(statement)
    assert database.query("select count(*) from moderation.audit_log")[0][0] == 2
