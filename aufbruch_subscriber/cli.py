"""`aufbruch-subscribe`: follow Aufbruch events in a queue of your own and print each as one JSON line.

    aufbruch-subscribe --amqp-url amqp://stadtportal:SECRET@rabbit.example:5672/%2F \\
        --queue stadtportal.ideas --bind ideas.events:idea.published --bind moderation.events:idea.hidden

Each valid event is printed to stdout as one JSON line (and acknowledged after printing); logs go
to stderr. Stop it with Ctrl+C or SIGTERM.
"""

import argparse
import json
import logging
import os
import signal
import sys

from aufbruch_subscriber.subscriber import SetupError, Subscriber, parse_binding

DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"


def _binding(text: str) -> tuple[str, str]:
    try:
        return parse_binding(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="aufbruch-subscribe", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--amqp-url",
        default=os.environ.get("AMQP_URL", DEFAULT_AMQP_URL),
        help="AMQP URL with your system's user and the vhost (default: $AMQP_URL or %(default)s)",
    )
    parser.add_argument(
        "--queue", required=True, help="YOUR durable queue, named <system>.<anything>, e.g. stadtportal.ideas"
    )
    parser.add_argument(
        "--bind",
        action="append",
        type=_binding,
        required=True,
        metavar="EXCHANGE:ROUTING_KEY",
        help="bind the queue; repeatable; routing keys may be patterns such as idea.*",
    )
    parser.add_argument(
        "--prefetch", type=int, default=50, help="unacknowledged events in flight (default: %(default)s)"
    )
    parser.add_argument("--log-level", default="INFO", help="log level on stderr (default: %(default)s)")
    return parser.parse_args(argv)


def print_event(event: dict) -> None:
    sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    subscriber = Subscriber(args.amqp_url, args.queue, args.bind, print_event, prefetch=args.prefetch)
    signal.signal(signal.SIGTERM, lambda *_: subscriber.stop())
    try:
        subscriber.run()
    except KeyboardInterrupt:
        subscriber.stop()
    except SetupError as exc:
        logging.getLogger("aufbruch_subscriber").error("%s", exc)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
