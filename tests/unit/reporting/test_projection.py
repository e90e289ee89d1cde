"""Unit tests of reporting's projection: events in any order, any number of times."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from aufbruch.contracts.events import new_event, parse_event
from services.reporting.projection import IDEA_EVENTS, IdeaFacts, apply

IDEA_ID = uuid.UUID("3f2b8f8e-4c1e-4e57-9d4f-0b7d1c7a5e01")
SUBMITTED_AT = datetime(2024, 5, 17, 9, 0, tzinfo=timezone.utc)
DECIDED_AT = SUBMITTED_AT + timedelta(minutes=5)
LATER = SUBMITTED_AT + timedelta(hours=2)


def event(event_type: str, **data):
    """A real event, as reporting receives it: built by new_event and parsed by parse_event."""
    return parse_event(new_event(event_type, {"idea_id": IDEA_ID} | data))


def submitted(category="mobility", district="Mitte"):
    return event("idea.submitted", title="Radweg zur Schule", description="Ein sicherer Radweg fehlt.",
                 category=category, district=district, submitted_at=SUBMITTED_AT)


def published(category="mobility", at=DECIDED_AT):
    return event("idea.published", title="Radweg zur Schule", description="Ein sicherer Radweg fehlt.",
                 category=category, district="Mitte", published_at=at)


def rejected(category="mobility", at=DECIDED_AT):
    return event("idea.rejected", category=category, reasons=["shouting"], rejected_at=at)


def decided(decision, at=DECIDED_AT):
    return event("moderation.decided", decision=decision, reasons=[], actor_kind="automatic",
                 decided_at=at)


def project(*events) -> IdeaFacts:
    facts = IdeaFacts(IDEA_ID)
    for each in events:
        facts = apply(facts, each)
    return facts


def test_initial_facts_are_submitted_and_empty():
    facts = IdeaFacts(IDEA_ID)
    assert facts.status == "submitted"
    assert facts.category is None and facts.submitted_at is None and facts.decided_at is None


def test_idea_events_are_the_ones_that_change_facts():
    assert set(IDEA_EVENTS) == {"idea.submitted", "idea.published", "idea.rejected", "moderation.decided"}


# --- in order ----------------------------------------------------------------------------------

def test_submitted_records_the_ideas_facts():
    facts = project(submitted())
    assert facts == IdeaFacts(IDEA_ID, category="mobility", district="Mitte", status="submitted",
                              submitted_at=SUBMITTED_AT, decided_at=None)


def test_submitted_then_published():
    facts = project(submitted(), published())
    assert facts == IdeaFacts(IDEA_ID, category="mobility", district="Mitte", status="published",
                              submitted_at=SUBMITTED_AT, decided_at=DECIDED_AT)


def test_submitted_then_rejected():
    facts = project(submitted(), rejected())
    assert facts.status == "rejected"
    assert facts.decided_at == DECIDED_AT
    assert facts.category == "mobility"


def test_moderation_approve_or_reject_alone_does_not_change_the_status():
    # The ideas service announces the outcome as idea.published / idea.rejected.
    assert project(submitted(), decided("approve")).status == "submitted"
    assert project(submitted(), decided("reject")).status == "submitted"


def test_review_then_publish():
    facts = project(submitted(), decided("review"), published(at=LATER))
    assert facts.status == "published"
    assert facts.decided_at == LATER


def test_review_puts_the_idea_in_review_without_a_decision_time():
    facts = project(submitted(), decided("review"))
    assert facts.status == "in_review"
    assert facts.decided_at is None


# --- out of order ------------------------------------------------------------------------------

def test_published_before_submitted_ends_published_with_all_facts():
    facts = project(published(), submitted())
    assert facts == IdeaFacts(IDEA_ID, category="mobility", district="Mitte", status="published",
                              submitted_at=SUBMITTED_AT, decided_at=DECIDED_AT)


def test_rejected_before_submitted_ends_rejected_with_all_facts():
    facts = project(rejected(), submitted())
    assert facts.status == "rejected"
    assert facts.submitted_at == SUBMITTED_AT
    assert facts.district == "Mitte"
    assert facts.decided_at == DECIDED_AT


def test_category_is_filled_from_published_when_submitted_is_missing():
    facts = project(published(category="environment"))
    assert facts.category == "environment"
    assert facts.status == "published"
    assert facts.submitted_at is None


def test_category_is_filled_from_rejected_when_submitted_is_missing():
    assert project(rejected(category="culture")).category == "culture"


def test_published_does_not_overwrite_the_category_from_submitted():
    assert project(submitted(category="mobility"), published(category="other")).category == "mobility"


def test_review_arriving_after_publication_does_not_move_back():
    facts = project(submitted(), published(), decided("review", at=LATER))
    assert facts.status == "published"
    assert facts.decided_at == DECIDED_AT


def test_review_arriving_before_submitted():
    facts = project(decided("review"), submitted())
    assert facts.status == "in_review"
    assert facts.submitted_at == SUBMITTED_AT


# --- duplicates and monotonicity ---------------------------------------------------------------

def test_duplicate_events_change_nothing():
    once = project(submitted(), decided("review"), published())
    twice = project(submitted(), submitted(), decided("review"), decided("review"), published(), published())
    assert twice == once


def test_duplicate_publication_keeps_the_first_decision_time():
    facts = project(submitted(), published(at=DECIDED_AT), published(at=LATER))
    assert facts.decided_at == DECIDED_AT


@pytest.mark.parametrize("late", ["submitted", "review", "published", "rejected"])
@pytest.mark.parametrize("final", ["published", "rejected"])
def test_status_never_moves_backwards_or_sideways_from_a_final_status(final, late):
    start = project(submitted(), published() if final == "published" else rejected())
    late_event = {"submitted": submitted(), "review": decided("review", at=LATER),
                  "published": published(at=LATER), "rejected": rejected(at=LATER)}[late]
    after = apply(start, late_event)
    assert after.status == final
    assert after.decided_at == DECIDED_AT


def test_resubmission_event_does_not_reset_the_status():
    assert project(submitted(), decided("review"), submitted()).status == "in_review"


@pytest.mark.parametrize("event_type", ["notification.sent", "notification.failed"])
def test_other_events_leave_the_facts_alone(event_type):
    facts = project(submitted())
    data = {"notification_id": uuid.uuid4(), "kind": "receipt"}
    data |= {"sent_at": LATER} if event_type == "notification.sent" else {"failed_at": LATER, "error": "SMTP 550"}
    assert apply(facts, event(event_type, **data)) == facts


def test_apply_returns_new_facts_and_leaves_the_old_ones_unchanged():
    before = IdeaFacts(IDEA_ID)
    after = apply(before, submitted())
    assert before == IdeaFacts(IDEA_ID)
    assert after is not before
