"""Comments in the moderation service, against the real database and broker: the rules of ideas,
the same review queue (cases name their subject), citizens' flags that hide a comment, moderators
hiding and unhiding, and a trail per comment apart from its idea's."""

import uuid
from datetime import UTC, datetime

import pytest
from nameko.testing.services import entrypoint_hook

from aufbruch.contracts.errors import Conflict, NotFound
from aufbruch.contracts.events import new_event
from services.moderation.service import ModerationService

MODERATOR = {"user_id": str(uuid.uuid4()), "username": "mia", "role": "moderator"}
WITH_PHONE = "Ruft mich an: 0171 2345678, dann klären wir das."
CLEAN = "Gute Idee, am Nordring fehlen auch Fahrradbügel."


@pytest.fixture
def moderation(container_factory, config):
    container = container_factory(ModerationService, config | {"FLAG_HIDE_THRESHOLD": 2})
    container.start()
    return container


def call(container, method: str, *args):
    with entrypoint_hook(container, method) as hook:
        return hook(*args)


def comment(container, body: str, idea_id: str | None = None) -> tuple[str, str]:
    comment_id, idea_id = str(uuid.uuid4()), idea_id or str(uuid.uuid4())
    event = new_event(
        "comment.submitted",
        {
            "comment_id": comment_id,
            "idea_id": idea_id,
            "parent_id": None,
            "body": body,
            "submitted_at": datetime.now(UTC),
        },
    )
    call(container, "on_comment_submitted", event)
    call(container, "on_comment_submitted", event)  # redelivered: decided once
    return comment_id, idea_id


def posted(container, body: str = CLEAN) -> tuple[str, str]:
    comment_id, idea_id = comment(container, body)
    call(
        container,
        "on_comment_posted",
        new_event(
            "comment.posted",
            {
                "comment_id": comment_id,
                "idea_id": idea_id,
                "parent_id": None,
                "body": body,
                "posted_at": datetime.now(UTC),
            },
        ),
    )
    return comment_id, idea_id


def events(database, event_type: str) -> list[dict]:
    return [
        body["data"]
        for (body,) in database.query(
            "select body from moderation.outbox where event_type = %s order by id", (event_type,)
        )
    ]


def test_a_clean_comment_is_approved_at_once_and_no_idea_decision_is_announced(moderation, database):
    comment_id, idea_id = comment(moderation, CLEAN)
    [decided] = events(database, "comment.moderated")
    assert (decided["comment_id"], decided["idea_id"], decided["decision"], decided["actor_kind"]) == (
        comment_id,
        idea_id,
        "approve",
        "automatic",
    )
    assert events(database, "moderation.decided") == []
    assert call(moderation, "review_queue") == []


def test_an_offensive_comment_is_rejected(moderation, database):
    comment(moderation, "Der Bürgermeister ist ein Arschloch.")
    [decided] = events(database, "comment.moderated")
    assert (decided["decision"], decided["reasons"]) == ("reject", ["offensive_language"])


def test_a_comment_with_personal_data_waits_in_the_same_queue_naming_its_subject(moderation, database):
    comment_id, idea_id = comment(moderation, WITH_PHONE)

    [case] = call(moderation, "review_queue")
    assert (case["subject_type"], case["comment_id"], case["idea_id"]) == ("comment", comment_id, idea_id)
    assert case["kind"] == "review" and case["reasons"] == ["personal_data"] and case["text"] == WITH_PHONE
    start, end = case["findings"][0]["spans"][0]
    assert case["text"][start:end].replace(" ", "") == "01712345678"
    [requested] = events(database, "moderation.review_requested")
    assert (requested["subject_type"], requested["comment_id"]) == ("comment", comment_id)

    call(moderation, "decide", case["id"], {"decision": "approve", "reason": "acceptable"}, MODERATOR)
    human = events(database, "comment.moderated")[-1]
    assert (human["comment_id"], human["decision"], human["actor_kind"]) == (comment_id, "approve", "moderator")
    assert "mia" not in str(human)
    assert events(database, "moderation.decided") == []
    trail = call(moderation, "case", case["id"])["history"]
    assert [entry["action"] for entry in trail] == ["automatic_decision", "case_opened", "decision"]


