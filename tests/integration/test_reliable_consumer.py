"""Event handlers never drop an event: a failing handler gets it again, a message that fails every
time ends in the dead-letter queue after a bounded number of attempts, and the queue keeps flowing."""

import uuid
from collections import Counter
from datetime import UTC, datetime

from kombu import Connection
from nameko.amqp.publish import Publisher

from aufbruch import dead_letters, messaging
from aufbruch.contracts import topology
from aufbruch.contracts.errors import Unavailable
from aufbruch.contracts.events import new_event
from aufbruch.messaging import on_event
from tests.support.infrastructure import wait_until

attempts = Counter()


class Moderation:
    """Stands in for the moderation service: same name, so it consumes the same shared queue."""

    name = "moderation"
    poisonous = True

    @on_event("idea.submitted")
    def on_idea_submitted(self, body: dict):
        title = body["data"]["title"]
        attempts[title] += 1
        if (title.startswith("poison") and self.poisonous) or (title.startswith("flaky") and attempts[title] == 1):
            raise RuntimeError(f"cannot handle {title}")
        if title.startswith("database down") and attempts[title] <= 3 * topology.DELIVERY_LIMIT:
            raise Unavailable("database unavailable")


def publish_submitted(amqp_uri: str, title: str) -> None:
    event = new_event(
        "idea.submitted",
        {
            "idea_id": uuid.uuid4(),
            "title": title,
            "description": "Eine Beschreibung mit genug Zeichen.",
            "category": "other",
            "district": None,
            "submitted_at": datetime.now(UTC),
        },
    )
    Publisher(amqp_uri).publish(event, exchange="ideas.events", routing_key="idea.submitted")


def declare_topology(amqp_uri: str) -> None:
    with Connection(amqp_uri) as connection:
        topology.declare_all(connection.default_channel)


def test_a_failed_handler_gets_the_event_again(container_factory, config):
    declare_topology(config["AMQP_URI"])
    container_factory(Moderation, config).start()
    publish_submitted(config["AMQP_URI"], "flaky idea")
    wait_until(lambda: attempts["flaky idea"] == 2, message="the event to be redelivered after a failure")


def test_a_database_outage_uses_up_no_delivery_attempts(container_factory, config, vhost, monkeypatch):
    monkeypatch.setattr(messaging, "UNAVAILABLE_RETRY_SECONDS", 0.05)
    declare_topology(config["AMQP_URI"])
    container_factory(Moderation, config).start()
    publish_submitted(config["AMQP_URI"], "database down for a while")

    wait_until(
        lambda: attempts["database down for a while"] == 3 * topology.DELIVERY_LIMIT + 1,
        timeout=30,
        message="the event to be handled once the database is back",
    )
    assert vhost.ready_messages(topology.DEAD_LETTER_QUEUE) == 0


def test_a_poison_message_is_dead_lettered_and_the_queue_keeps_flowing(container_factory, config, vhost):
    declare_topology(config["AMQP_URI"])
    container_factory(Moderation, config).start()
    publish_submitted(config["AMQP_URI"], "poison idea")
    publish_submitted(config["AMQP_URI"], "healthy idea")

    wait_until(
        lambda: vhost.ready_messages(topology.DEAD_LETTER_QUEUE) == 1,
        timeout=30,
        message="the poison message in the dead-letter queue",
    )
    assert attempts["poison idea"] == 1 + topology.DELIVERY_LIMIT
    wait_until(lambda: attempts["healthy idea"] == 1, message="the healthy message to be handled")
    assert vhost.ready_messages("moderation--idea.submitted") == 0


def test_an_unparseable_message_is_dead_lettered(container_factory, config, vhost):
    declare_topology(config["AMQP_URI"])
    container_factory(Moderation, config).start()
    with Connection(config["AMQP_URI"], transport_options={"confirm_publish": True}) as connection:
        connection.Producer().publish(
            b"{not json",
            exchange="ideas.events",
            routing_key="idea.submitted",
            content_type="application/json",
            content_encoding="utf-8",
        )
    publish_submitted(config["AMQP_URI"], "after the garbage")

    wait_until(lambda: attempts["after the garbage"] == 1, message="the next message to be handled")
    wait_until(
        lambda: vhost.ready_messages(topology.DEAD_LETTER_QUEUE) == 1,
        timeout=30,
        message="the unparseable message in the dead-letter queue",
    )


def test_an_operator_lists_and_replays_dead_letters(container_factory, config, vhost):
    declare_topology(config["AMQP_URI"])
    container_factory(Moderation, config).start()
    publish_submitted(config["AMQP_URI"], "poison until fixed")
    wait_until(
        lambda: vhost.ready_messages(topology.DEAD_LETTER_QUEUE) == 1,
        timeout=30,
        message="the poison message in the dead-letter queue",
    )

    [letter] = dead_letters.list_dead_letters(config["AMQP_URI"])
    assert (letter.queue, letter.event_type, letter.reason) == (
        "moderation--idea.submitted",
        "idea.submitted",
        "delivery_limit",
    )
    assert vhost.ready_messages(topology.DEAD_LETTER_QUEUE) == 1  # listing leaves it in place

    attempts_before = attempts["poison until fixed"]
    Moderation.poisonous = False
    try:
        assert [replayed.event_id for replayed in dead_letters.replay(config["AMQP_URI"])] == [letter.event_id]
        wait_until(
            lambda: attempts["poison until fixed"] == attempts_before + 1, message="the replayed message to be handled"
        )
    finally:
        Moderation.poisonous = True
    assert vhost.ready_messages(topology.DEAD_LETTER_QUEUE) == 0
