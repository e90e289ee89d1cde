"""Unit tests of reporting's projection: events in any order, any number of times, give the same facts."""

import itertools
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from aufbruch.contracts.events import new_event, parse_event
from services.reporting.handlers import replay
from services.reporting.projection import IDEA_EVENTS, STATUSES, IdeaFacts, apply

IDEA_ID = uuid.UUID("3f2b8f8e-4c1e-4e57-9d4f-0b7d1c7a5e01")
SUBMITTED_AT = datetime(2024, 5, 17, 9, 0, tzinfo=UTC)
DECIDED_AT = SUBMITTED_AT + timedelta(minutes=5)
LATER = SUBMITTED_AT + timedelta(hours=2)
MUCH_LATER = SUBMITTED_AT + timedelta(days=2)
AUTHOR_KEY = "a" * 64
TITLE, DESCRIPTION = "Radweg zur Schule", "Ein sicherer Radweg fehlt."


def event(event_type: str, idea_id=IDEA_ID, **data):
    """A real event, as reporting receives it: built by new_event and parsed by parse_event."""
    return parse_event(new_event(event_type, {"idea_id": idea_id} | data))


def submitted(
    category="mobility", district="Mitte", at=SUBMITTED_AT, author_key=AUTHOR_KEY, idea_id=IDEA_ID, **process
):
    return event(
        "idea.submitted",
        idea_id,
        title=TITLE,
        description=DESCRIPTION,
        category=category,
        district=district,
        submitted_at=at,
        author_key=author_key,
        **process,
    )


def published(category="mobility", at=DECIDED_AT, title=TITLE, idea_id=IDEA_ID):
    return event(
        "idea.published",
        idea_id,
        title=title,
        description=DESCRIPTION,
        category=category,
        district="Mitte",
        published_at=at,
    )


def rejected(category="mobility", at=DECIDED_AT, reasons=("shouting",), idea_id=IDEA_ID):
    return event("idea.rejected", idea_id, category=category, reasons=list(reasons), rejected_at=at)


def decided(decision, at=DECIDED_AT, actor="automatic", reasons=(), idea_id=IDEA_ID):
    return event(
        "moderation.decided", idea_id, decision=decision, reasons=list(reasons), actor_kind=actor, decided_at=at
    )


def answered(status, at=LATER, previous=None, idea_id=IDEA_ID, answer_id=None):
    return event(
        "idea.status_changed",
        idea_id,
        answer_id=answer_id or uuid.uuid4(),
        title=TITLE,
        process_id="standing",
        official_status=status,
        previous_status=previous,
        answer="Die Verwaltung prüft den Vorschlag.",
        answered_at=at,
    )


def hidden(at=LATER, reason="flags", idea_id=IDEA_ID):
    return event("idea.hidden", idea_id, reason=reason, actor_kind="automatic", hidden_at=at)


def unhidden(at=MUCH_LATER, idea_id=IDEA_ID):
    return event("idea.unhidden", idea_id, reason="false_positive", actor_kind="moderator", unhidden_at=at)


def project(*events) -> IdeaFacts:
    facts = IdeaFacts(IDEA_ID)
    for each in events:
        facts = apply(facts, each)
    return facts


def test_initial_facts_are_submitted_and_empty():
    facts = IdeaFacts(IDEA_ID)
    assert facts.status == "submitted" and not facts.hidden
    assert facts.category is None and facts.submitted_at is None and facts.decided_at is None
    assert facts.turnaround_seconds is None


def test_idea_events_are_the_ones_that_change_facts():
    assert set(IDEA_EVENTS) == {
        "idea.submitted",
        "idea.published",
        "idea.rejected",
        "moderation.decided",
        "idea.hidden",
        "idea.unhidden",
        "idea.status_changed",
    }


# --- in order ----------------------------------------------------------------------------------


def test_submitted_records_the_ideas_facts_but_not_its_unmoderated_text():
    facts = project(submitted())
    assert facts == IdeaFacts(
        IDEA_ID,
        category="mobility",
        district="Mitte",
        submitted_at=SUBMITTED_AT,
        author_key=AUTHOR_KEY,
        process_id="standing",
    )
    assert facts.status == "submitted" and facts.title is None


def test_an_idea_without_an_address_has_no_author_key():
    assert project(submitted(author_key=None)).author_key is None


