"""The moderation use cases, the real handlers against the in-memory repository of conftest.py:
automatic decisions, flags up to the hide threshold, the race of two decisions, and one flag / hide /
unhide path for ideas and comments alike."""

import uuid
from datetime import UTC, datetime

import pytest

from aufbruch.contracts.errors import Conflict, NotFound
from aufbruch.contracts.events import new_event, parse_event
from services.moderation import handlers, repository, rules
from services.moderation.settings import ModerationSettings
from services.moderation.subjects import COMMENT, IDEA

SETTINGS = ModerationSettings(policy=rules.POST, flag_hide_threshold=3, pseudonym_secret="test-secret")
MIA = {"user_id": str(uuid.uuid4()), "username": "mia", "role": "moderator"}
CLEAN = ("Mehr Fahrradbügel am Bahnhof", "Am Hauptbahnhof fehlen sichere Abstellplätze für Fahrräder, morgens.")
WITH_PHONE = ("Spielplatz am Nordring", "Der Spielplatz braucht neue Schaukeln. Ruft mich an: 0171 2345678.")
HIDE = {"reason": "legal_review", "note": "Anfrage des Rechtsamts"}
UNHIDE = {"reason": "corrected", "note": None}


def submitted(title: str, description: str):
    data = {"idea_id": uuid.uuid4(), "title": title, "description": description, "category": "mobility"}
    return parse_event(new_event("idea.submitted", data | {"district": None, "submitted_at": datetime.now(UTC)}))


def comment_submitted(body: str, idea_id=None):
    data = {"comment_id": uuid.uuid4(), "idea_id": idea_id or uuid.uuid4(), "parent_id": None, "body": body}
    return parse_event(new_event("comment.submitted", data | {"submitted_at": datetime.now(UTC)}))


def published_subject(uow, subject_type: str) -> uuid.UUID:
    """A published idea, or a posted comment, that citizens may flag; its id."""
    if subject_type == IDEA:
        idea_id = uuid.uuid4()
        uow.repo.remember_public_idea(idea_id)
        return idea_id
    event = comment_submitted("Gute Idee, am Nordring fehlen auch Fahrradbügel.")
    handlers.moderate_comment(uow, event, rules.POST)
    uow.repo.mark_comment_posted(event.data["comment_id"])
    return event.data["comment_id"]


def flag(uow, subject_type: str, subject_id, n: int, reason: str = "offensive") -> None:
    handlers.flag(uow, SETTINGS, subject_type, subject_id, {"reason": reason, "email": f"reporter{n}@example.org"})


def test_the_fake_repository_offers_every_method_of_the_real_one(uow):
    public = {name for name in dir(repository.Repository) if not name.startswith("_")}
    assert public <= set(dir(uow.repo))


def test_a_clean_idea_is_approved_once_however_often_its_event_arrives(uow):
    event = submitted(*CLEAN)
    handlers.moderate_submission(uow, event, rules.POST)
    handlers.moderate_submission(uow, event, rules.POST)

    [decided] = uow.repo.events_of("moderation.decided")
    assert (decided["idea_id"], decided["decision"], decided["actor_kind"]) == (
        event.data["idea_id"],
        "approve",
        "automatic",
    )
    assert [entry["action"] for entry in uow.repo.trail] == ["automatic_decision"]
    assert uow.repo.cases == [] and uow.repo.texts[event.data["idea_id"]] == rules.combined_text(*CLEAN)


def test_personal_data_sends_an_idea_to_review_with_a_case_and_its_findings(uow):
    event = submitted(*WITH_PHONE)
    handlers.moderate_submission(uow, event, rules.POST)

    [case] = handlers.review_queue(uow)
    assert (case["subject_type"], case["kind"], case["reasons"]) == (IDEA, "review", ["personal_data"])
    assert case["findings"][0]["detail"] == "phone number"
    [requested] = uow.repo.events_of("moderation.review_requested")
    assert (requested["case_id"], requested["subject_type"], requested["comment_id"]) == (case["id"], IDEA, None)


