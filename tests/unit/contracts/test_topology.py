"""Unit tests of the messaging topology: who subscribes to what, and how each queue is declared."""

import pytest

from aufbruch.contracts import topology
from aufbruch.contracts.events import CATALOG
from aufbruch.contracts.topology import (
    DEAD_LETTER_EXCHANGE,
    DEAD_LETTER_QUEUE,
    DELIVERY_LIMIT,
    SUBSCRIPTIONS,
    Subscription,
    all_subscriptions,
    subscription,
)

PAIRS = [(consumer, event_type) for consumer, event_types in SUBSCRIPTIONS.items() for event_type in event_types]


@pytest.mark.parametrize("consumer, event_type", PAIRS)
def test_every_subscribed_event_type_exists_in_the_catalog(consumer, event_type):
    assert event_type in CATALOG


def test_no_consumer_subscribes_twice_to_the_same_event_type():
    for consumer, event_types in SUBSCRIPTIONS.items():
        assert len(event_types) == len(set(event_types)), consumer


@pytest.mark.parametrize("consumer, event_type", PAIRS)
def test_subscription_returns_the_declared_pair(consumer, event_type):
    sub = subscription(consumer, event_type)
    assert sub == Subscription(consumer, event_type)
    assert sub.queue_name == f"{consumer}--{event_type}"


@pytest.mark.parametrize(
    "consumer, event_type",
    [
        ("moderation", "idea.rejected"),  # known consumer, event it does not subscribe to
        ("gateway", "idea.submitted"),  # consumer with no subscriptions at all
        ("reporting", "idea.deleted"),  # event type that does not exist
    ],
)
def test_subscription_refuses_an_undeclared_pair(consumer, event_type):
    with pytest.raises(LookupError, match="SUBSCRIPTIONS"):
        subscription(consumer, event_type)


def test_all_subscriptions_lists_every_declared_pair_once():
    subs = all_subscriptions()
    assert [(sub.consumer, sub.event_type) for sub in subs] == PAIRS
    assert len({sub.queue_name for sub in subs}) == len(subs)


@pytest.mark.parametrize("consumer, event_type", PAIRS)
def test_queue_is_a_durable_quorum_queue_with_delivery_limit_and_dead_letter_exchange(consumer, event_type):
    queue = subscription(consumer, event_type).queue()
    assert queue.name == f"{consumer}--{event_type}"
    assert queue.durable is True
    assert queue.queue_arguments == {
        "x-queue-type": "quorum",
        "x-delivery-limit": DELIVERY_LIMIT,
        "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
    }
    assert DELIVERY_LIMIT > 0


@pytest.mark.parametrize("consumer, event_type", PAIRS)
def test_queue_is_bound_to_the_producers_exchange_by_event_type(consumer, event_type):
    queue = subscription(consumer, event_type).queue()
    producer = CATALOG[event_type].producer
    assert queue.exchange.name == f"{producer}.events" == CATALOG[event_type].exchange
    assert queue.exchange.type == "topic"
    assert queue.exchange.durable is True
    assert queue.exchange.auto_delete is False
    assert queue.routing_key == event_type


def test_event_exchange_is_a_durable_persistent_topic_exchange():
    exchange = topology.event_exchange("ideas")
    assert exchange.name == "ideas.events"
    assert exchange.type == "topic"
    assert exchange.durable is True
    assert exchange.auto_delete is False
    assert exchange.delivery_mode == 2


def test_dead_letter_queue_is_durable_and_bound_to_a_fanout_exchange():
    queue = topology.dead_letter_queue()
    assert queue.name == DEAD_LETTER_QUEUE
    assert queue.durable is True
    assert queue.exchange.name == DEAD_LETTER_EXCHANGE
    assert queue.exchange.type == "fanout"
    assert queue.exchange.durable is True


def test_declare_all_declares_dead_letters_every_exchange_and_every_queue_with_its_binding():
    from unittest.mock import MagicMock

    channel = MagicMock()
    topology.declare_all(channel)

    declared_exchanges = {c.kwargs["exchange"] for c in channel.exchange_declare.call_args_list}
    declared_queues = [c.kwargs["queue"] for c in channel.queue_declare.call_args_list]
    bindings = {
        (c.kwargs["queue"], c.kwargs["exchange"], c.kwargs["routing_key"]) for c in channel.queue_bind.call_args_list
    }

    producers = {contract.producer for contract in CATALOG.values()}
    assert declared_exchanges == {DEAD_LETTER_EXCHANGE} | {f"{p}.events" for p in producers}
    assert declared_queues[0] == DEAD_LETTER_QUEUE  # exists before anything can be dead-lettered
    assert sorted(declared_queues[1:]) == sorted(sub.queue_name for sub in all_subscriptions())
    for sub in all_subscriptions():
        assert (sub.queue_name, CATALOG[sub.event_type].exchange, sub.event_type) in bindings
