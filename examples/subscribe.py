#!/usr/bin/env python3
"""Subscribe to Aufbruch events and print each CloudEvent as one JSON line (see docs/events.md).

Declares its own durable queue (never one of the platform's `<consumer>--<event type>` queues),
binds it to the producers' topic exchanges and acknowledges each message after printing it:

    python examples/subscribe.py --queue stadtplan.ideas \\
        --binding ideas.events:idea.published --binding ideas.events:idea.rejected

Needs only pika (`pip install pika`). Stop it with Ctrl+C.
"""
import argparse
import json
import sys

import pika

DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"
DEFAULT_BINDING = "ideas.events:idea.published"


def parse_binding(text: str) -> tuple[str, str]:
    """`ideas.events:idea.published` -> ("ideas.events", "idea.published")."""
    exchange, sep, routing_key = text.partition(":")
    if not sep or not exchange or not routing_key:
        raise argparse.ArgumentTypeError(
            f"expected EXCHANGE:ROUTING_KEY such as {DEFAULT_BINDING}, got {text!r}")
    return exchange, routing_key


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--amqp-url", default=DEFAULT_AMQP_URL,
                        help="AMQP URL of the broker (default: %(default)s)")
    parser.add_argument("--queue", required=True,
                        help="name of YOUR durable queue, e.g. stadtplan.ideas")
    parser.add_argument("--binding", action="append", type=parse_binding, metavar="EXCHANGE:ROUTING_KEY",
                        help="bind the queue; repeatable, routing keys may be patterns such as idea.*"
                             f" (default: {DEFAULT_BINDING})")
    parser.add_argument("--prefetch", type=int, default=20,
                        help="unacknowledged messages in flight (default: %(default)s)")
    args = parser.parse_args(argv)
    if not args.binding:
        args.binding = [parse_binding(DEFAULT_BINDING)]
    return args


def on_message(channel, method, properties, body: bytes) -> None:
    try:
        event = json.loads(body)
    except ValueError as exc:
        # Not a CloudEvent; redelivering it would not help.
        print(f"dropping a message that is not JSON ({exc}): {body[:200]!r}", file=sys.stderr)
        channel.basic_reject(delivery_tag=method.delivery_tag, requeue=False)
        return
    print(json.dumps(event, ensure_ascii=False), flush=True)
    channel.basic_ack(delivery_tag=method.delivery_tag)  # only after the event was handled


def main(argv=None) -> int:
    args = parse_args(argv)
    connection = pika.BlockingConnection(pika.URLParameters(args.amqp_url))
    channel = connection.channel()
    # The platform's own declaration (topic, durable, not auto-deleted): works before the platform ran.
    for exchange in dict.fromkeys(exchange for exchange, _ in args.binding):
        channel.exchange_declare(exchange, exchange_type="topic", durable=True, auto_delete=False)
    channel.queue_declare(args.queue, durable=True,
                          arguments={"x-queue-type": "quorum", "x-delivery-limit": 5})
    for exchange, routing_key in args.binding:
        channel.queue_bind(args.queue, exchange, routing_key=routing_key)
        print(f"bound {args.queue} to {exchange} with {routing_key}", file=sys.stderr)
    channel.basic_qos(prefetch_count=args.prefetch)
    channel.basic_consume(args.queue, on_message, auto_ack=False)
    try:
        channel.start_consuming()
    except KeyboardInterrupt:
        channel.stop_consuming()
    finally:
        if connection.is_open:
            connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