def test_the_usual_way_to_publication():
    facts = project(submitted(), decided("approve"), published())
    assert facts == IdeaFacts(
        IDEA_ID,
        category="mobility",
        district="Mitte",
        submitted_at=SUBMITTED_AT,
        author_key=AUTHOR_KEY,
        title=TITLE,
        description=DESCRIPTION,
        published_at=DECIDED_AT,
        decided_at=DECIDED_AT,
        decision="approve",
        decision_actor="automatic",
        process_id="standing",
    )
    assert facts.status == "published"
    assert facts.turnaround_seconds == 300


def test_submitted_then_rejected():
    facts = project(submitted(), decided("reject", reasons=["link_spam"]), rejected(reasons=["link_spam"]))
    assert facts.status == "rejected"
    assert facts.rejected_at == DECIDED_AT and facts.rejection_reasons == ("link_spam",)
    assert (facts.decision, facts.decision_actor, facts.decision_reasons) == ("reject", "automatic", ("link_spam",))
    assert facts.category == "mobility" and facts.title is None


def test_moderation_approve_or_reject_alone_does_not_change_the_status():
    # The ideas service announces the outcome as idea.published / idea.rejected.
    assert project(submitted(), decided("approve")).status == "submitted"
    assert project(submitted(), decided("reject")).status == "submitted"


def test_review_then_a_moderators_decision_is_a_human_turnaround():
    facts = project(
        submitted(),
        decided("review", reasons=["shouting"]),
        decided("approve", at=LATER, actor="moderator", reasons=["acceptable"]),
        published(at=LATER),
    )
    assert facts.status == "published" and facts.reviewed
    assert (facts.decided_at, facts.decision_actor, facts.decision_reasons) == (LATER, "moderator", ("acceptable",))
    assert facts.turnaround_seconds == 7200


def test_review_puts_the_idea_in_review_without_a_decision():
    facts = project(submitted(), decided("review"))
    assert facts.status == "in_review"
    assert facts.decided_at is None and facts.turnaround_seconds is None


def test_hidden_then_unhidden_returns_to_published():
    assert project(submitted(), published(), hidden()).status == "hidden"
    facts = project(submitted(), published(), hidden(), unhidden())
    assert facts.status == "published" and not facts.hidden


def test_hidden_again_after_unhiding_is_hidden():
    assert project(published(), hidden(), unhidden(), hidden(at=MUCH_LATER + timedelta(hours=1))).status == "hidden"


def test_a_hidden_idea_a_moderator_rejects_stays_rejected():
    facts = project(
        submitted(),
        decided("approve"),
        published(),
        hidden(),
        decided("reject", at=MUCH_LATER, actor="moderator", reasons=["offensive_language"]),
        rejected(at=MUCH_LATER, reasons=["offensive_language"]),
        unhidden(at=MUCH_LATER + timedelta(hours=1)),
    )
    assert facts.status == "rejected"
    # the moderator's later decision on flags does not replace the answer to the submission
    assert (facts.decided_at, facts.decision, facts.decision_actor) == (DECIDED_AT, "approve", "automatic")


# --- out of order ------------------------------------------------------------------------------


def test_published_before_submitted_ends_published_with_all_facts():
    assert project(published(), submitted()) == project(submitted(), published())


def test_rejected_before_submitted_ends_rejected_with_all_facts():
    facts = project(rejected(), submitted())
    assert facts.status == "rejected"
    assert facts.submitted_at == SUBMITTED_AT and facts.district == "Mitte" and facts.rejected_at == DECIDED_AT


def test_category_is_filled_from_published_when_submitted_is_missing():
    facts = project(published(category="environment"))
    assert facts.category == "environment"
    assert facts.status == "published"
    assert facts.submitted_at is None


def test_category_is_filled_from_rejected_when_submitted_is_missing():
    assert project(rejected(category="culture")).category == "culture"


def test_submitted_decides_the_category_whatever_came_before_or_after():
    assert project(submitted(category="mobility"), published(category="other")).category == "mobility"
    assert project(published(category="other"), submitted(category="mobility")).category == "mobility"
    assert project(rejected(category="other"), published(category="culture")).category == "culture"
    assert project(published(category="culture"), rejected(category="other")).category == "culture"


def test_review_arriving_after_publication_does_not_move_back():
    facts = project(submitted(), published(), decided("review", at=LATER))
    assert facts.status == "published"


def test_unhidden_before_hidden_counts_by_time_not_arrival():
    assert project(published(), unhidden(), hidden()).status == "published"
    assert project(published(), unhidden(at=LATER), hidden(at=MUCH_LATER)).status == "hidden"


