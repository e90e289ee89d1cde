"""The city's use cases in the ideas service, run for real against the in-memory unit of work of
conftest.py: official answers and their status transitions, and participation processes."""

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from aufbruch.contracts.errors import Conflict, InvalidInput, NotFound
from aufbruch.contracts.events import new_event, parse_event
from services.ideas import city_handlers, handlers

IDEA = {
    "title": "Mehr Fahrradbügel am Bahnhof",
    "description": "Am Hauptbahnhof fehlen sichere Abstellplätze für Fahrräder.",
    "category": "mobility",
}
STAFF = {"user_id": str(uuid.uuid4()), "username": "lena", "role": "staff"}


def submitted(uow, settings, **changes) -> str:
    return handlers.submit(uow, settings, IDEA | changes, None)[0]["id"]


def published(uow, settings, **changes) -> str:
    idea_id = submitted(uow, settings, **changes)
    approval = {"idea_id": idea_id, "decision": "approve", "reasons": [], "actor_kind": "automatic"}
    event = new_event("moderation.decided", approval | {"decided_at": datetime.now(UTC)})
    handlers.apply_moderation_decisions(uow, [parse_event(event)])
    return idea_id


def answer(uow, idea_id, status, text="Das Tiefbauamt prüft den Vorschlag."):
    return city_handlers.answer(uow, idea_id, {"status": status, "text": text}, STAFF)


def today():
    return datetime.now(ZoneInfo("Europe/Berlin")).date()


# --- answers ------------------------------------------------------------------------------------


def test_an_answer_sets_the_official_status_and_is_announced_without_naming_the_staff_member(uow, settings):
    idea_id = published(uow, settings)

    given = answer(uow, idea_id, "under_evaluation")

    assert given["official_status"] == "under_evaluation" and given["previous_status"] is None
    assert uow.repo.ideas[uuid.UUID(idea_id)].official_status == "under_evaluation"
    [event] = uow.repo.events_of("idea.status_changed")
    assert {"idea_id": idea_id, "official_status": "under_evaluation", "previous_status": None}.items() <= event.items()
    assert STAFF["user_id"] not in str(event) and STAFF["username"] not in str(event)
    assert uow.repo.given_answers[0][1] == uuid.UUID(STAFF["user_id"])  # kept, never shown


def test_answers_form_the_public_history_oldest_first(uow, settings):
    idea_id = published(uow, settings)
    answer(uow, idea_id, "under_evaluation")
    answer(uow, idea_id, "accepted", "Im Juni kommen 40 Bügel.")
    answer(uow, idea_id, "in_implementation", "Die Bügel sind bestellt.")

    history = city_handlers.idea_answers(uow, idea_id)["items"]

    assert [(each["previous_status"], each["official_status"]) for each in history] == [
        (None, "under_evaluation"),
        ("under_evaluation", "accepted"),
        ("accepted", "in_implementation"),
    ]
    assert handlers.public_idea(uow, idea_id)["official_status"] == "in_implementation"


@pytest.mark.parametrize(
    "path, refused",
    [
        ([], "implemented"),
        ([], "in_implementation"),
        (["under_evaluation"], "implemented"),
        (["accepted", "implemented"], "declined"),
        (["declined"], "accepted"),
    ],
)
def test_a_status_that_may_not_follow_is_a_conflict_and_changes_nothing(uow, settings, path, refused):
    idea_id = published(uow, settings)
    for status in path:
        answer(uow, idea_id, status)

    with pytest.raises(Conflict, match="the next status may be"):
        answer(uow, idea_id, refused)

    assert len(uow.repo.events_of("idea.status_changed")) == len(path)
    assert uow.repo.ideas[uuid.UUID(idea_id)].official_status == (path[-1] if path else None)


def test_a_declined_idea_may_be_taken_up_again(uow, settings):
    idea_id = published(uow, settings)
    answer(uow, idea_id, "declined")
    assert answer(uow, idea_id, "under_evaluation")["previous_status"] == "declined"


def test_only_a_published_idea_is_answered_and_has_a_public_history(uow, settings):
    idea_id = submitted(uow, settings)

    with pytest.raises(Conflict, match="Only a published idea"):
        answer(uow, idea_id, "accepted")
    with pytest.raises(NotFound):
        city_handlers.idea_answers(uow, idea_id)
    with pytest.raises(NotFound):
        answer(uow, str(uuid.uuid4()), "accepted")
    assert uow.repo.events_of("idea.status_changed") == []


def test_an_invalid_answer_names_its_fields(uow, settings):
    idea_id = published(uow, settings)
    with pytest.raises(InvalidInput) as info:
        city_handlers.answer(uow, idea_id, {"status": "done", "text": ""}, STAFF)
    assert set(info.value.errors) == {"status", "text"}


# --- processes ----------------------------------------------------------------------------------


def new_process(uow, settings, **changes) -> dict:
    return city_handlers.create_process(
        uow,
        settings,
        {
            "id": "digitalgipfel-2027",
            "title": "Digitalgipfel 2027",
            "description": "Ideen für den Digitalgipfel.",
            "categories": ["mobility", "economy"],
            "opens_on": (today() - timedelta(days=1)).isoformat(),
            "closes_on": (today() + timedelta(days=1)).isoformat(),
        }
        | changes,
    )


def test_a_new_process_is_open_and_counts_its_ideas(uow, settings):
    created = new_process(uow, settings)
    published(uow, settings, process_id="digitalgipfel-2027")
    submitted(uow, settings, process_id="digitalgipfel-2027")

    view = city_handlers.public_process(uow, settings, "digitalgipfel-2027")

    assert created["state"] == "open" and not created["standing"]
    assert view["figures"] == {"ideas_submitted": 2, "ideas_published": 1}
    [standing] = [each for each in city_handlers.list_processes(uow, settings)["items"] if each["standing"]]
    assert standing["categories"] == list(settings.categories) and standing["state"] == "open"


def test_a_process_id_is_taken_once(uow, settings):
    new_process(uow, settings)
    with pytest.raises(Conflict, match="exists already"):
        new_process(uow, settings, title="Noch ein Digitalgipfel")


def test_a_process_takes_only_its_categories(uow, settings):
    new_process(uow, settings)
    with pytest.raises(InvalidInput) as info:
        submitted(uow, settings, process_id="digitalgipfel-2027", category="culture")
    assert set(info.value.errors) == {"category"}


def test_closing_a_process_makes_it_refuse_ideas_and_the_standing_process_never_changes(uow, settings):
    new_process(uow, settings)

    changed = city_handlers.change_process(
        uow, settings, "digitalgipfel-2027", {"closes_on": (today() - timedelta(days=1)).isoformat()}
    )

    assert changed["state"] == "closed"
    with pytest.raises(Conflict, match="takes no more ideas"):
        submitted(uow, settings, process_id="digitalgipfel-2027")
    with pytest.raises(Conflict, match="standing process cannot be changed"):
        city_handlers.change_process(uow, settings, "standing", {"title": "Ein neuer Titel"})
    with pytest.raises(NotFound):
        city_handlers.change_process(uow, settings, "kein-prozess", {"title": "Ein neuer Titel"})
    with pytest.raises(NotFound):
        city_handlers.public_process(uow, settings, "kein-prozess")
