"""Reporting's use cases, run for real against the in-memory unit of work of conftest.py: recording
events exactly once whatever the redeliveries, and rebuilding the same facts from the log."""

import uuid
from datetime import UTC, datetime, timedelta

from aufbruch.contracts.events import new_event, parse_event
from services.reporting import handlers, repository
from services.reporting.projection import PROJECTION_VERSION

SUBMITTED_AT = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def received(event_type: str, **data) -> tuple:
    """An event as service.py hands it on: parsed, beside its data as it arrived."""
    body = new_event(event_type, data)
    return parse_event(body), body["data"]


def submitted(idea_id, category="mobility") -> tuple:
    return received(
        "idea.submitted",
        idea_id=idea_id,
        title="Radweg zur Schule",
        description="Ein sicherer Radweg fehlt.",
        category=category,
        district="Mitte",
        submitted_at=SUBMITTED_AT,
        author_key="a" * 64,
        process_id="standing",
    )


def published(idea_id) -> tuple:
    return received(
        "idea.published",
        idea_id=idea_id,
        title="Radweg zur Schule",
        description="Ein sicherer Radweg fehlt.",
        category="mobility",
        district="Mitte",
        published_at=SUBMITTED_AT + timedelta(minutes=5),
        process_id="standing",
    )


def test_recording_logs_each_event_and_projects_the_idea(uow):
    idea_id = uuid.uuid4()

    assert handlers.record(uow, [submitted(idea_id), published(idea_id)]) == 2

    facts = uow.repo.facts[idea_id]
    assert (facts.status, facts.category, facts.published_at) == (
        "published",
        "mobility",
        SUBMITTED_AT + timedelta(minutes=5),
    )
    assert len(uow.repo.log) == 2


def test_a_redelivered_event_is_recorded_once_within_and_across_batches(uow):
    idea_id = uuid.uuid4()
    submission = submitted(idea_id)

    assert handlers.record(uow, [submission, submission]) == 1
    assert handlers.record(uow, [submission, published(idea_id)]) == 1

    assert len(uow.repo.log) == 2 and uow.repo.facts[idea_id].status == "published"


def test_events_that_are_not_about_an_idea_are_logged_but_change_no_facts(uow):
    sent = received(
        "notification.sent", notification_id=uuid.uuid4(), idea_id=uuid.uuid4(), kind="receipt", sent_at=SUBMITTED_AT
    )

    assert handlers.record(uow, [sent]) == 1
    assert len(uow.repo.log) == 1 and uow.repo.facts == {}


def test_the_log_keeps_fields_this_version_does_not_know(uow):
    event, data = submitted(uuid.uuid4())

    handlers.record(uow, [(event, data | {"neighbourhood": "Blankenhagen"})])

    [(_, logged)] = uow.repo.log.values()
    assert logged["neighbourhood"] == "Blankenhagen" and "neighbourhood" not in event.data


def test_a_rebuild_derives_the_same_facts_from_the_log_and_notes_the_version(uow):
    ideas = [uuid.uuid4() for _ in range(3)]
    handlers.record(uow, [submitted(idea_id) for idea_id in ideas] + [published(ideas[0])])
    live = dict(uow.repo.facts)

    assert handlers.rebuild(uow) == {"events": 4, "ideas": 3}
    assert uow.repo.facts == live and uow.repo.version == PROJECTION_VERSION


def test_at_start_only_outdated_projections_are_rebuilt(uow):
    handlers.record(uow, [submitted(uuid.uuid4())])

    assert handlers.rebuild_if_outdated(uow) == {"events": 1, "ideas": 1}
    assert handlers.rebuild_if_outdated(uow) is None


def test_the_moderation_export_has_one_row_per_idea_without_text(uow):
    idea_id = uuid.uuid4()
    handlers.record(uow, [submitted(idea_id)])

    [row] = handlers.moderation_rows(uow)

    assert row["idea_id"] == str(idea_id) and row["category"] == "mobility" and row["decision"] is None
    assert "title" not in row and "description" not in row


def test_an_empty_batch_records_nothing(uow):
    assert handlers.record(uow, []) == 0
    assert uow.repo.log == {} and uow.repo.facts == {}


def test_the_fake_repository_offers_every_method_of_the_real_one_but_the_figures(uow):
    # The figures are SQL aggregates: tests/integration/test_reporting_figures.py checks them.
    public = {name for name in dir(repository.Repository) if not name.startswith("_")}
    assert public - {"summary", "period_counts"} <= set(dir(uow.repo))


def test_the_open_data_export_has_the_public_ideas_only(uow):
    shown, pending = uuid.uuid4(), uuid.uuid4()
    handlers.record(uow, [submitted(shown), published(shown), submitted(pending)])

    [row] = handlers.published_ideas(uow)

    assert row["id"] == str(shown) and row["title"] == "Radweg zur Schule"
    assert row["published_at"] == (SUBMITTED_AT + timedelta(minutes=5)).isoformat()
