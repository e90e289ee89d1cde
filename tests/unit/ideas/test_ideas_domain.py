"""Unit tests of the ideas domain: how moderation decisions move an idea's status, and fingerprints."""

from datetime import UTC, datetime, timedelta

import pytest

from services.ideas import domain
from services.ideas.domain import IN_REVIEW, PUBLISHED, REJECTED, SUBMITTED, apply_decision

SUBMITTED_AT = datetime(2024, 5, 17, 9, 0, tzinfo=UTC)
DECIDED_AT = SUBMITTED_AT + timedelta(minutes=5)
LATER = DECIDED_AT + timedelta(hours=1)
SUBMISSION = {
    "title": "Mehr Bänke im Stadtpark",
    "description": "Entlang der Wege fehlen Sitzplätze.",
    "category": "environment",
    "district": "Mitte",
    "author": None,
}


def idea_in(status: str) -> domain.Idea:
    idea = domain.new_idea(SUBMISSION, now=SUBMITTED_AT)
    idea.status = status
    return idea


# --- new_idea ----------------------------------------------------------------------------------


def test_new_idea_is_submitted_with_the_submissions_content():
    idea = domain.new_idea(SUBMISSION, now=SUBMITTED_AT)
    assert idea.status == SUBMITTED
    assert (idea.title, idea.description, idea.category, idea.district) == (
        SUBMISSION["title"],
        SUBMISSION["description"],
        "environment",
        "Mitte",
    )
    assert idea.submitted_at == SUBMITTED_AT
    assert idea.published_at is None and idea.decided_at is None
    assert idea.rejection_reasons == []


def test_new_ideas_get_distinct_ids_and_an_aware_default_time():
    first, second = domain.new_idea(SUBMISSION), domain.new_idea(SUBMISSION)
    assert first.id != second.id
    assert first.submitted_at.tzinfo is not None


def test_new_idea_without_district():
    submission = {key: value for key, value in SUBMISSION.items() if key != "district"}
    assert domain.new_idea(submission).district is None


# --- apply_decision: transitions from open statuses --------------------------------------------


@pytest.mark.parametrize("start", [SUBMITTED, IN_REVIEW])
def test_approve_publishes_an_open_idea(start):
    idea = idea_in(start)
    assert apply_decision(idea, "approve", [], DECIDED_AT) is True
    assert idea.status == PUBLISHED
    assert idea.published_at == DECIDED_AT
    assert idea.decided_at == DECIDED_AT
    assert idea.rejection_reasons == []


@pytest.mark.parametrize("start", [SUBMITTED, IN_REVIEW])
def test_reject_rejects_an_open_idea_with_its_reasons(start):
    idea = idea_in(start)
    reasons = ["offensive_language", "shouting"]
    assert apply_decision(idea, "reject", reasons, DECIDED_AT) is True
    assert idea.status == REJECTED
    assert idea.rejection_reasons == ["offensive_language", "shouting"]
    assert idea.decided_at == DECIDED_AT
    assert idea.published_at is None


def test_rejection_reasons_are_copied_not_shared_with_the_caller():
    idea = idea_in(SUBMITTED)
    reasons = ["shouting"]
    apply_decision(idea, "reject", reasons, DECIDED_AT)
    reasons.append("link_spam")
    assert idea.rejection_reasons == ["shouting"]


def test_review_puts_a_submitted_idea_in_review():
    idea = idea_in(SUBMITTED)
    assert apply_decision(idea, "review", ["link_spam"], DECIDED_AT) is True
    assert idea.status == IN_REVIEW
    assert idea.decided_at == DECIDED_AT
    assert idea.published_at is None
    assert idea.rejection_reasons == []


def test_review_then_approve_publishes_at_the_later_decision():
    idea = idea_in(SUBMITTED)
    apply_decision(idea, "review", [], DECIDED_AT)
    assert apply_decision(idea, "approve", [], LATER) is True
    assert idea.status == PUBLISHED
    assert idea.published_at == LATER
    assert idea.decided_at == LATER


def test_review_then_reject_rejects():
    idea = idea_in(SUBMITTED)
    apply_decision(idea, "review", [], DECIDED_AT)
    assert apply_decision(idea, "reject", ["offensive_language"], LATER) is True
    assert idea.status == REJECTED
    assert idea.rejection_reasons == ["offensive_language"]


# --- apply_decision: nothing changes -----------------------------------------------------------


