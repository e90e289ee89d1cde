"""Isolated RabbitMQ vhosts, PostgreSQL databases and the SMTP sink, one of each per test or run."""

import email
import email.policy
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import kombu
import psycopg
import requests
from psycopg import sql

RABBITMQ_MANAGEMENT = os.environ.get("RABBITMQ_MANAGEMENT_URL", "http://127.0.0.1:15672")
RABBITMQ_AUTH = ("guest", "guest")
AMQP_BASE = os.environ.get("TEST_AMQP_BASE", "pyamqp://guest:guest@127.0.0.1:5672")
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
REPO_ROOT = Path(__file__).resolve().parents[2]


def wait_until(condition, timeout: float = 20, interval: float = 0.1, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _management_reachable() -> bool:
    try:
        return requests.get(f"{RABBITMQ_MANAGEMENT}/api/overview", auth=RABBITMQ_AUTH, timeout=2).ok
    except requests.RequestException:
        return False


def ensure_management_api() -> None:
    """Vhosts are made through the management API; enable its plugin on a local broker if needed."""
    if _management_reachable():
        return
    if shutil.which("rabbitmq-plugins"):
        subprocess.run(["rabbitmq-plugins", "enable", "rabbitmq_management"], check=False, capture_output=True)
    wait_until(_management_reachable, timeout=60, interval=0.5, message="the RabbitMQ management API")


class Vhost:
    def __init__(self, name: str):
        self.name = name
        self.amqp_uri = f"{AMQP_BASE}/{name}"

    def create(self) -> "Vhost":
        api = f"{RABBITMQ_MANAGEMENT}/api"
        requests.put(f"{api}/vhosts/{self.name}", auth=RABBITMQ_AUTH, timeout=10).raise_for_status()
        requests.put(
            f"{api}/permissions/{self.name}/guest",
            auth=RABBITMQ_AUTH,
            timeout=10,
            json={"configure": ".*", "write": ".*", "read": ".*"},
        ).raise_for_status()
        return self

    def delete(self) -> None:
        requests.delete(f"{RABBITMQ_MANAGEMENT}/api/vhosts/{self.name}", auth=RABBITMQ_AUTH, timeout=30)

    def queue(self, name: str) -> dict:
        """The management API's view of a queue (its statistics lag by a few seconds)."""
        response = requests.get(f"{RABBITMQ_MANAGEMENT}/api/queues/{self.name}/{name}", auth=RABBITMQ_AUTH, timeout=10)
        response.raise_for_status()
        return response.json()

    def ready_messages(self, queue: str) -> int:
        """Messages ready in `queue` right now, asked of the broker itself."""
        with kombu.Connection(self.amqp_uri) as connection:
            return connection.default_channel.queue_declare(queue, passive=True).message_count

    def consumers(self, queue: str) -> int:
        """Consumers of `queue` right now (0 also if the queue does not exist yet)."""
        with kombu.Connection(self.amqp_uri) as connection:
            try:
                return connection.default_channel.queue_declare(queue, passive=True).consumer_count
            except kombu.exceptions.ChannelError:  # 404: not declared yet
                return 0


class TestDatabase:
    def __init__(self, name: str):
        self.name = name
        self.url = f"{POSTGRES_URL}/{name}"

    def create(self) -> "TestDatabase":
        with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as conn:
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(self.name)))
        return self

    def drop(self) -> None:
        with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as conn:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(self.name)))

    def query(self, statement: str, params=()) -> list[tuple]:
        with psycopg.connect(self.url) as conn:
            return conn.execute(statement, params).fetchall()


def unique_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


class SmtpSink:
    """The tests' mail server, in its own process (aiosmtpd's asyncio does not mix with eventlet)."""

    def __init__(self, maildir: Path):
        self.maildir = maildir
        self.port = free_port()
        self.process = None
        self.parsed: dict[Path, email.message.EmailMessage] = {}  # mails are written whole (renamed into place)

    def start(self) -> "SmtpSink":
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "aufbruch.mailsink",
                "--port",
                str(self.port),
                "--maildir",
                str(self.maildir),
                "--simulate-failures",
            ],
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO_ROOT,
        )
        assert self.process.stdout.readline().startswith("mail sink listening")
        return self

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)

    def messages(self) -> list[email.message.EmailMessage]:
        """Every mail received, oldest first; each is parsed once, as the suite polls thousands."""
        for path in self.maildir.glob("*.eml"):
            if path not in self.parsed:
                self.parsed[path] = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        return [self.parsed[path] for path in sorted(self.parsed)]

    def messages_to(self, address: str) -> list[email.message.EmailMessage]:
        return [message for message in self.messages() if message["To"] == address]
