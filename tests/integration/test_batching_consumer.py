"""Batched event handlers (`on_events`): what arrives together is handled together, and a poison
message in a batch is dead-lettered alone while its neighbours take effect once."""

from collections import Counter
from datetime import UTC, datetime

from kombu import Connection
from nameko.amqp.publish import Publisher

from aufbruch.contracts import topology
from aufbruch.contracts.events import new_event
from aufbruch.messaging import on_events
from tests.integration.test_reliable_consumer import declare_topology
from tests.support.infrastructure import wait_until

batch_sizes = []
effects = Counter()  # per title, what took effect (a batch's effects commit together or not at all)
attempts = Counter()


class Reporting:
    """Stands in for the reporting service: same name, so it consumes the same shared queue."""

    name = "reporting"

    @on_events("idea.submitted")
    def on_idea_submitted(self, bodies: list[dict]):
        titles = [body["data"]["title"] for body in bodies]
        batch_sizes.append(len(titles))
        attempts.update(titles)
        if any(title.startswith("poison") for title in titles):
            raise RuntimeError("cannot handle this batch")  # as a transaction rolls back: no effect at all
        effects.update(titles)


def publish_many(amqp_uri: str, titles: list[str]) -> None:
    """All in one go, so that they wait on the queue together."""
    with Connection(amqp_uri) as connection:
        publisher = Publisher(amqp_uri)
        for title in titles:
            publisher.publish(
                new_event(
                    "idea.submitted",
                    {
                        "idea_id": "0b6f3f7e-5d1a-4c36-9a51-2f0c8d7e9a10",
                        "title": title,
                        "description": "Eine Beschreibung mit genug Zeichen.",
                        "category": "other",
                        "district": None,
                        "submitted_at": datetime(2024, 5, 1, 12, tzinfo=UTC),
                    },
                ),
                exchange="ideas.events",
                routing_key="idea.submitted",
                connection=connection,
            )


def test_events_waiting_together_are_handled_in_one_batch(container_factory, config, vhost):
    declare_topology(config["AMQP_URI"])
    titles = [f"together {number}" for number in range(60)]
    publish_many(config["AMQP_URI"], titles)  # before the consumer starts: all wait on the queue
    container_factory(Reporting, config).start()

    wait_until(lambda: all(effects[title] == 1 for title in titles), message="every event to take effect")
    assert max(batch_sizes) > 1
    assert sum(effects[title] for title in titles) == len(titles)
    wait_until(lambda: vhost.ready_messages("reporting--idea.submitted") == 0, message="an empty queue")


def test_a_poison_message_in_a_batch_is_dead_lettered_alone(container_factory, config, vhost):
    declare_topology(config["AMQP_URI"])
    titles = [f"neighbour {number}" for number in range(10)]
    publish_many(config["AMQP_URI"], titles[:5] + ["poison in a batch"] + titles[5:])
    container_factory(Reporting, config).start()

    wait_until(
        lambda: vhost.ready_messages(topology.DEAD_LETTER_QUEUE) == 1,
        timeout=30,
        message="the poison message in the dead-letter queue",
    )
    assert [effects[title] for title in titles] == [1] * len(titles)
    assert effects["poison in a batch"] == 0
    assert attempts["poison in a batch"] >= 1 + topology.DELIVERY_LIMIT
    assert vhost.ready_messages("reporting--idea.submitted") == 0