def test_an_idea_and_its_comment_each_have_their_own_open_case_and_trail(moderation, database):
    idea_id = str(uuid.uuid4())
    call(
        moderation,
        "on_idea_submitted",
        new_event(
            "idea.submitted",
            {
                "idea_id": idea_id,
                "title": "Spielplatz am Nordring",
                "description": f"Neue Schaukeln. {WITH_PHONE}",
                "category": "health",
                "submitted_at": datetime.now(UTC),
            },
        ),
    )
    comment(moderation, WITH_PHONE, idea_id)

    cases = call(moderation, "review_queue")
    assert sorted(case["subject_type"] for case in cases) == ["comment", "idea"]
    idea_case = next(case for case in cases if case["subject_type"] == "idea")
    assert idea_case["comment_id"] is None
    assert [entry["action"] for entry in call(moderation, "case", idea_case["id"])["history"]] == [
        "automatic_decision",
        "case_opened",
    ]


def test_flags_hide_a_posted_comment_and_open_a_case_whose_approval_shows_it_again(moderation, database):
    comment_id, idea_id = posted(moderation)
    call(moderation, "flag_comment", comment_id, {"reason": "spam", "email": "a@example.org"})
    with pytest.raises(Conflict):
        call(moderation, "flag_comment", comment_id, {"reason": "offensive", "email": "A@example.org"})
    assert events(database, "comment.hidden") == []

    call(moderation, "flag_comment", comment_id, {"reason": "offensive", "email": "b@example.org"})
    [hidden] = events(database, "comment.hidden")
    assert (hidden["comment_id"], hidden["idea_id"], hidden["reason"], hidden["actor_kind"]) == (
        comment_id,
        idea_id,
        "flags",
        "automatic",
    )
    with pytest.raises(Conflict):
        call(moderation, "flag_comment", comment_id, {"reason": "spam", "email": "c@example.org"})
    [case] = call(moderation, "review_queue")
    assert (case["subject_type"], case["kind"], sorted(case["reasons"])) == ("comment", "flags", ["offensive", "spam"])

    call(moderation, "decide", case["id"], {"decision": "approve", "reason": "false_positive"}, MODERATOR)
    [unhidden] = events(database, "comment.unhidden")
    assert (unhidden["comment_id"], unhidden["actor_kind"]) == (comment_id, "moderator")
    assert "example.org" not in str(events(database, "comment.hidden") + events(database, "comment.unhidden"))
    assert events(database, "idea.hidden") == [] and events(database, "idea.unhidden") == []


def test_only_posted_comments_can_be_flagged(moderation):
    comment_id, _ = comment(moderation, CLEAN)
    for unknown in (comment_id, str(uuid.uuid4()), "no-uuid"):
        with pytest.raises(NotFound):
            call(moderation, "flag_comment", unknown, {"reason": "spam", "email": "a@example.org"})


def test_a_moderator_hides_and_unhides_a_comment(moderation, database):
    comment_id, _ = posted(moderation)
    call(moderation, "hide_comment", comment_id, {"reason": "personal_data"}, MODERATOR)
    with pytest.raises(Conflict):
        call(moderation, "hide_comment", comment_id, {"reason": "spam"}, MODERATOR)
    call(moderation, "unhide_comment", comment_id, {"reason": "corrected"}, MODERATOR)
    with pytest.raises(Conflict):
        call(moderation, "unhide_comment", comment_id, {"reason": "corrected"}, MODERATOR)
    assert [(e["reason"], e["actor_kind"]) for e in events(database, "comment.hidden")] == [
        ("personal_data", "moderator")
    ]
    assert [e["reason"] for e in events(database, "comment.unhidden")] == ["corrected"]
