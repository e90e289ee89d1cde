"""The ideas service's use cases, run for real against the in-memory unit of work of conftest.py:
taking ideas in (with Idempotency-Key replay and conflict), following moderation, and the list."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from aufbruch.contracts.errors import Conflict, InvalidInput, NotFound
from aufbruch.contracts.events import new_event, parse_event
from services.ideas import handlers, repository
from services.ideas.domain import HIDDEN, IN_REVIEW, PUBLISHED, REJECTED
from services.ideas.processes import Process

IDEA = {
    "title": "Mehr Fahrradbügel am Bahnhof",
    "description": "Am Hauptbahnhof fehlen sichere Abstellplätze für Fahrräder.",
    "category": "mobility",
    "district": "Innenstadt",
    "author": {"name": "Erika Vertraulich", "email": "erika@example.org"},
}
STAFF = {"user_id": str(uuid.uuid4()), "username": "lena", "role": "staff"}


def submitted(uow, settings, key=None, **changes) -> uuid.UUID:
    receipt, created = handlers.submit(uow, settings, IDEA | changes, key)
    assert created
    return uuid.UUID(receipt["id"])


def decision(idea_id, verdict="approve", reasons=(), decided_at=None):
    return parse_event(
        new_event(
            "moderation.decided",
            {
                "idea_id": idea_id,
                "decision": verdict,
                "reasons": list(reasons),
                "actor_kind": "automatic",
                "decided_at": decided_at or datetime.now(UTC),
            },
        )
    )


def published(uow, settings, decided_at=None, **changes) -> uuid.UUID:
    idea_id = submitted(uow, settings, **changes)
    handlers.apply_moderation_decisions(uow, [decision(idea_id, decided_at=decided_at)])
    return idea_id


# --- submitting ---------------------------------------------------------------------------------


def test_a_submission_stores_the_idea_and_its_contact_and_announces_it_without_personal_data(uow, settings):
    receipt, created = handlers.submit(uow, settings, IDEA, None, "en")

    idea_id = uuid.UUID(receipt["id"])
    assert created and receipt["status"] == "submitted"
    assert uow.repo.ideas[idea_id].title == IDEA["title"]
    assert uow.repo.contacts[idea_id]["email"] == "erika@example.org"
    assert uow.repo.contacts[idea_id]["locale"] == "en"
    [event] = uow.repo.events_of("idea.submitted")
    assert event["idea_id"] == str(idea_id) and event["author_key"]
    assert "erika" not in str(event).lower()


def test_the_submissions_locale_wins_over_accept_language(uow, settings):
    idea_id = uuid.UUID(handlers.submit(uow, settings, IDEA | {"locale": "de"}, None, "en")[0]["id"])
    assert uow.repo.contacts[idea_id]["locale"] == "de"


def test_a_replay_with_the_same_key_and_body_returns_the_first_idea_and_stores_nothing_new(uow, settings):
    first, created = handlers.submit(uow, settings, IDEA, "key-1")
    again, created_again = handlers.submit(uow, settings, IDEA | {"title": f"  {IDEA['title']} "}, "key-1")

    assert created and not created_again
    assert again == first
    assert len(uow.repo.ideas) == 1 and len(uow.repo.events_of("idea.submitted")) == 1


def test_a_key_reused_for_another_idea_is_a_conflict_that_stores_nothing(uow, settings):
    handlers.submit(uow, settings, IDEA, "key-1")

    with pytest.raises(Conflict, match="Idempotency-Key"):
        handlers.submit(uow, settings, IDEA | {"title": "Ein ganz anderer Vorschlag"}, "key-1")

    assert len(uow.repo.ideas) == 1 and len(uow.repo.events_of("idea.submitted")) == 1


def test_a_key_a_concurrent_request_claimed_first_replays_its_idea_and_rolls_this_one_back(uow, settings, monkeypatch):
    first, _ = handlers.submit(uow, settings, IDEA, "key-1")
    # As if the first request had not committed its key yet when this one looked for it.
    monkeypatch.setattr(uow.repo, "find_by_idempotency_key", lambda key: None)

    again, created = handlers.submit(uow, settings, IDEA, "key-1")

    assert not created and again == first
    assert len(uow.repo.ideas) == 1 and len(uow.repo.events_of("idea.submitted")) == 1


@pytest.mark.parametrize("key", ["", "k" * 201])
def test_an_empty_or_overlong_key_is_invalid_input_naming_it(uow, settings, key):
    with pytest.raises(InvalidInput) as info:
        handlers.submit(uow, settings, IDEA, key)
    assert set(info.value.errors) == {"Idempotency-Key"} and not uow.repo.ideas


def test_an_invalid_submission_names_every_offending_field_and_stores_nothing(uow, settings):
    with pytest.raises(InvalidInput) as info:
        handlers.submit(uow, settings, {"title": "x", "category": "weather", "colour": "red"}, None)
    assert set(info.value.errors) == {"title", "description", "category", "colour"}
    assert uow.repo.ideas == {} and uow.repo.events == []


def test_an_unknown_process_is_invalid_input_naming_process_id(uow, settings):
    with pytest.raises(InvalidInput) as info:
        handlers.submit(uow, settings, IDEA | {"process_id": "kein-prozess"}, None)
    assert set(info.value.errors) == {"process_id"} and not uow.repo.ideas


def test_a_closed_process_refuses_with_a_conflict_and_stores_nothing(uow, settings):
    uow.repo.processes["haushalt-2025"] = Process(
        "haushalt-2025", "Bürgerhaushalt 2025", "Vorbei.", ["mobility"], date(2025, 1, 1), date(2025, 3, 31)
    )
    with pytest.raises(Conflict, match="closed on 2025-03-31"):
        handlers.submit(uow, settings, IDEA | {"process_id": "haushalt-2025"}, None)
    assert not uow.repo.ideas and not uow.repo.events


def test_an_assisted_submission_is_marked_and_keeps_who_entered_it_apart(uow, settings):
    receipt, created = handlers.submit_assisted(uow, settings, IDEA | {"consent": True}, None, STAFF)

    idea_id = uuid.UUID(receipt["id"])
    assert created and uow.repo.ideas[idea_id].assisted
    assert uow.repo.assisted[idea_id] == uuid.UUID(STAFF["user_id"])
    assert STAFF["user_id"] not in str(uow.repo.events_of("idea.submitted"))


# --- moderation's decisions ---------------------------------------------------------------------


def test_an_approval_publishes_the_idea_and_announces_it_once_however_often_it_arrives(uow, settings):
    idea_id = submitted(uow, settings)
    approval = decision(idea_id)

    handlers.apply_moderation_decisions(uow, [approval, approval])
    handlers.apply_moderation_decisions(uow, [approval])

    assert uow.repo.ideas[idea_id].status == PUBLISHED
    assert uow.repo.ideas[idea_id].published_at == approval.data["decided_at"]
    [event] = uow.repo.events_of("idea.published")
    assert event["idea_id"] == str(idea_id) and event["title"] == IDEA["title"]


def test_a_rejection_keeps_the_reasons_and_announces_them_without_the_text(uow, settings):
    idea_id = submitted(uow, settings)

    handlers.apply_moderation_decisions(uow, [decision(idea_id, "reject", ["link_spam"])])

    assert uow.repo.ideas[idea_id].status == REJECTED
    [event] = uow.repo.events_of("idea.rejected")
    assert event["reasons"] == ["link_spam"] and "title" not in event


def test_review_hands_the_idea_to_a_person_without_an_event_and_a_later_approval_publishes(uow, settings):
    idea_id = submitted(uow, settings)

    handlers.apply_moderation_decisions(uow, [decision(idea_id, "review")])
    assert uow.repo.ideas[idea_id].status == IN_REVIEW and len(uow.repo.events) == 1

    handlers.apply_moderation_decisions(uow, [decision(idea_id, "approve")])
    assert uow.repo.ideas[idea_id].status == PUBLISHED and len(uow.repo.events_of("idea.published")) == 1


def test_a_second_decision_on_a_final_idea_changes_nothing(uow, settings):
    idea_id = published(uow, settings)

    handlers.apply_moderation_decisions(uow, [decision(idea_id, "reject", ["late"])])

    assert uow.repo.ideas[idea_id].status == PUBLISHED and uow.repo.events_of("idea.rejected") == []


def test_a_decision_for_an_unknown_idea_fails_and_is_not_remembered(uow):
    with pytest.raises(LookupError):
        handlers.apply_moderation_decisions(uow, [decision(uuid.uuid4())])
    assert uow.repo.seen == set()


def test_hiding_withdraws_the_content_and_unhiding_shows_it_again(uow, settings):
    idea_id = published(uow, settings)
    data = {"idea_id": idea_id, "reason": "flags", "actor_kind": "automatic"}

    handlers.apply_visibility(uow, [parse_event(new_event("idea.hidden", data | {"hidden_at": datetime.now(UTC)}))])
    hidden = handlers.public_idea(uow, idea_id)
    handlers.apply_visibility(uow, [parse_event(new_event("idea.unhidden", data | {"unhidden_at": datetime.now(UTC)}))])

    assert hidden["status"] == HIDDEN and "title" not in hidden
    assert handlers.public_idea(uow, idea_id)["title"] == IDEA["title"]


# --- views --------------------------------------------------------------------------------------


def test_the_public_view_has_no_personal_data_and_unknown_ids_are_not_found(uow, settings):
    idea_id = published(uow, settings)

    view = handlers.public_idea(uow, str(idea_id))

    assert view["title"] == IDEA["title"] and view["answers"] == []
    assert "author" not in view and "erika" not in str(view).lower()
    for unknown in (uuid.uuid4(), "not-a-uuid"):
        with pytest.raises(NotFound):
            handlers.public_idea(uow, unknown)


def test_the_contact_is_for_notifications_and_erasing_an_address_forgets_it(uow, settings):
    idea_id = submitted(uow, settings)

    assert handlers.submitter_contact(uow, idea_id)["email"] == "erika@example.org"
    assert handlers.erase_contacts(uow, "ERIKA@example.org") == 1
    assert handlers.submitter_contact(uow, idea_id) is None


def test_the_list_shows_published_ideas_newest_first_in_pages(uow, settings):
    base = datetime(2026, 5, 1, tzinfo=UTC)
    ids = [published(uow, settings, decided_at=base + timedelta(days=day)) for day in range(3)]
    submitted(uow, settings)

    first = handlers.published_ideas(uow, {"per_page": "2"})
    second = handlers.published_ideas(uow, {"per_page": "2", "page": "2"})

    assert [item["id"] for item in first["items"]] == [str(ids[2]), str(ids[1])]
    assert [item["id"] for item in second["items"]] == [str(ids[0])]
    assert first["total"] == second["total"] == 3 and "answers" not in first["items"][0]


def test_the_list_filters_by_district_process_and_official_status(uow, settings):
    inner_city = published(uow, settings)
    avenwedde = published(uow, settings, district="Avenwedde")
    uow.repo.ideas[avenwedde].official_status = "accepted"

    def listed(**query):
        return [item["id"] for item in handlers.published_ideas(uow, query)["items"]]

    assert listed(district="Innenstadt") == [str(inner_city)]
    assert listed(official_status="accepted") == [str(avenwedde)]
    assert listed(official_status="none") == [str(inner_city)]
    assert listed(process_id="standing", district="Avenwedde", official_status="accepted") == [str(avenwedde)]
    assert listed(process_id="digitalgipfel") == []


def test_an_invalid_filter_is_invalid_input_naming_it(uow):
    with pytest.raises(InvalidInput) as info:
        handlers.published_ideas(uow, {"official_status": "rejected", "colour": "red"})
    assert set(info.value.errors) == {"official_status", "colour"}


def test_the_fake_repository_offers_every_method_of_the_real_one(uow):
    public = {name for name in dir(repository.Repository) if not name.startswith("_")}
    assert public <= set(dir(uow.repo))
