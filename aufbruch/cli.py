"""Operator commands: `python -m aufbruch.cli preflight|prepare|dead-letters|replay [EVENT_ID]`.

`prepare` is what `make run` does before starting the services: it checks that RabbitMQ and
PostgreSQL answer (saying how to start whichever does not), creates the database if it is missing,
and declares the exchanges and queues of the whole platform. `dead-letters` lists the messages
that failed too often; `replay` sends them (or the one with EVENT_ID) back to their queue.
"""

import argparse
import sys

import psycopg
from kombu import Connection
from psycopg import sql

from aufbruch import dead_letters
from aufbruch.config import load_config
from aufbruch.contracts import topology

HOW_TO_START = {
    "RabbitMQ": "start it with `rabbitmq-server -detached` (or `docker compose up -d rabbitmq`)",
    "PostgreSQL": "start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`"
    " (or `docker compose up -d postgres`)",
}


def _check_rabbitmq(config: dict) -> str | None:
    try:
        with Connection(config["AMQP_URI"], connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def _check_postgresql(config: dict) -> str | None:
    try:
        psycopg.connect(config["DATABASE_URL"], dbname="postgres", connect_timeout=3).close()
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).strip()}"
    return None


def preflight(config: dict) -> bool:
    problems = {
        "RabbitMQ": (_check_rabbitmq(config), config["AMQP_URI"]),
        "PostgreSQL": (_check_postgresql(config), config["DATABASE_URL"]),
    }
    for server, (problem, url) in problems.items():
        if problem:
            print(
                f"{server} is not reachable at {url}\n  ({problem})\n  → {HOW_TO_START[server]},"
                f" or point the environment at yours.",
                file=sys.stderr,
            )
    return not any(problem for problem, _ in problems.values())


def create_database(config: dict) -> None:
    name = str(psycopg.conninfo.conninfo_to_dict(config["DATABASE_URL"])["dbname"])
    with psycopg.connect(config["DATABASE_URL"], dbname="postgres", autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone():
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def declare_topology(config: dict) -> None:
    with Connection(config["AMQP_URI"], connect_timeout=5) as connection:
        topology.declare_all(connection.default_channel)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="aufbruch", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["preflight", "prepare", "dead-letters", "replay"])
    parser.add_argument("event_id", nargs="?", help="with replay: only the dead letter of this event")
    args = parser.parse_args(argv)
    config = load_config()
    if not preflight(config):
        return 1
    if args.command == "prepare":
        create_database(config)
        declare_topology(config)
        print("RabbitMQ and PostgreSQL ready; exchanges and queues declared.")
    elif args.command == "dead-letters":
        for letter in dead_letters.list_dead_letters(config["AMQP_URI"]):
            print(
                f"{letter.event_id or '(undecodable)'}\t{letter.event_type or letter.routing_key}"
                f"\tdied in {letter.queue} ({letter.reason})"
            )
    elif args.command == "replay":
        replayed = dead_letters.replay(config["AMQP_URI"], args.event_id)
        print(f"replayed {len(replayed)} dead letter(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
