"""The ideas service against a real database and broker, through its own HTTP API: submissions,
idempotency, queries and moderation decisions, each effect checked in the service's tables and outbox."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import eventlet
import pytest
import requests
from kombu import Connection
from nameko.testing.services import entrypoint_hook, entrypoint_waiter

from aufbruch.contracts import topology
from aufbruch.contracts.events import new_event
from services.ideas.service import IdeasService
from tests.support.infrastructure import free_port

CONCURRENT_SUBMISSIONS = 10
AUTHOR = {"name": "Erika Vertraulich", "email": "erika.vertraulich@example.org"}
IDEA = {
    "title": "Mehr Fahrradbügel am Bahnhof",
    "description": "Am Hauptbahnhof fehlen sichere Abstellplätze für Fahrräder, besonders morgens.",
    "category": "mobility",
    "district": "Innenstadt",
}


class Ideas:
    """A running ideas container: its HTTP API, and its RPC and event entrypoints by hook."""

    def __init__(self, container, base_url: str):
        self.container = container
        self.base_url = base_url

    def submit(self, idea: dict = IDEA, key: str | None = None, **changes) -> requests.Response:
        headers = {"Idempotency-Key": key} if key is not None else {}
        return requests.post(f"{self.base_url}/ideas", json=idea | changes, headers=headers, timeout=10)

    def submitted(self, idea: dict = IDEA, **changes) -> str:
        """Submit an idea that must be accepted; returns its id."""
        response = self.submit(idea, **changes)
        assert response.status_code == 202, response.text
        return response.json()["id"]

    def get(self, idea_id: str) -> requests.Response:
        return requests.get(f"{self.base_url}/ideas/{idea_id}", timeout=10)

    def published(self, expected_status: int = 200, **params) -> dict:
        response = requests.get(f"{self.base_url}/ideas", params=params, timeout=10)
        assert response.status_code == expected_status, response.text
        return response.json()

    def contact(self, idea_id: str) -> dict | None:
        return self.call("get_contact", idea_id)

    def decide(
        self,
        idea_id: str,
        decision: str = "approve",
        reasons: list[str] = (),
        decided_at: datetime | None = None,
        event: dict | None = None,
    ) -> dict:
        """Deliver a moderation.decided event (a new one unless `event` is given) to the handler."""
        event = event or decision_event(idea_id, decision, reasons, decided_at)
        self.call("on_moderation_decided", [event])
        return event

    def call(self, method: str, *args):
        with entrypoint_hook(self.container, method) as hook:
            return hook(*args)


@pytest.fixture
def ideas(container_factory, config):
    port = free_port()
    container = container_factory(IdeasService, config | {"WEB_SERVER_ADDRESS": f"127.0.0.1:{port}"})
    container.start()
    return Ideas(container, f"http://127.0.0.1:{port}/api/v1")


def decision_event(
    idea_id: str, decision: str = "approve", reasons: list[str] = (), decided_at: datetime | None = None
) -> dict:
    return new_event(
        "moderation.decided",
        {
            "idea_id": idea_id,
            "decision": decision,
            "reasons": list(reasons),
            "actor_kind": "automatic",
            "decided_at": decided_at or datetime.now(UTC),
        },
    )


def publish(config: dict, producer: str, event: dict, copies: int = 1) -> None:
    """Put an event on the broker as its producer's relay would, with publisher confirms (without
    them, a message published just before the connection closes can be lost)."""
    with Connection(config["AMQP_URI"], transport_options={"confirm_publish": True}) as connection:
        topology.declare_all(connection.default_channel)
        publisher = connection.Producer(serializer="json")
        for _ in range(copies):
            publisher.publish(
                event, exchange=topology.event_exchange(producer), routing_key=event["type"], delivery_mode=2
            )


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


def replayed(response: requests.Response) -> bool:
    return response.headers.get("Idempotent-Replayed") == "true"


# --- submit -------------------------------------------------------------------------------------


def test_submit_stores_the_idea_its_contact_apart_and_one_event_without_personal_data(ideas, database):
    response = ideas.submit(author=AUTHOR)

    assert response.status_code == 202 and not replayed(response)
    receipt = response.json()
    assert set(receipt) == {"id", "status", "submitted_at"} and receipt["status"] == "submitted"
    assert response.headers["Location"] == f"/api/v1/ideas/{receipt['id']}"
    stored = database.query("select title, category, district, status from ideas.ideas where id = %s", (receipt["id"],))
    assert stored == [(IDEA["title"], "mobility", "Innenstadt", "submitted")]
    assert database.query("select name, email from ideas.contacts where idea_id = %s", (receipt["id"],)) == [
        (AUTHOR["name"], AUTHOR["email"])
    ]
    [event] = outbox(database, "idea.submitted")
    assert count(database, "ideas.outbox") == 1
    assert event["type"] == "idea.submitted" and event["specversion"] == "1.0"
    assert event["data"]["idea_id"] == receipt["id"] and event["data"]["title"] == IDEA["title"]
    raw = json.dumps(event)
    assert AUTHOR["email"] not in raw and AUTHOR["name"] not in raw and "@" not in raw
    assert "author" not in event["data"]


def test_an_idea_without_author_has_no_contact(ideas, database):
    idea_id = ideas.submitted()

    assert count(database, "ideas.contacts") == 0
    assert ideas.contact(idea_id) is None


def test_an_invalid_submission_names_every_offending_field_and_stores_nothing(ideas, database):
    response = ideas.submit(
        {
            "title": "Kurz",
            "description": "zu kurz",
            "category": "weather",
            "author": {"email": "not-an-address"},
            "priority": "high",
        }
    )

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"title", "description", "category", "author", "priority"}
    assert "email" in errors["author"]
    for table in ("ideas.ideas", "ideas.contacts", "ideas.outbox", "ideas.idempotency_keys"):
        assert count(database, table) == 0, table


@pytest.mark.parametrize(
    "body, content_type, status",
    [
        (b'{"title": ', "application/json", 400),
        (b"title=Radwege", "application/x-www-form-urlencoded", 415),
        (b'{"title": "' + b"x" * (65 * 1024) + b'"}', "application/json", 413),
        (b'["a list"]', "application/json", 422),
    ],
)
def test_a_body_that_is_no_idea_is_refused_and_stores_nothing(ideas, database, body, content_type, status):
    response = requests.post(f"{ideas.base_url}/ideas", data=body, headers={"Content-Type": content_type}, timeout=10)

    assert response.status_code == status
    assert response.json()
    assert count(database, "ideas.ideas") == 0


def test_an_overlong_idempotency_key_is_invalid_input(ideas, database):
    response = ideas.submit(key="k" * 201)

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"Idempotency-Key"}
    assert count(database, "ideas.ideas") == 0


def test_the_same_payload_with_the_same_key_returns_the_first_idea(ideas, database):
    key = str(uuid.uuid4())
    first = ideas.submit(key=key, author=AUTHOR)
    again = ideas.submit(key=key, author=AUTHOR)

    assert first.status_code == again.status_code == 202
    assert not replayed(first) and replayed(again)
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    assert count(database, "ideas.ideas") == 1
    assert count(database, "ideas.contacts") == 1
    assert len(outbox(database, "idea.submitted")) == 1


def test_surrounding_whitespace_does_not_make_a_retry_a_different_request(ideas, database):
    key = str(uuid.uuid4())
    first = ideas.submit(key=key)
    again = ideas.submit(key=key, title=f"  {IDEA['title']} ")

    assert again.json()["id"] == first.json()["id"] and replayed(again)
    assert count(database, "ideas.ideas") == 1


def test_a_key_reused_for_a_different_payload_is_a_conflict(ideas, database):
    key = str(uuid.uuid4())
    first = ideas.submit(key=key).json()

    response = ideas.submit(key=key, title="Eine ganz andere Idee")

    assert response.status_code == 409
    assert database.query("select id::text from ideas.ideas") == [(first["id"],)]
    assert len(outbox(database, "idea.submitted")) == 1


def test_different_keys_create_different_ideas(ideas, database):
    first = ideas.submit(key="key-one")
    second = ideas.submit(key="key-two")

    assert first.json()["id"] != second.json()["id"] and not replayed(second)
    assert count(database, "ideas.ideas") == 2


def test_concurrent_submissions_with_one_key_create_one_idea(ideas, database):
    key = str(uuid.uuid4())
    pool = eventlet.GreenPool(CONCURRENT_SUBMISSIONS)

    responses = list(pool.imap(lambda _: ideas.submit(key=key, author=AUTHOR), range(CONCURRENT_SUBMISSIONS)))

    assert [response.status_code for response in responses] == [202] * CONCURRENT_SUBMISSIONS
    assert len({response.json()["id"] for response in responses}) == 1
    assert sum(not replayed(response) for response in responses) == 1
    assert count(database, "ideas.ideas") == 1
    assert count(database, "ideas.contacts") == 1
    assert count(database, "ideas.idempotency_keys") == 1
    assert len(outbox(database, "idea.submitted")) == 1


# --- queries ------------------------------------------------------------------------------------


def test_get_returns_the_public_view_without_personal_data(ideas):
    idea_id = ideas.submitted(author=AUTHOR)

    response = ideas.get(idea_id)

    assert response.status_code == 200
    idea = response.json()
    assert idea["id"] == idea_id
    assert idea["status"] == "submitted" and idea["published_at"] is None
    assert idea["title"] == IDEA["title"] and idea["category"] == "mobility"
    assert idea["rejection_reasons"] == []
    assert "author" not in idea and "@" not in response.text and AUTHOR["name"] not in response.text


@pytest.mark.parametrize("idea_id", [lambda: str(uuid.uuid4()), lambda: "not-a-uuid"])
def test_get_of_an_unknown_idea_is_not_found(ideas, idea_id):
    assert ideas.get(idea_id()).status_code == 404


def test_get_contact_returns_name_address_language_and_title_for_notifications(ideas):
    with_address = ideas.submitted(author=AUTHOR)
    name_only = ideas.submitted(author={"name": "Nur Name"})
    english = ideas.submitted(author=AUTHOR, locale="en")

    assert ideas.contact(with_address) == AUTHOR | {"title": IDEA["title"], "locale": "de"}
    assert ideas.contact(english)["locale"] == "en"
    assert ideas.contact(name_only) is None
    assert ideas.contact(str(uuid.uuid4())) is None


def test_erasing_an_address_forgets_every_contact_with_it_and_nothing_else(ideas):
    erased = [ideas.submitted(author=AUTHOR), ideas.submitted(author=AUTHOR | {"email": AUTHOR["email"].upper()})]
    kept = ideas.submitted(author=AUTHOR | {"email": "someone.else@example.org"})

    assert ideas.call("erase_contacts", AUTHOR["email"]) == 2

    assert [ideas.contact(idea_id) for idea_id in erased] == [None, None]
    assert ideas.contact(kept)["email"] == "someone.else@example.org"
    assert ideas.get(erased[0]).status_code == 200  # the idea stays; only who sent it is forgotten
    assert ideas.call("erase_contacts", AUTHOR["email"]) == 0


def test_list_published_shows_only_published_ideas_newest_first_in_pages(ideas):
    base = datetime(2024, 5, 1, 12, tzinfo=UTC)
    published = []
    for day in (1, 3, 2):  # published out of submission order
        idea_id = ideas.submitted(title=f"Veröffentlichte Idee {day}")
        ideas.decide(idea_id, "approve", decided_at=base + timedelta(days=day))
        published.append((day, idea_id))
    newest_first = [idea_id for _, idea_id in sorted(published, reverse=True)]
    ideas.decide(ideas.submitted(title="Abgelehnte Idee"), "reject", ["link_spam"])
    ideas.decide(ideas.submitted(title="Idee in Prüfung"), "review")
    ideas.submitted(title="Noch offene Idee")

    everything = ideas.published()
    first_page = ideas.published(per_page=2)
    second_page = ideas.published(per_page=2, page=2)
    beyond = ideas.published(per_page=2, page=3)

    assert [idea["id"] for idea in everything["items"]] == newest_first
    assert everything["total"] == 3 and everything["page"] == 1 and everything["per_page"] == 20
    assert {idea["status"] for idea in everything["items"]} == {"published"}
    assert [idea["id"] for idea in first_page["items"]] == newest_first[:2]
    assert [idea["id"] for idea in second_page["items"]] == newest_first[2:]
    assert first_page["total"] == second_page["total"] == 3
    assert beyond["items"] == [] and beyond["total"] == 3


def test_list_published_filters_by_category(ideas):
    for category in ("culture", "culture", "mobility"):
        ideas.decide(ideas.submitted(category=category), "approve")

    culture = ideas.published(category="culture")
    empty = ideas.published(category="health")

    assert culture["total"] == 2 and {idea["category"] for idea in culture["items"]} == {"culture"}
    assert empty == {"items": [], "page": 1, "per_page": 20, "total": 0}


def test_list_published_filters_by_exact_district(ideas):
    for district in ("Innenstadt", "Innenstadt", "Avenwedde", None):
        ideas.decide(ideas.submitted(district=district), "approve")

    inner_city = ideas.published(district="Innenstadt")
    not_a_prefix = ideas.published(district="Innen")
    other_case = ideas.published(district="innenstadt")

    assert inner_city["total"] == 2 and {idea["district"] for idea in inner_city["items"]} == {"Innenstadt"}
    assert not_a_prefix["total"] == other_case["total"] == 0


@pytest.mark.parametrize(
    "query, field",
    [
        ({"official_status": "rejected"}, "official_status"),
        ({"official_status": ""}, "official_status"),
        ({"process_id": "Kein Prozess!"}, "process_id"),
        ({"district": ""}, "district"),
        ({"district": "x" * 101}, "district"),
        ({"status": "submitted"}, "status"),
        ({"per_page": 101}, "per_page"),
        ({"page": 0}, "page"),
        ({"page": "first"}, "page"),
        ({"sort": "title"}, "sort"),
    ],
)
def test_list_published_refuses_invalid_queries(ideas, query, field):
    assert set(ideas.published(expected_status=422, **query)["errors"]) == {field}


# --- moderation decisions -----------------------------------------------------------------------


def test_an_approval_publishes_the_idea_and_announces_it_once(ideas, database):
    idea_id = ideas.submitted(author=AUTHOR)
    decided_at = datetime(2024, 6, 1, 9, 30, tzinfo=UTC)

    ideas.decide(idea_id, "approve", decided_at=decided_at)

    idea = ideas.get(idea_id).json()
    assert idea["status"] == "published"
    assert datetime.fromisoformat(idea["published_at"]) == decided_at
    [event] = outbox(database, "idea.published", idea_id)
    assert count(database, "ideas.outbox") == 2
    assert datetime.fromisoformat(event["data"]["published_at"]) == decided_at
    assert AUTHOR["email"] not in json.dumps(event) and AUTHOR["name"] not in json.dumps(event)


def test_the_same_decision_event_delivered_twice_publishes_once(ideas, database):
    idea_id = ideas.submitted()
    event = ideas.decide(idea_id, "approve")

    ideas.decide(idea_id, event=event)

    assert stored_status(database, idea_id) == "published"
    assert len(outbox(database, "idea.published")) == 1
    assert database.query("select event_id::text from ideas.processed_events") == [(event["id"],)]


def test_one_decision_delivered_twice_through_the_broker_at_once_publishes_once(ideas, database, config):
    """Two workers handle the two copies concurrently, or one batch holds both: the inbox lets only one
    apply the effect."""
    idea_id = ideas.submitted()
    event = decision_event(idea_id, "approve")
    handled = []

    def both_handled(worker_ctx, result, exc_info):  # in one batch or in two
        handled.extend([exc_info] * len(worker_ctx.args[0]))
        return len(handled) == 2

    with entrypoint_waiter(ideas.container, "on_moderation_decided", callback=both_handled, timeout=10):
        publish(config, "moderation", event, copies=2)

    assert handled == [None, None]
    assert stored_status(database, idea_id) == "published"
    assert len(outbox(database, "idea.published")) == 1


def test_a_second_decision_on_a_final_idea_changes_nothing(ideas, database):
    idea_id = ideas.submitted()
    decided_at = datetime(2024, 6, 1, 9, 30, tzinfo=UTC)
    ideas.decide(idea_id, "approve", decided_at=decided_at)

    ideas.decide(idea_id, "reject", ["offensive_language"])
    ideas.decide(idea_id, "review")
    ideas.decide(idea_id, "approve")  # a re-published approval with a new event id

    idea = ideas.get(idea_id).json()
    assert idea["status"] == "published" and idea["rejection_reasons"] == []
    assert datetime.fromisoformat(idea["published_at"]) == decided_at
    assert len(outbox(database, "idea.published")) == 1
    assert outbox(database, "idea.rejected") == []


def test_a_rejection_keeps_the_reasons_and_announces_them_without_content(ideas, database):
    idea_id = ideas.submitted(author=AUTHOR)

    ideas.decide(idea_id, "reject", ["offensive_language", "link_spam"])

    idea = ideas.get(idea_id).json()
    assert idea["status"] == "rejected" and idea["published_at"] is None
    assert idea["rejection_reasons"] == ["offensive_language", "link_spam"]
    [event] = outbox(database, "idea.rejected", idea_id)
    assert event["data"]["reasons"] == ["offensive_language", "link_spam"]
    assert event["data"]["category"] == "mobility"
    assert "title" not in event["data"] and "description" not in event["data"]
    assert ideas.published()["total"] == 0


def test_review_puts_the_idea_in_review_without_a_public_event(ideas, database):
    idea_id = ideas.submitted()

    ideas.decide(idea_id, "review", ["shouting"])
    ideas.decide(idea_id, "review", ["shouting"])  # a new event with the same decision

    assert stored_status(database, idea_id) == "in_review"
    assert database.query("select event_type from ideas.outbox") == [("idea.submitted",)]
    assert ideas.published()["total"] == 0


def test_an_idea_in_review_can_still_be_approved(ideas, database):
    idea_id = ideas.submitted()
    ideas.decide(idea_id, "review", ["shouting"])

    ideas.decide(idea_id, "approve")

    assert stored_status(database, idea_id) == "published"
    assert len(outbox(database, "idea.published", idea_id)) == 1


def test_a_decision_for_an_unknown_idea_fails_without_being_remembered(ideas, database):
    """It raises, so the event is requeued; it must not count as processed, or a retry after the
    idea arrives would be swallowed."""
    with pytest.raises(LookupError):
        ideas.decide(str(uuid.uuid4()), "approve")

    assert count(database, "ideas.processed_events") == 0
    assert count(database, "ideas.outbox") == 0
