"""End to end: a city system with its own RabbitMQ user follows every public event of a scenario
through the subscriber kit, and no event tells it who submitted the idea."""

import json
import uuid

import eventlet
import pytest

from aufbruch.contracts.events import CATALOG
from aufbruch_subscriber.access import ManagementApi
from aufbruch_subscriber.subscriber import Subscriber
from tests.support.ideas import distinct_idea
from tests.support.infrastructure import RABBITMQ_AUTH, RABBITMQ_MANAGEMENT, wait_until

pytestmark = pytest.mark.e2e

PASSWORD = "stadtportal-secret"


@pytest.fixture
def city_subscriber(platform):
    system = f"citysys{uuid.uuid4().hex[:8]}"
    api = ManagementApi(RABBITMQ_MANAGEMENT, *RABBITMQ_AUTH)
    api.grant(system, PASSWORD, platform.vhost.name)
    received = []
    subscriber = Subscriber(
        f"amqp://{system}:{PASSWORD}@127.0.0.1:5672/{platform.vhost.name}",
        f"{system}.everything",
        [(contract.exchange, event_type) for event_type, contract in CATALOG.items()],
        received.append,
        prefetch=10,
    )
    thread = eventlet.spawn(subscriber.run)
    try:
        wait_until(lambda: subscriber.consuming.is_set() or thread.dead, message="the subscriber to consume")
        assert not thread.dead, "the subscriber stopped"
        yield received
    finally:
        subscriber.stop()
        thread.wait()
        api.revoke(system, platform.vhost.name, delete_user=True)


def test_a_subscriber_kit_consumer_receives_every_public_event_without_personal_data(platform, city_subscriber):
    address, name = f"citizen-{uuid.uuid4().hex[:8]}@example.org", "Hildegard Vertraulich"
    receipt = platform.submit(distinct_idea() | {"author": {"name": name, "email": address}})
    assert receipt.status_code == 202
    idea_id = receipt.json()["id"]
    assert platform.wait_for_status(idea_id)["status"] == "published"

    def of_this_idea():
        return [event for event in city_subscriber if event["data"].get("idea_id") == idea_id]

    def complete():
        events = of_this_idea()
        types = {event["type"] for event in events}
        mails = {event["data"]["kind"] for event in events if event["type"] == "notification.sent"}
        return (
            {"idea.submitted", "moderation.decided", "idea.published", "notification.sent"} <= types
            and {"receipt", "published"} <= mails
            and events
        )

    events = wait_until(complete, timeout=60, message="every public event of the scenario")
    for event in events:
        assert event["type"] in CATALOG and event["specversion"] == "1.0"
        raw = json.dumps(event, ensure_ascii=False)
        assert address not in raw and address.split("@")[0] not in raw, f"address in {event['type']}"
        assert name not in raw and "Hildegard" not in raw and "Vertraulich" not in raw, f"name in {event['type']}"
        assert "@" not in raw, f"something like an address in {event['type']}"
