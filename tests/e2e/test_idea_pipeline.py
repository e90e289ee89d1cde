"""End to end, through the gateway only: an idea goes in, moderation, mail and reporting follow."""

import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import pika
import pytest
import requests

from tests.support.ideas import distinct_idea
from tests.support.infrastructure import wait_until

pytestmark = pytest.mark.e2e

CLEAN_IDEA = {
    "title": "Mehr Fahrradbügel am Bahnhof",
    "description": "Am Hauptbahnhof fehlen sichere Abstellplätze für Fahrräder, besonders morgens.",
    "category": "mobility",
    "district": "Innenstadt",
}


def with_author(idea: dict, email: str, name: str = "Erika Muster") -> dict:
    return idea | {"author": {"name": name, "email": email}}


def unique_address() -> str:
    return f"citizen-{uuid.uuid4().hex[:8]}@example.org"


def test_a_clean_idea_is_published_mailed_twice_and_counted(platform):
    address = unique_address()
    idea = distinct_idea("mobility", district="Innenstadt")
    response = platform.submit(with_author(idea, address))

    assert response.status_code == 202
    receipt = response.json()
    assert receipt["status"] == "submitted"
    assert response.headers["Location"] == f"/api/v1/ideas/{receipt['id']}"
    assert platform.wait_for_status(receipt["id"])["status"] == "published"

    mails = wait_until(
        lambda: len(platform.mail.messages_to(address)) >= 2 and platform.mail.messages_to(address),
        message="receipt and publication mails",
    )
    subjects = sorted(mail["Subject"] for mail in mails)
    assert subjects == sorted(
        [f"Ihre Idee ist eingegangen: {idea['title']}", f"Ihre Idee ist veröffentlicht: {idea['title']}"]
    )
    summary = platform.wait_until_settled()
    assert summary["by_category"]["mobility"] >= 1
    # notification.sent follows the mail itself, so reporting may count it a moment later
    wait_until(lambda: platform.summary()["notifications"]["sent"] >= 2, message="reporting to count both mails")
    assert len(platform.mail.messages_to(address)) == 2  # nothing more arrived after the pipeline settled


def test_an_offensive_idea_is_rejected_with_its_reason(platform):
    address = unique_address()
    idea = {
        "title": "Der Bürgermeister ist ein Arschloch",
        "description": "Das muss mal gesagt werden, und zwar deutlich und öffentlich.",
        "category": "administration",
    }
    receipt = platform.submit(with_author(idea, address)).json()

    rejected = platform.wait_for_status(receipt["id"])
    assert rejected["status"] == "rejected"
    assert rejected["rejection_reasons"] == ["offensive_language"]
    mails = wait_until(
        lambda: len(platform.mail.messages_to(address)) == 2 and platform.mail.messages_to(address),
        message="receipt and rejection mails",
    )
    rejection = next(mail for mail in mails if "nicht veröffentlicht" in mail["Subject"])
    text = rejection.get_body(("plain",)).get_content()
    assert "beleidigende" in text  # the reason in words, not its code
    assert "offensive_language" not in text


def test_a_city_system_receives_cloudevents_without_personal_data(platform):
    connection = pika.BlockingConnection(pika.URLParameters(platform.vhost.amqp_uri.replace("pyamqp://", "amqp://")))
    channel = connection.channel()
    queue = channel.queue_declare("", exclusive=True).method.queue
    channel.queue_bind(queue, "ideas.events", routing_key="idea.*")
    address, name = unique_address(), "Hildegard Vertraulich"
    receipt = platform.submit(with_author(distinct_idea(), address, name=name)).json()

    received = {}

    def collect():
        # drain what is there: other tests' ideas may still be moving through the pipeline
        for method, _, body in iter(lambda: channel.basic_get(queue, auto_ack=True), (None, None, None)):
            event = json.loads(body)
            if event["data"]["idea_id"] == receipt["id"]:
                received[method.routing_key] = (event, body.decode())
        return {"idea.submitted", "idea.published"} <= set(received)

    wait_until(collect, message="idea.submitted and idea.published")
    connection.close()
    for routing_key, (event, raw) in received.items():
        assert event["specversion"] == "1.0"
        assert event["type"] == routing_key
        assert {"id", "source", "time", "datacontenttype", "data"} <= set(event)
        assert address not in raw and name not in raw and "@" not in raw


