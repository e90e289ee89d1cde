"""Aufbruch subscriber kit: how another city system follows the platform's public events.

`Subscriber` (pika) declares the city system's own durable queue, binds it to the public exchanges,
consumes with manual acknowledgements and a prefetch, validates each CloudEvent against the shared
contracts and reconnects after the broker went away. `aufbruch-subscribe` prints the events as JSON
lines; `python -m aufbruch_subscriber.access grant` gives a city system its own RabbitMQ user.
See docs/events.md.
"""

from aufbruch_subscriber.subscriber import Subscriber, parse_binding

__all__ = ["Subscriber", "parse_binding"]
