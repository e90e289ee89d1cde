"""The transactional outbox: nothing accepted is lost while the broker is away, nothing is sent twice
by two relays, and nothing published before its consumers ever ran disappears."""

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import eventlet
from kombu import Connection
from nameko.testing.services import dummy, entrypoint_hook

from aufbruch import outbox
from aufbruch.contracts.events import new_event
from aufbruch.db import Database

QUEUE = "moderation--idea.submitted"  # a queue of the shared topology, consumed by nobody here


class Producer:
    name = "producer"
    db = Database("producer", Path(__file__).parent / "no_migrations")
    events = outbox.EventRelay()

    @dummy
    def record_events(self, count: int):
        with self.db.transaction() as conn:
            for _ in range(count):
                outbox.add_event(
                    conn,
                    "idea.submitted",
                    {
                        "idea_id": uuid.uuid4(),
                        "title": "Mehr Bänke",
                        "description": "Im Stadtpark fehlen Bänke.",
                        "category": "environment",
                        "district": None,
                        "submitted_at": datetime.now(UTC),
                    },
                )

    @dummy
    def relay(self) -> int:
        return self.events.relay(self.db)

    @dummy
    def relay_when_due(self) -> int:
        return self.events.relay_when_due(self.db)


def pending(database) -> int:
    return database.query("select count(*) from producer.outbox where published_at is null")[0][0]


def drain(amqp_uri: str, queue: str) -> list[dict]:
    with Connection(amqp_uri) as connection:
        channel = connection.default_channel
        messages = iter(lambda: channel.basic_get(queue, no_ack=True), None)
        return [json.loads(message.body) for message in messages]


def start_producer(container_factory, config, amqp_uri: str):
    container = container_factory(Producer, config | {"AMQP_URI": amqp_uri})
    container.start()
    return container


def test_events_wait_in_the_outbox_while_the_broker_is_unreachable(container_factory, config, database, broker_proxy):
    producer = start_producer(container_factory, config, broker_proxy.amqp_uri)
    broker_proxy.cut()
    with entrypoint_hook(producer, "record_events") as record_events:
        record_events(3)

    with entrypoint_hook(producer, "relay") as relay:
        assert relay() == 0
        assert pending(database) == 3
        broker_proxy.restore()
        assert relay() == 3

    assert pending(database) == 0
    # The relay declared the consumers' queues before publishing, so none of the events was dropped
    # although no consumer has ever run.
    assert len(drain(config["AMQP_URI"], QUEUE)) == 3


def test_two_relays_publish_every_event_exactly_once(container_factory, config, database):
    first = start_producer(container_factory, config, config["AMQP_URI"])
    second = start_producer(container_factory, config, config["AMQP_URI"])
    with entrypoint_hook(first, "record_events") as record_events:
        record_events(500)

    def relay_until_empty(container):
        with entrypoint_hook(container, "relay") as relay:
            return sum(iter(relay, 0))

    relays = [eventlet.spawn(relay_until_empty, container) for container in (first, second)]
    counts = [relay.wait() for relay in relays]

    assert sum(counts) == 500
    ids = [body["id"] for body in drain(config["AMQP_URI"], QUEUE)]
    assert len(ids) == len(set(ids)) == 500


def test_the_relay_recovers_when_its_open_broker_connection_is_cut(container_factory, config, database, broker_proxy):
    producer = start_producer(container_factory, config, broker_proxy.amqp_uri)
    with entrypoint_hook(producer, "record_events") as record_events, entrypoint_hook(producer, "relay") as relay:
        record_events(1)
        assert relay() == 1  # the relay now holds an open connection to the broker
        broker_proxy.cut()
        record_events(2)
        with eventlet.Timeout(20):
            assert relay() == 0
            broker_proxy.restore()
            published = 0
            while published < 2:
                published += relay()
                eventlet.sleep(0.1)
    assert pending(database) == 0
    assert len(drain(config["AMQP_URI"], QUEUE)) == 3


def test_a_commit_that_recorded_events_wakes_the_relay_which_otherwise_does_not_look(
    container_factory, config, database, monkeypatch
):
    monkeypatch.setattr(outbox, "IDLE_LOOK_SECONDS", 60)  # no idle look during this test
    producer = start_producer(container_factory, config, config["AMQP_URI"])
    with entrypoint_hook(producer, "relay") as relay:
        assert relay() == 0  # the last look is now
    # An event another process recorded (an operator command): only the idle look would find it.
    elsewhere = new_event(
        "idea.submitted",
        {
            "idea_id": uuid.uuid4(),
            "title": "Mehr Bänke",
            "description": "Im Stadtpark fehlen Bänke.",
            "category": "environment",
            "district": None,
            "submitted_at": datetime.now(UTC),
        },
    )
    database.query(
        "insert into producer.outbox (event_id, event_type, body) values (%s, %s, %s::jsonb) returning id",
        (elsewhere["id"], elsewhere["type"], json.dumps(elsewhere)),
    )

    with entrypoint_hook(producer, "relay_when_due") as relay_when_due:
        with eventlet.Timeout(5):
            assert relay_when_due() == 0  # nothing committed here: it waited a moment and did not look
        with entrypoint_hook(producer, "record_events") as record_events:
            record_events(2)
        with eventlet.Timeout(5):
            assert relay_when_due() == 3  # woken by the commit, it takes every pending event
    assert pending(database) == 0
