"""The ideas service against a real database and broker: submissions, idempotency, queries and
moderation decisions, each effect checked in the service's tables and outbox."""
import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from kombu import Connection
from nameko.standalone.rpc import ServiceRpcProxy
from nameko.testing.services import entrypoint_hook, entrypoint_waiter

from aufbruch.contracts import topology
from aufbruch.contracts.errors import Conflict, InvalidInput, NotFound
from aufbruch.contracts.events import new_event
from services.ideas.service import IdeasService

CONCURRENT_SUBMISSIONS = 10
AUTHOR = {"name": "Erika Vertraulich", "email": "erika.vertraulich@example.org"}
IDEA = {
    "title": "Mehr Fahrradbügel am Bahnhof",
    "description": "Am Hauptbahnhof fehlen sichere Abstellplätze für Fahrräder, besonders morgens.",
    "category": "mobility",
    "district": "Innenstadt",
}


@pytest.fixture
def ideas(container_factory, config):
    container = container_factory(IdeasService, config)
    container.start()
    return container


def call(container, method: str, *args, **kwargs):
    with entrypoint_hook(container, method) as hook:
        return hook(*args, **kwargs)


def submit(container, idea: dict = IDEA, idempotency_key: str | None = None, **changes) -> dict:
    return call(container, "submit", idea | changes, idempotency_key)


def decide(container, idea_id: str, decision: str = "approve", reasons: list[str] = (),
           decided_at: datetime | None = None, event: dict | None = None) -> dict:
    """Deliver a moderation.decided event (a new one unless `event` is given) to the handler."""
    event = event or decision_event(idea_id, decision, reasons, decided_at)
    call(container, "on_moderation_decided", event)
    return event


def decision_event(idea_id: str, decision: str = "approve", reasons: list[str] = (),
                   decided_at: datetime | None = None) -> dict:
    return new_event("moderation.decided", {
        "idea_id": idea_id, "decision": decision, "reasons": list(reasons), "actor_kind": "automatic",
        "decided_at": decided_at or datetime.now(timezone.utc)})


def publish(config: dict, producer: str, event: dict, copies: int = 1) -> None:
    """Put an event on the broker as its producer's relay would, with publisher confirms."""
    with Connection(config["AMQP_URI"], transport_options={"confirm_publish": True}) as connection:
        topology.declare_all(connection.default_channel)
        publisher = connection.Producer(serializer="json")
        for _ in range(copies):
            publisher.publish(event, exchange=topology.event_exchange(producer), routing_key=event["type"],
                              delivery_mode=2)


def outbox(database, event_type: str, idea_id: str | None = None) -> list[dict]:
    rows = database.query("select body from ideas.outbox where event_type = %s order by id", (event_type,))
    bodies = [body for (body,) in rows]
    return [body for body in bodies if idea_id is None or body["data"]["idea_id"] == idea_id]


def stored_status(database, idea_id: str) -> str:
    [(status,)] = database.query("select status from ideas.ideas where id = %s", (idea_id,))
    return status


def count(database, table: str) -> int:
    [(n,)] = database.query(f"select count(*) from {table}")
    return n


# --- submit -------------------------------------------------------------------------------------

def test_submit_stores_the_idea_its_contact_apart_and_one_event_without_personal_data(ideas, database):
    receipt = submit(ideas, author=AUTHOR)

    assert receipt["status"] == "submitted" and receipt["created"] is True
    stored = database.query("select title, category, district, status from ideas.ideas where id = %s",
                            (receipt["id"],))
    assert stored == [(IDEA["title"], "mobility", "Innenstadt", "submitted")]
    assert database.query("select name, email from ideas.contacts where idea_id = %s", (receipt["id"],)) \
        == [(AUTHOR["name"], AUTHOR["email"])]
    [event] = outbox(database, "idea.submitted")
    assert count(database, "ideas.outbox") == 1
    assert event["data"]["idea_id"] == receipt["id"]
    assert event["type"] == "idea.submitted" and event["specversion"] == "1.0"
    assert event["data"]["title"] == IDEA["title"]
    raw = json.dumps(event)
    assert AUTHOR["email"] not in raw and AUTHOR["name"] not in raw and "@" not in raw
    assert "author" not in event["data"] and "email" not in raw