def test_the_earliest_settling_decision_wins_whenever_it_arrives():
    human = decided("reject", at=MUCH_LATER, actor="moderator", reasons=["spam"])
    automatic = decided("approve", at=DECIDED_AT)
    assert project(submitted(), human, automatic) == project(submitted(), automatic, human)
    assert project(submitted(), human, automatic).decision_actor == "automatic"


# --- duplicates and monotonicity ---------------------------------------------------------------


def test_duplicate_events_change_nothing():
    once = project(submitted(), decided("review"), published(), hidden())
    twice = project(
        submitted(), submitted(), decided("review"), decided("review"), published(), published(), hidden(), hidden()
    )
    assert twice == once


def test_a_second_publication_keeps_the_first_publication_and_its_text():
    facts = project(submitted(), published(at=LATER, title="Später"), published(at=DECIDED_AT))
    assert (facts.published_at, facts.title) == (DECIDED_AT, TITLE)


@pytest.mark.parametrize("late", ["submitted", "review", "published", "rejected"])
def test_rejected_is_final(late):
    start = project(submitted(), rejected())
    late_event = {
        "submitted": submitted(),
        "review": decided("review", at=LATER),
        "published": published(at=LATER),
        "rejected": rejected(at=LATER),
    }[late]
    after = apply(start, late_event)
    assert after.status == "rejected"
    assert after.rejected_at == DECIDED_AT


def test_a_published_idea_rejected_later_is_rejected():
    # a moderator rejects an idea that citizens' flags hid: idea.rejected follows its publication
    assert project(submitted(), published(), rejected(at=LATER)).status == "rejected"


def test_resubmission_event_does_not_reset_the_status():
    assert project(submitted(), decided("review"), submitted()).status == "in_review"


@pytest.mark.parametrize("event_type", ["notification.sent", "notification.failed"])
def test_other_events_leave_the_facts_alone(event_type):
    facts = project(submitted())
    data = {"notification_id": uuid.uuid4(), "kind": "receipt"}
    data |= {"sent_at": LATER} if event_type == "notification.sent" else {"failed_at": LATER, "error": "SMTP 550"}
    assert apply(facts, event(event_type, **data)) == facts


def test_an_idea_submitted_to_a_process_is_counted_in_it():
    assert project(submitted(process_id="digitalgipfel-2027")).process_id == "digitalgipfel-2027"


def test_the_latest_answer_sets_the_official_status_and_the_first_one_the_answer_time():
    first, second = uuid.UUID(int=1), uuid.UUID(int=2)
    facts = project(
        submitted(),
        decided("approve"),
        published(),
        answered("under_evaluation", at=LATER, answer_id=first),
        answered("accepted", at=MUCH_LATER, previous="under_evaluation", answer_id=second),
    )
    assert facts.official_status == "accepted"
    assert (facts.official_status_at, facts.official_answer_id) == (MUCH_LATER, second)
    assert facts.first_answered_at == LATER
    assert facts.answer_seconds == (LATER - DECIDED_AT).total_seconds()
    assert facts.status == "published"


def test_no_answer_time_until_the_publication_is_known():
    facts = project(submitted(), answered("accepted"))
    assert facts.official_status == "accepted" and facts.answer_seconds is None
    assert apply(facts, published()).answer_seconds == (LATER - DECIDED_AT).total_seconds()


def test_apply_returns_new_facts_and_leaves_the_old_ones_unchanged():
    before = IdeaFacts(IDEA_ID)
    after = apply(before, submitted())
    assert before == IdeaFacts(IDEA_ID)
    assert after is not before


# --- order independence: every permutation gives the same facts ---------------------------------

SEQUENCES = {
    "published, hidden, unhidden": [submitted(), decided("approve"), published(), hidden(), unhidden(), submitted()],
    "review, human rejection": [
        submitted(),
        decided("review", reasons=["shouting"]),
        decided("reject", at=LATER, actor="moderator", reasons=["off_topic"]),
        rejected(at=LATER, reasons=["off_topic"]),
        decided("review", at=LATER),
    ],
    "flags, hidden, rejected": [
        submitted(district=None),
        decided("approve"),
        published(),
        hidden(),
        decided("reject", at=MUCH_LATER, actor="moderator", reasons=["spam"]),
        rejected(at=MUCH_LATER),
    ],
    "hidden twice": [
        published(),
        hidden(),
        unhidden(),
        hidden(at=MUCH_LATER + timedelta(hours=1)),
        unhidden(at=MUCH_LATER + timedelta(hours=2)),
        decided("approve"),
    ],
    "answers, one of them at the same time as another": [
        submitted(process_id="u30-ideenaufruf"),
        decided("approve"),
        published(),
        answered("under_evaluation", at=LATER, answer_id=uuid.UUID(int=7)),
        answered("declined", at=MUCH_LATER, previous="under_evaluation", answer_id=uuid.UUID(int=8)),
        answered("accepted", at=MUCH_LATER, previous="under_evaluation", answer_id=uuid.UUID(int=9)),
    ],
    "conflicting duplicates": [
        published(at=LATER, title="Zweite Fassung"),
        published(),
        rejected(at=LATER, reasons=["b"]),
        rejected(at=LATER, reasons=["a"]),
        hidden(at=LATER),
        unhidden(at=LATER),
    ],
}