@pytest.mark.parametrize("final", [PUBLISHED, REJECTED])
@pytest.mark.parametrize("decision", ["approve", "reject", "review"])
def test_final_statuses_stay_final(final, decision):
    idea = idea_in(final)
    idea.decided_at = DECIDED_AT
    idea.published_at = DECIDED_AT if final == PUBLISHED else None
    idea.rejection_reasons = ["shouting"] if final == REJECTED else []
    before = vars(idea).copy()

    assert apply_decision(idea, decision, ["link_spam"], LATER) is False
    assert vars(idea) == before


def test_repeated_review_returns_false_and_keeps_the_first_decision_time():
    idea = idea_in(SUBMITTED)
    apply_decision(idea, "review", [], DECIDED_AT)
    assert apply_decision(idea, "review", [], LATER) is False
    assert idea.status == IN_REVIEW
    assert idea.decided_at == DECIDED_AT


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_repeated_final_decision_returns_false(decision):
    idea = idea_in(SUBMITTED)
    assert apply_decision(idea, decision, ["shouting"], DECIDED_AT) is True
    assert apply_decision(idea, decision, ["link_spam"], LATER) is False
    assert idea.decided_at == DECIDED_AT
    if decision == "reject":
        assert idea.rejection_reasons == ["shouting"]
    else:
        assert idea.published_at == DECIDED_AT


def test_unknown_decision_is_refused():
    with pytest.raises(KeyError):
        apply_decision(idea_in(SUBMITTED), "maybe", [], DECIDED_AT)


# --- request_fingerprint -----------------------------------------------------------------------


def test_fingerprint_is_a_sha256_hex_digest():
    fingerprint = domain.request_fingerprint(SUBMISSION)
    assert len(fingerprint) == 64
    int(fingerprint, 16)


def test_fingerprint_is_stable_across_key_order():
    reordered = dict(reversed(list(SUBMISSION.items())))
    assert list(reordered) != list(SUBMISSION)
    assert domain.request_fingerprint(reordered) == domain.request_fingerprint(SUBMISSION)


def test_fingerprint_is_stable_across_nested_key_order():
    first = SUBMISSION | {"author": {"name": "Erika", "email": "erika@example.org"}}
    second = SUBMISSION | {"author": {"email": "erika@example.org", "name": "Erika"}}
    assert domain.request_fingerprint(first) == domain.request_fingerprint(second)


def test_fingerprint_is_stable_across_calls():
    assert domain.request_fingerprint(dict(SUBMISSION)) == domain.request_fingerprint(dict(SUBMISSION))


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Mehr Bänke im Stadtpark!"},
        {"description": "Entlang der Wege fehlen Sitzplätze"},
        {"category": "other"},
        {"district": None},
        {"author": {"name": "Erika", "email": None}},
    ],
)
def test_fingerprint_differs_for_different_content(change):
    assert domain.request_fingerprint(SUBMISSION | change) != domain.request_fingerprint(SUBMISSION)


def test_fingerprint_tells_apart_a_missing_key_from_a_null_one():
    without = {key: value for key, value in SUBMISSION.items() if key != "district"}
    assert domain.request_fingerprint(without) != domain.request_fingerprint(SUBMISSION)


def test_fingerprint_handles_non_ascii_text():
    umlauts = SUBMISSION | {"title": "Größere Grünflächen"}
    ascii_only = SUBMISSION | {"title": "Groessere Gruenflaechen"}
    assert domain.request_fingerprint(umlauts) != domain.request_fingerprint(ascii_only)


def test_a_published_idea_can_be_hidden_and_unhidden():
    idea = idea_in(domain.PUBLISHED)
    assert domain.hide(idea) and idea.status == domain.HIDDEN
    assert not domain.hide(idea)
    assert domain.unhide(idea) and idea.status == domain.PUBLISHED
    assert not domain.unhide(idea)


@pytest.mark.parametrize("status", [domain.SUBMITTED, domain.IN_REVIEW, domain.REJECTED])
def test_only_published_ideas_are_hidden(status):
    idea = idea_in(status)
    assert not domain.hide(idea) and idea.status == status


def test_a_moderator_rejection_removes_a_hidden_idea_but_an_approval_does_not_publish_it():
    idea = idea_in(domain.HIDDEN)
    assert not domain.apply_decision(idea, "approve", ["false_positive"], DECIDED_AT)
    assert idea.status == domain.HIDDEN  # unhiding is announced separately, as idea.unhidden
    assert domain.apply_decision(idea, "reject", ["offensive_language"], DECIDED_AT)
    assert idea.status == domain.REJECTED and idea.rejection_reasons == ["offensive_language"]