def test_under_pre_moderation_a_clean_idea_waits_for_a_moderator(uow):
    handlers.moderate_submission(uow, submitted(*CLEAN), rules.PRE)
    [decided] = uow.repo.events_of("moderation.decided")
    assert (decided["decision"], decided["reasons"]) == (rules.REVIEW, [rules.PRE_MODERATION])
    assert len(handlers.review_queue(uow)) == 1


def test_a_comment_is_judged_by_the_rules_and_announced_as_comment_moderated_only(uow):
    offensive = comment_submitted("Der Bürgermeister ist ein Arschloch.")
    handlers.moderate_comment(uow, offensive, rules.POST)
    handlers.moderate_comment(uow, offensive, rules.POST)  # redelivered

    [moderated] = uow.repo.events_of("comment.moderated")
    assert (moderated["comment_id"], moderated["decision"], moderated["reasons"]) == (
        offensive.data["comment_id"],
        "reject",
        ["offensive_language"],
    )
    assert uow.repo.events_of("moderation.decided") == []


@pytest.mark.parametrize("subject_type", [IDEA, COMMENT])
def test_flags_up_to_the_threshold_hide_the_subject_and_open_one_case(uow, subject_type):
    subject_id = published_subject(uow, subject_type)
    flag(uow, subject_type, subject_id, 1, "spam")
    flag(uow, subject_type, subject_id, 2)
    assert uow.repo.events_of(f"{subject_type}.hidden") == []

    flag(uow, subject_type, subject_id, 3)
    [hidden] = uow.repo.events_of(f"{subject_type}.hidden")
    assert (hidden["reason"], hidden["actor_kind"]) == ("flags", "automatic")
    assert hidden.get("comment_id", hidden["idea_id"]) == subject_id
    [case] = handlers.review_queue(uow)
    assert (case["subject_type"], case["kind"], case["reasons"]) == (subject_type, "flags", ["offensive", "spam"])
    with pytest.raises(Conflict, match="hidden already"):
        flag(uow, subject_type, subject_id, 4)


def test_only_idea_flags_are_announced_with_their_count(uow):
    idea_id, comment_id = published_subject(uow, IDEA), published_subject(uow, COMMENT)
    for n in (1, 2):
        flag(uow, IDEA, idea_id, n)
        flag(uow, COMMENT, comment_id, n)
    assert [event["flag_count"] for event in uow.repo.events_of("idea.flagged")] == [1, 2]
    assert {event_type for event_type, _ in uow.repo.events} == {"comment.moderated", "idea.flagged"}
    comment_flags = [e for e in uow.repo.trail if e["subject"] == comment_id and e["action"] == "flag"]
    assert [(e["actor_kind"], e["reasons"]) for e in comment_flags] == [("citizen", ["offensive"])] * 2


@pytest.mark.parametrize("subject_type", [IDEA, COMMENT])
def test_one_flag_per_reporter_and_the_refused_one_leaves_nothing_behind(uow, subject_type):
    subject_id = published_subject(uow, subject_type)
    flag(uow, subject_type, subject_id, 1)
    before = (list(uow.repo.events), list(uow.repo.trail))
    with pytest.raises(Conflict, match="flagged this"):
        handlers.flag(uow, SETTINGS, subject_type, subject_id, {"reason": "spam", "email": " Reporter1@Example.org"})
    assert (uow.repo.events, uow.repo.trail) == before
    assert "example.org" not in str(uow.repo.flags)  # reporters are kept as keyed hashes only


def test_only_published_ideas_and_posted_comments_can_be_flagged_or_hidden(uow):
    waiting = comment_submitted("Gute Idee, am Nordring fehlen auch Fahrradbügel.")
    handlers.moderate_comment(uow, waiting, rules.POST)  # moderated, but participation has not posted it
    for subject_type, subject_id in ((IDEA, uuid.uuid4()), (COMMENT, waiting.data["comment_id"])):
        with pytest.raises(NotFound):
            flag(uow, subject_type, subject_id, 1)
        with pytest.raises(NotFound):
            handlers.hide(uow, subject_type, subject_id, HIDE, MIA)