@pytest.mark.parametrize("name", SEQUENCES)
def test_every_order_of_a_sequence_gives_the_same_facts(name):
    events = SEQUENCES[name]
    expected = project(*events)
    for order in itertools.permutations(events):
        assert project(*order) == expected, [each.type for each in order]


@pytest.mark.parametrize("name", ["published, hidden, unhidden", "hidden twice"])
def test_every_order_of_hiding_and_unhiding_ends_as_the_last_change_by_time_says(name):
    assert {project(*order).status for order in itertools.permutations(SEQUENCES[name])} == {"published"}


# --- figures by hand on a known sequence --------------------------------------------------------


def _ideas(count: int) -> list[uuid.UUID]:
    return [uuid.UUID(int=number + 1) for number in range(count)]


def test_a_known_sequence_gives_the_facts_computed_by_hand():
    a, b, c, d, e = _ideas(5)
    keys = {a: "k1", b: "k1", c: "k2", d: None, e: "k3"}
    events = [
        # a: approved automatically after 2 s
        submitted(idea_id=a, at=SUBMITTED_AT, author_key=keys[a]),
        decided("approve", idea_id=a, at=SUBMITTED_AT + timedelta(seconds=2)),
        published(idea_id=a, at=SUBMITTED_AT + timedelta(seconds=2)),
        # b: rejected automatically after 4 s, same author as a
        submitted(idea_id=b, category="culture", at=SUBMITTED_AT, author_key=keys[b]),
        decided("reject", idea_id=b, at=SUBMITTED_AT + timedelta(seconds=4), reasons=["link_spam"]),
        rejected(idea_id=b, category="culture", at=SUBMITTED_AT + timedelta(seconds=4), reasons=["link_spam"]),
        # c: reviewed, approved by a moderator after one hour, later hidden by flags
        submitted(idea_id=c, at=SUBMITTED_AT, author_key=keys[c]),
        decided("review", idea_id=c, at=SUBMITTED_AT + timedelta(seconds=1)),
        decided("approve", idea_id=c, actor="moderator", reasons=["acceptable"], at=SUBMITTED_AT + timedelta(hours=1)),
        published(idea_id=c, at=SUBMITTED_AT + timedelta(hours=1)),
        hidden(idea_id=c, at=MUCH_LATER),
        # d: waits for a moderator
        submitted(idea_id=d, district=None, at=SUBMITTED_AT, author_key=keys[d]),
        decided("review", idea_id=d, at=SUBMITTED_AT + timedelta(seconds=1)),
        # e: its submission has not arrived yet
        published(idea_id=e, category="health"),
    ]
    facts = {each.idea_id: each for each in replay(events)}

    assert Counter(each.status for each in facts.values()) == {
        "published": 2,
        "rejected": 1,
        "hidden": 1,
        "in_review": 1,
    }
    assert set(Counter(each.status for each in facts.values())) <= set(STATUSES)
    assert {idea: each.turnaround_seconds for idea, each in facts.items()} == {
        a: 2.0,
        b: 4.0,
        c: 3600.0,
        d: None,
        e: None,
    }
    assert {idea: each.decision_actor for idea, each in facts.items()} == {
        a: "automatic",
        b: "automatic",
        c: "moderator",
        d: None,
        e: None,
    }
    assert len({each.author_key for each in facts.values() if each.author_key}) == 2  # e's is not known yet
    assert Counter(each.category for each in facts.values()) == {"mobility": 3, "culture": 1, "health": 1}
    assert Counter(each.district for each in facts.values()) == {"Mitte": 4, None: 1}
    assert facts[b].rejection_reasons == ("link_spam",)
    # replayed in another order, the same facts
    assert sorted(replay(reversed(events)), key=lambda f: f.idea_id) == sorted(facts.values(), key=lambda f: f.idea_id)
