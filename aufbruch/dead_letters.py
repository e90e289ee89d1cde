"""What an operator does with dead letters: see them, and send them back once the cause is fixed.

A dead letter keeps its body and headers; RabbitMQ's `x-death` header names the queue it died in, so
a replay puts it straight back into that queue (through the default exchange), not to every consumer.
"""

import json
from dataclasses import dataclass

from kombu import Connection

from aufbruch.contracts.topology import DEAD_LETTER_QUEUE


@dataclass(frozen=True)
class DeadLetter:
    queue: str
    reason: str
    routing_key: str
    event_id: str | None
    event_type: str | None
    body: bytes
    headers: dict


def _describe(message) -> DeadLetter:
    death = (message.headers or {}).get("x-death", [{}])[0]
    try:
        event = json.loads(message.body)
    except ValueError:
        event = {}
    event = event if isinstance(event, dict) else {}
    return DeadLetter(
        queue=death.get("queue", "?"),
        reason=death.get("reason", "?"),
        routing_key=message.delivery_info.get("routing_key", ""),
        event_id=event.get("id"),
        event_type=event.get("type"),
        body=message.body,
        headers={key: value for key, value in (message.headers or {}).items() if not key.startswith("x-")},
    )


def list_dead_letters(amqp_uri: str) -> list[DeadLetter]:
    """Every dead letter, left in place: the unacknowledged messages return when the channel closes."""
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        letters = [_describe(message) for message in iter(lambda: channel.basic_get(DEAD_LETTER_QUEUE), None)]
        channel.close()
    return letters


def replay(amqp_uri: str, event_id: str | None = None) -> list[DeadLetter]:
    """Return dead letters (all, or the one with `event_id`) to the queues they died in."""
    replayed = []
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
        channel = connection.channel()
        producer = connection.Producer(channel)
        for message in iter(lambda: channel.basic_get(DEAD_LETTER_QUEUE), None):
            letter = _describe(message)
            if event_id is not None and letter.event_id != event_id:
                continue
            producer.publish(
                letter.body,
                exchange="",
                routing_key=letter.queue,
                headers=letter.headers,
                content_type=message.content_type,
                content_encoding=message.content_encoding,
                delivery_mode=2,
            )
            channel.basic_ack(message.delivery_tag)
            replayed.append(letter)
        channel.close()  # what was not replayed goes back to the dead-letter queue
    return replayed