@pytest.mark.parametrize("subject_type", [IDEA, COMMENT])
def test_a_moderator_hides_and_unhides_once_each(uow, subject_type):
    subject_id = published_subject(uow, subject_type)
    handlers.hide(uow, subject_type, subject_id, HIDE, MIA)
    with pytest.raises(Conflict, match="hidden already"):
        handlers.hide(uow, subject_type, subject_id, HIDE, MIA)
    handlers.unhide(uow, subject_type, subject_id, UNHIDE, MIA)
    with pytest.raises(Conflict, match="not hidden"):
        handlers.unhide(uow, subject_type, subject_id, UNHIDE, MIA)

    [hidden], [unhidden] = uow.repo.events_of(f"{subject_type}.hidden"), uow.repo.events_of(f"{subject_type}.unhidden")
    assert (hidden["reason"], hidden["actor_kind"], unhidden["reason"]) == ("legal_review", "moderator", "corrected")
    assert "mia" not in str(uow.repo.events)  # events never name people; the trail does
    trail = [(e["action"], e.get("username"), e.get("note")) for e in uow.repo.trail if e["subject"] == subject_id]
    assert trail[-2:] == [("hide", "mia", "Anfrage des Rechtsamts"), ("unhide", "mia", None)]


@pytest.mark.parametrize("subject_type", [IDEA, COMMENT])
def test_unhiding_decides_the_subjects_open_flags_case(uow, subject_type):
    subject_id = published_subject(uow, subject_type)
    for n in (1, 2, 3):
        flag(uow, subject_type, subject_id, n)
    handlers.unhide(uow, subject_type, subject_id, UNHIDE, MIA)
    assert handlers.review_queue(uow) == []
    [unhidden] = uow.repo.events_of(f"{subject_type}.unhidden")
    assert unhidden["actor_kind"] == "moderator"


def test_a_decision_is_announced_and_audited_and_the_second_one_on_a_case_is_a_conflict(uow):
    event = submitted(*WITH_PHONE)
    handlers.moderate_submission(uow, event, rules.POST)
    [case] = handlers.review_queue(uow)

    decided = handlers.decide(uow, case["id"], {"decision": "approve", "reason": "acceptable", "note": "ok"}, MIA)
    assert (decided["status"], decided["decision"]) == ("decided", "approve")
    with pytest.raises(Conflict, match="decided already"):  # of two moderators at once, the first wins
        handlers.decide(uow, case["id"], {"decision": "reject", "reason": "personal_data", "note": None}, MIA)

    human = [e for e in uow.repo.events_of("moderation.decided") if e["actor_kind"] == "moderator"]
    assert [(e["idea_id"], e["decision"], e["reasons"]) for e in human] == [
        (event.data["idea_id"], "approve", ["acceptable"])
    ]
    history = handlers.case_with_history(uow, case["id"])["history"]
    assert [entry["action"] for entry in history] == ["automatic_decision", "case_opened", "decision"]
    with pytest.raises(NotFound):
        handlers.decide(uow, uuid.uuid4(), {"decision": "approve", "reason": "acceptable", "note": None}, MIA)


@pytest.mark.parametrize("subject_type", [IDEA, COMMENT])
def test_approving_a_flags_case_shows_the_subject_again(uow, subject_type):
    subject_id = published_subject(uow, subject_type)
    for n in (1, 2, 3):
        flag(uow, subject_type, subject_id, n)
    [case] = handlers.review_queue(uow)
    handlers.decide(uow, case["id"], {"decision": "approve", "reason": "false_positive", "note": None}, MIA)

    [unhidden] = uow.repo.events_of(f"{subject_type}.unhidden")
    assert (unhidden["reason"], unhidden["actor_kind"]) == ("false_positive", "moderator")
    decided_event = "comment.moderated" if subject_type == COMMENT else "moderation.decided"
    assert uow.repo.events_of(decided_event)[-1]["actor_kind"] == "moderator"
    assert uow.repo.flaggable(subject_type, subject_id).hidden is False