def test_an_idea_without_author_has_no_contact(ideas, database):
    receipt = submit(ideas)

    assert count(database, "ideas.contacts") == 0
    assert call(ideas, "get_contact", receipt["id"]) is None


def test_an_invalid_submission_names_every_offending_field_and_stores_nothing(ideas, database):
    with pytest.raises(InvalidInput) as raised:
        submit(ideas, {"title": "Kurz", "description": "zu kurz", "category": "weather",
                       "author": {"email": "not-an-address"}, "priority": "high"})

    assert set(raised.value.errors) == {"title", "description", "category", "author", "priority"}
    assert "email" in raised.value.errors["author"]
    for table in ("ideas.ideas", "ideas.contacts", "ideas.outbox", "ideas.idempotency_keys"):
        assert count(database, table) == 0, table


def test_an_overlong_idempotency_key_is_invalid_input(ideas, database):
    with pytest.raises(InvalidInput) as raised:
        submit(ideas, idempotency_key="k" * 201)

    assert set(raised.value.errors) == {"Idempotency-Key"}
    assert count(database, "ideas.ideas") == 0


def test_the_same_payload_with_the_same_key_returns_the_first_idea(ideas, database):
    key = str(uuid.uuid4())
    first = submit(ideas, idempotency_key=key, author=AUTHOR)
    again = submit(ideas, idempotency_key=key, author=AUTHOR)

    assert first["created"] is True and again["created"] is False
    assert again["id"] == first["id"]
    assert again["submitted_at"] == first["submitted_at"]
    assert count(database, "ideas.ideas") == 1
    assert count(database, "ideas.contacts") == 1
    assert len(outbox(database, "idea.submitted")) == 1


def test_surrounding_whitespace_does_not_make_a_retry_a_different_request(ideas, database):
    key = str(uuid.uuid4())
    first = submit(ideas, idempotency_key=key)
    again = submit(ideas, idempotency_key=key, title=f"  {IDEA['title']} ")

    assert again["id"] == first["id"] and again["created"] is False
    assert count(database, "ideas.ideas") == 1


def test_a_key_reused_for_a_different_payload_is_a_conflict(ideas, database):
    key = str(uuid.uuid4())
    first = submit(ideas, idempotency_key=key)

    with pytest.raises(Conflict):
        submit(ideas, idempotency_key=key, title="Eine ganz andere Idee")

    assert database.query("select id::text from ideas.ideas") == [(first["id"],)]
    assert len(outbox(database, "idea.submitted")) == 1


def test_different_keys_create_different_ideas(ideas, database):
    first = submit(ideas, idempotency_key="key-one")
    second = submit(ideas, idempotency_key="key-two")

    assert first["id"] != second["id"] and second["created"] is True
    assert count(database, "ideas.ideas") == 2


def test_concurrent_submissions_with_one_key_create_one_idea(ideas, database, config):
    key = str(uuid.uuid4())
    with ServiceRpcProxy("ideas", config) as proxy:
        replies = [proxy.submit.call_async(IDEA | {"author": AUTHOR}, key)
                   for _ in range(CONCURRENT_SUBMISSIONS)]
        receipts = [reply.result() for reply in replies]

    assert len({receipt["id"] for receipt in receipts}) == 1
    assert sum(receipt["created"] for receipt in receipts) == 1
    assert count(database, "ideas.ideas") == 1
    assert count(database, "ideas.contacts") == 1
    assert count(database, "ideas.idempotency_keys") == 1
    assert len(outbox(database, "idea.submitted")) == 1


# --- queries ------------------------------------------------------------------------------------

def test_get_returns_the_public_view_without_personal_data(ideas):
    receipt = submit(ideas, author=AUTHOR)

    idea = call(ideas, "get", receipt["id"])

    assert idea["id"] == receipt["id"]
    assert idea["status"] == "submitted" and idea["published_at"] is None
    assert idea["title"] == IDEA["title"] and idea["category"] == "mobility"
    assert idea["rejection_reasons"] == []
    assert "author" not in idea and AUTHOR["email"] not in json.dumps(idea)