def test_a_retried_post_with_the_same_idempotency_key_creates_one_idea(platform):
    key = str(uuid.uuid4())
    idea = CLEAN_IDEA | {"title": f"Idempotent {key[:8]}"}
    with ThreadPoolExecutor(max_workers=5) as pool:
        responses = list(pool.map(lambda _: platform.submit(idea, **{"Idempotency-Key": key}), range(5)))

    assert {response.status_code for response in responses} == {202}
    assert len({response.json()["id"] for response in responses}) == 1
    assert sum(response.headers.get("Idempotent-Replayed") == "true" for response in responses) == 4
    stored = platform.database.query("select count(*) from ideas.ideas where title = %s", (idea["title"],))
    assert stored == [(1,)]


def test_an_idempotency_key_reused_for_other_content_is_a_conflict(platform):
    key = str(uuid.uuid4())
    assert platform.submit(CLEAN_IDEA, **{"Idempotency-Key": key}).status_code == 202
    other = platform.submit(CLEAN_IDEA | {"title": "Eine ganz andere Idee"}, **{"Idempotency-Key": key})
    assert other.status_code == 409


@pytest.mark.parametrize(
    "body, content_type, status",
    [
        (b'{"title": ', "application/json", 400),
        (b"title=Radwege", "application/x-www-form-urlencoded", 415),
        (b'{"title": "' + b"x" * (65 * 1024) + b'"}', "application/json", 413),
    ],
)
def test_bad_requests_get_the_status_they_deserve(platform, body, content_type, status):
    response = requests.post(
        f"{platform.base_url}/ideas", data=body, timeout=10, headers={"Content-Type": content_type}
    )
    assert response.status_code == status
    assert response.json()["error"]


def test_invalid_fields_are_all_named(platform):
    response = platform.submit(
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


def test_unknown_ideas_are_not_found(platform):
    for idea_id in (uuid.uuid4(), "not-a-uuid"):
        response = requests.get(f"{platform.base_url}/ideas/{idea_id}", timeout=10)
        assert response.status_code == 404


def test_published_ideas_are_listed_newest_first_without_personal_data(platform):
    address = unique_address()
    first = platform.submit(with_author(distinct_idea("culture"), address)).json()
    platform.wait_for_status(first["id"], {"published"})  # newest means published last
    second = platform.submit(distinct_idea("culture")).json()
    platform.wait_for_status(second["id"], {"published"})

    response = requests.get(f"{platform.base_url}/ideas", params={"category": "culture", "per_page": 1}, timeout=10)
    assert response.status_code == 200
    page = response.json()
    assert page["total"] == 2 and page["per_page"] == 1
    assert [idea["id"] for idea in page["items"]] == [second["id"]]
    assert address not in response.text and "author" not in response.text
    assert requests.get(f"{platform.base_url}/ideas", params={"status": "rejected"}, timeout=10).status_code == 422


def test_health_reports_every_service(platform):
    response = requests.get(f"{platform.base_url}/health", timeout=10)
    assert response.status_code == 200
    assert response.json()["checks"] == {
        name: "ok"
        for name in (
            "rabbitmq",
            "ideas",
            "moderation",
            "notifications",
            "reporting",
            "accounts",
            "webhooks",
            "participation",
        )
    }


@pytest.mark.parametrize("title", ["Null\\u0000Byte im Titel", "Halbes \\ud800 Zeichen"])
def test_unstorable_characters_are_refused_with_422(platform, title):
    body = (
        '{"title": "' + title + '", "description": "Eine ausreichend lange Beschreibung.", "category": "other"}'
    ).encode()
    response = requests.post(
        f"{platform.base_url}/ideas", data=body, timeout=10, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert "title" in response.json()["errors"]


def test_injection_strings_are_stored_verbatim_and_returned_as_data(platform):
    hostile = CLEAN_IDEA | {
        "title": "'); DROP TABLE ideas;-- <script>alert(1)</script>",
        "district": "Ünïcödé 🚲 \u202eevil",
    }
    receipt = platform.submit(hostile).json()
    response = requests.get(f"{platform.base_url}/ideas/{receipt['id']}", timeout=10)
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.json()["title"] == hostile["title"]
    assert response.json()["district"] == hostile["district"]


def test_reporting_counts_every_accepted_idea_exactly_once(platform):
    """Last in this module: the ledger over every idea the tests above submitted."""
    summary = platform.wait_until_settled()
    assert summary["total"] == len(platform.accepted)
    assert sum(summary["by_status"].values()) == len(platform.accepted)
    assert sum(day["submitted"] for day in summary["per_day"]) == len(platform.accepted)