@pytest.mark.parametrize("idea_id", [lambda: str(uuid.uuid4()), lambda: "not-a-uuid"])
def test_get_of_an_unknown_idea_is_not_found(ideas, idea_id):
    with pytest.raises(NotFound):
        call(ideas, "get", idea_id())


def test_get_contact_returns_name_address_and_title_for_notifications(ideas):
    with_address = submit(ideas, author=AUTHOR)
    name_only = submit(ideas, author={"name": "Nur Name"})

    assert call(ideas, "get_contact", with_address["id"]) == AUTHOR | {"title": IDEA["title"]}
    assert call(ideas, "get_contact", name_only["id"]) is None
    assert call(ideas, "get_contact", str(uuid.uuid4())) is None


def test_list_published_shows_only_published_ideas_newest_first_in_pages(ideas):
    base = datetime(2024, 5, 1, 12, tzinfo=timezone.utc)
    published = []
    for day in (1, 3, 2):  # published out of submission order
        receipt = submit(ideas, title=f"Veröffentlichte Idee {day}")
        decide(ideas, receipt["id"], "approve", decided_at=base + timedelta(days=day))
        published.append((day, receipt["id"]))
    newest_first = [idea_id for _, idea_id in sorted(published, reverse=True)]
    decide(ideas, submit(ideas, title="Abgelehnte Idee")["id"], "reject", ["link_spam"])
    decide(ideas, submit(ideas, title="Idee in Prüfung")["id"], "review")
    submit(ideas, title="Noch offene Idee")

    everything = call(ideas, "list_published", {})
    first_page = call(ideas, "list_published", {"per_page": 2})
    second_page = call(ideas, "list_published", {"per_page": 2, "page": 2})
    beyond = call(ideas, "list_published", {"per_page": 2, "page": 3})

    assert [idea["id"] for idea in everything["items"]] == newest_first
    assert everything["total"] == 3 and everything["page"] == 1 and everything["per_page"] == 20
    assert {idea["status"] for idea in everything["items"]} == {"published"}
    assert [idea["id"] for idea in first_page["items"]] == newest_first[:2]
    assert [idea["id"] for idea in second_page["items"]] == newest_first[2:]
    assert first_page["total"] == second_page["total"] == 3
    assert beyond["items"] == [] and beyond["total"] == 3


def test_list_published_filters_by_category(ideas):
    for category in ("culture", "culture", "mobility"):
        decide(ideas, submit(ideas, category=category)["id"], "approve")

    culture = call(ideas, "list_published", {"category": "culture"})
    empty = call(ideas, "list_published", {"category": "health"})

    assert culture["total"] == 2 and {idea["category"] for idea in culture["items"]} == {"culture"}
    assert empty == {"items": [], "page": 1, "per_page": 20, "total": 0}


@pytest.mark.parametrize("query, field", [
    ({"status": "submitted"}, "status"),
    ({"per_page": 101}, "per_page"),
    ({"page": 0}, "page"),
    ({"sort": "title"}, "sort"),
])
def test_list_published_refuses_invalid_queries(ideas, query, field):
    with pytest.raises(InvalidInput) as raised:
        call(ideas, "list_published", query)
    assert set(raised.value.errors) == {field}


# --- moderation decisions -----------------------------------------------------------------------

def test_an_approval_publishes_the_idea_and_announces_it_once(ideas, database):
    receipt = submit(ideas, author=AUTHOR)
    decided_at = datetime(2024, 6, 1, 9, 30, tzinfo=timezone.utc)

    decide(ideas, receipt["id"], "approve", decided_at=decided_at)

    idea = call(ideas, "get", receipt["id"])
    assert idea["status"] == "published"
    assert datetime.fromisoformat(idea["published_at"]) == decided_at
    [event] = outbox(database, "idea.published", receipt["id"])
    assert count(database, "ideas.outbox") == 2
    assert datetime.fromisoformat(event["data"]["published_at"]) == decided_at
    assert AUTHOR["email"] not in json.dumps(event) and AUTHOR["name"] not in json.dumps(event)


def test_the_same_decision_event_delivered_twice_publishes_once(ideas, database):
    receipt = submit(ideas)
    event = decide(ideas, receipt["id"], "approve")

    decide(ideas, receipt["id"], event=event)

    assert stored_status(database, receipt["id"]) == "published"
    assert len(outbox(database, "idea.published")) == 1
    assert database.query("select event_id::text from ideas.processed_events") == [(event["id"],)]


def test_one_decision_delivered_twice_through_the_broker_at_once_publishes_once(ideas, database, config):
    """Two workers handle the two copies concurrently: the inbox lets only one apply the effect."""
    receipt = submit(ideas)
    event = decision_event(receipt["id"], "approve")
    handled = []

    def both_handled(worker_ctx, result, exc_info):
        handled.append(exc_info)
        return len(handled) == 2

    with entrypoint_waiter(ideas, "on_moderation_decided", callback=both_handled, timeout=10):
        publish(config, "moderation", event, copies=2)

    assert handled == [None, None]
    assert stored_status(database, receipt["id"]) == "published"
    assert len(outbox(database, "idea.published")) == 1


def test_a_second_decision_on_a_final_idea_changes_nothing(ideas, database):
    receipt = submit(ideas)
    decided_at = datetime(2024, 6, 1, 9, 30, tzinfo=timezone.utc)
    decide(ideas, receipt["id"], "approve", decided_at=decided_at)

    decide(ideas, receipt["id"], "reject", ["offensive_language"])
    decide(ideas, receipt["id"], "review")
    decide(ideas, receipt["id"], "approve")  # a re-published approval with a new event id

    idea = call(ideas, "get", receipt["id"])
    assert idea["status"] == "published" and idea["rejection_reasons"] == []
    assert datetime.fromisoformat(idea["published_at"]) == decided_at
    assert len(outbox(database, "idea.published")) == 1
    assert outbox(database, "idea.rejected") == []


def test_a_rejection_keeps_the_reasons_and_announces_them_without_content(ideas, database):
    receipt = submit(ideas, author=AUTHOR)

    decide(ideas, receipt["id"], "reject", ["offensive_language", "link_spam"])

    idea = call(ideas, "get", receipt["id"])
    assert idea["status"] == "rejected" and idea["published_at"] is None
    assert idea["rejection_reasons"] == ["offensive_language", "link_spam"]
    [event] = outbox(database, "idea.rejected", receipt["id"])
    assert event["data"]["reasons"] == ["offensive_language", "link_spam"]
    assert event["data"]["category"] == "mobility"
    assert "title" not in event["data"] and "description" not in event["data"]
    assert call(ideas, "list_published", {})["total"] == 0


def test_review_puts_the_idea_in_review_without_a_public_event(ideas, database):
    receipt = submit(ideas)

    decide(ideas, receipt["id"], "review", ["shouting"])
    decide(ideas, receipt["id"], "review", ["shouting"])  # a new event with the same decision

    assert stored_status(database, receipt["id"]) == "in_review"
    assert database.query("select event_type from ideas.outbox") == [("idea.submitted",)]
    assert call(ideas, "list_published", {})["total"] == 0


def test_an_idea_in_review_can_still_be_approved(ideas, database):
    receipt = submit(ideas)
    decide(ideas, receipt["id"], "review", ["shouting"])

    decide(ideas, receipt["id"], "approve")

    assert stored_status(database, receipt["id"]) == "published"
    assert len(outbox(database, "idea.published", receipt["id"])) == 1


def test_a_decision_for_an_unknown_idea_fails_without_being_remembered(ideas, database):
    """It raises, so the event is requeued; it must not count as processed, or a retry after the
    idea arrives would be swallowed."""
    with pytest.raises(LookupError):
        decide(ideas, str(uuid.uuid4()), "approve")

    assert count(database, "ideas.processed_events") == 0
    assert count(database, "ideas.outbox") == 0
