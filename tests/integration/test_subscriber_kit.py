"""The subscriber kit against the real broker: a city system's user may read only its own queues and
bind only to the public exchanges (RabbitMQ enforces it), and `Subscriber` validates, acknowledges,
rejects and reconnects without losing an event."""

import json
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import eventlet
import kombu
import pika
import pika.exceptions
import pytest
import requests

from aufbruch.contracts.events import new_event
from aufbruch.contracts.topology import declare_all
from aufbruch_subscriber.access import ManagementApi, check_system_name, permissions
from aufbruch_subscriber.access import main as access_main
from aufbruch_subscriber.subscriber import Subscriber
from tests.support.infrastructure import RABBITMQ_AUTH, RABBITMQ_MANAGEMENT, REPO_ROOT, wait_until

PASSWORD = "city-secret"


@pytest.fixture
def platform_topology(vhost):
    """The platform's exchanges and queues, declared as the platform does."""
    with kombu.Connection(vhost.amqp_uri) as connection:
        declare_all(connection.default_channel)
    return vhost


@pytest.fixture
def city_system(platform_topology):
    """A city system's user granted on this test's vhost by the access command; deleted afterwards."""
    name = f"citysys{uuid.uuid4().hex[:8]}"
    assert (
        access_main(
            [
                "grant",
                "--system",
                name,
                "--password",
                PASSWORD,
                "--vhost",
                platform_topology.name,
                "--management-url",
                RABBITMQ_MANAGEMENT,
                "--admin-user",
                RABBITMQ_AUTH[0],
                "--admin-password",
                RABBITMQ_AUTH[1],
            ]
        )
        == 0
    )
    yield name
    ManagementApi(RABBITMQ_MANAGEMENT, *RABBITMQ_AUTH).revoke(name, platform_topology.name, delete_user=True)


def city_url(vhost, system: str, port: int = 5672) -> str:
    return f"amqp://{system}:{PASSWORD}@127.0.0.1:{port}/{vhost.name}"


def guest_url(vhost) -> str:
    return vhost.amqp_uri.replace("pyamqp://", "amqp://")


def published_event(title: str = "Mehr Bänke im Park") -> dict:
    return new_event(
        "idea.published",
        {
            "idea_id": uuid.uuid4(),
            "title": title,
            "description": "Im Stadtpark fehlen Bänke im Schatten.",
            "category": "environment",
            "district": None,
            "published_at": datetime.now(UTC),
        },
    )


def publish(vhost, bodies, exchange="ideas.events", routing_key="idea.published") -> None:
    """Publish as the platform (guest), each one confirmed by the broker."""
    connection = pika.BlockingConnection(pika.URLParameters(guest_url(vhost)))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        for body in bodies:
            raw = body if isinstance(body, bytes) else json.dumps(body).encode()
            channel.basic_publish(
                exchange,
                routing_key,
                raw,
                pika.BasicProperties(content_type="application/json", delivery_mode=2),
                mandatory=True,
            )
    finally:
        connection.close()


def assert_refused(connection, action) -> None:
    channel = connection.channel()
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as refused:
        action(channel)
    assert refused.value.reply_code == 403, refused.value
    assert "ACCESS_REFUSED" in refused.value.reply_text


# -- access ------------------------------------------------------------------------------------


def test_granted_user_has_no_tags_and_the_documented_permissions(city_system, vhost):
    user = requests.get(f"{RABBITMQ_MANAGEMENT}/api/users/{city_system}", auth=RABBITMQ_AUTH, timeout=10).json()
    assert user["tags"] in ("", [])
    granted = requests.get(
        f"{RABBITMQ_MANAGEMENT}/api/permissions/{vhost.name}/{city_system}", auth=RABBITMQ_AUTH, timeout=10
    ).json()
    assert {key: granted[key] for key in ("configure", "write", "read")} == permissions(city_system)


@pytest.mark.parametrize("name", ["ideas", "moderation", "notifications", "aufbruch", "amq", "Stadt.Portal", "a"])
def test_names_that_would_reach_into_the_platform_are_refused(name):
    with pytest.raises(ValueError):
        check_system_name(name)


def test_a_city_system_declares_binds_and_consumes_its_own_queue(city_system, vhost):
    connection = pika.BlockingConnection(pika.URLParameters(city_url(vhost, city_system)))
    try:
        channel = connection.channel()
        queue = f"{city_system}.ideas"
        channel.queue_declare(queue, durable=True, arguments={"x-queue-type": "quorum"})
        channel.queue_bind(queue, "ideas.events", routing_key="idea.published")
        channel.queue_bind(queue, "moderation.events", routing_key="idea.hidden")
        event = published_event()
        publish(vhost, [event])
        method, _, body = wait_until(
            lambda: (got := channel.basic_get(queue))[0] and got, message="the event in the city system's queue"
        )
        assert json.loads(body)["id"] == event["id"]
        channel.basic_ack(method.delivery_tag)
    finally:
        connection.close()


def test_a_city_system_cannot_publish_events(city_system, vhost):
    connection = pika.BlockingConnection(pika.URLParameters(city_url(vhost, city_system)))
    try:

        def publish_on(exchange, routing_key):
            def action(channel):
                channel.confirm_delivery()
                channel.basic_publish(exchange, routing_key, json.dumps(published_event()).encode())

            return action

        for exchange in ("ideas.events", "moderation.events", "notifications.events"):
            assert_refused(connection, publish_on(exchange, "idea.published"))
        # nor through the default exchange, into a platform queue or its own
        assert_refused(connection, publish_on("", "moderation--idea.published"))
        assert_refused(connection, publish_on("", f"{city_system}.ideas"))
    finally:
        connection.close()
    # the platform's queue received nothing
    assert vhost.ready_messages("moderation--idea.published") == 0


def test_a_city_system_cannot_read_or_bind_other_queues_nor_touch_platform_exchanges(city_system, vhost):
    publish(vhost, [published_event()])  # something it must not be able to take
    connection = pika.BlockingConnection(pika.URLParameters(city_url(vhost, city_system)))
    try:
        own = f"{city_system}.ideas"
        connection.channel().queue_declare(own, durable=True, arguments={"x-queue-type": "quorum"})
        assert_refused(connection, lambda ch: ch.basic_consume("moderation--idea.published", lambda *a: None))
        assert_refused(connection, lambda ch: ch.basic_get("moderation--idea.published"))
        assert_refused(connection, lambda ch: ch.basic_get("aufbruch.dead-letters"))
        assert_refused(connection, lambda ch: ch.queue_purge("moderation--idea.published"))
        assert_refused(connection, lambda ch: ch.queue_delete("moderation--idea.published"))
        # binding a platform queue (write on the queue) or binding from a non-public exchange (read)
        assert_refused(connection, lambda ch: ch.queue_bind("moderation--idea.published", "ideas.events", "idea.*"))
        assert_refused(connection, lambda ch: ch.queue_bind(own, "amq.direct", "x"))
        assert_refused(connection, lambda ch: ch.queue_bind(own, "aufbruch.dead-letter", ""))
        # queues outside its prefix, and the platform's exchanges, are not its to configure
        assert_refused(connection, lambda ch: ch.queue_declare("stadtplan.ideas", durable=True))
        assert_refused(connection, lambda ch: ch.exchange_delete("ideas.events"))
        assert_refused(connection, lambda ch: ch.exchange_declare("ideas.events", exchange_type="topic", durable=True))
        # an exchange of its own cannot feed a public one (exchange.bind needs write on the destination)
        connection.channel().exchange_declare(f"{city_system}.x", exchange_type="topic")
        assert_refused(connection, lambda ch: ch.exchange_bind("ideas.events", f"{city_system}.x", "#"))
    finally:
        connection.close()
    assert vhost.ready_messages("moderation--idea.published") == 1


def test_revoke_closes_the_connection_and_refuses_new_ones(city_system, vhost):
    connection = pika.BlockingConnection(pika.URLParameters(city_url(vhost, city_system)))
    wait_until(
        lambda: any(
            listed["user"] == city_system
            for listed in requests.get(
                f"{RABBITMQ_MANAGEMENT}/api/vhosts/{vhost.name}/connections", auth=RABBITMQ_AUTH, timeout=10
            ).json()
        ),
        timeout=30,
        interval=0.5,
        message="the management API to list the connection",
    )
    ManagementApi(RABBITMQ_MANAGEMENT, *RABBITMQ_AUTH).revoke(city_system, vhost.name)
    with pytest.raises(pika.exceptions.AMQPError):
        wait_until(
            lambda: connection.process_data_events(0.2) or not connection.is_open,
            timeout=10,
            message="the revoked connection to close",
        )
        connection.channel()
    with pytest.raises(pika.exceptions.AMQPConnectionError):
        pika.BlockingConnection(pika.URLParameters(city_url(vhost, city_system)))


# -- Subscriber --------------------------------------------------------------------------------


class Running:
    def __init__(self, subscriber: Subscriber):
        self.subscriber = subscriber
        self.thread = eventlet.spawn(subscriber.run)
        wait_until(lambda: subscriber.consuming.is_set() or self.thread.dead, message="the subscriber to consume")
        assert not self.thread.dead, "the subscriber stopped"

    def stop(self):
        self.subscriber.stop()
        self.thread.wait()  # re-raises what ended run()


@pytest.fixture
def running():
    started = []

    def start(*args, **kwargs):
        started.append(Running(Subscriber(*args, **kwargs)))
        return started[-1]

    yield start
    for run in started:
        run.subscriber.stop()
        run.thread.kill()


def test_the_subscriber_hands_valid_events_to_the_callback_and_acks_them(city_system, vhost, running):
    received = []
    queue = f"{city_system}.ideas"
    run = running(
        city_url(vhost, city_system),
        queue,
        [("ideas.events", "idea.published"), ("moderation.events", "idea.hidden")],
        received.append,
        prefetch=2,
    )
    events = [published_event(f"Idee Nummer {n}") for n in range(5)]
    publish(vhost, events)
    wait_until(lambda: len(received) >= 5, message="five events")
    run.stop()
    assert [event["id"] for event in received] == [event["id"] for event in events]
    assert received[0] == json.loads(json.dumps(events[0]))  # the CloudEvent as sent
    assert vhost.ready_messages(queue) == 0  # acknowledged: nothing came back when the subscriber left


def test_invalid_envelopes_are_rejected_and_not_redelivered(city_system, vhost, running):
    received = []
    queue = f"{city_system}.ideas"
    run = running(city_url(vhost, city_system), queue, [("ideas.events", "idea.*")], received.append)
    unknown_type = published_event() | {"type": "idea.teleported"}
    bad_data = published_event()
    del bad_data["data"]["title"]
    valid = published_event()
    publish(vhost, [b"not json", b"[1, 2]", unknown_type, bad_data, valid])
    wait_until(lambda: received, message="the valid event")
    eventlet.sleep(1)  # a requeued invalid one would be back by now
    run.stop()
    assert [event["id"] for event in received] == [valid["id"]]
    assert vhost.ready_messages(queue) == 0


def test_a_failing_callback_gets_the_event_again(city_system, vhost, running):
    calls = []

    def flaky(event):
        calls.append(event["id"])
        if len(calls) == 1:
            raise RuntimeError("database down")

    queue = f"{city_system}.ideas"
    run = running(city_url(vhost, city_system), queue, [("ideas.events", "idea.published")], flaky, requeue_delay=0.1)
    event = published_event()
    publish(vhost, [event])
    wait_until(lambda: len(calls) >= 2, message="the redelivery")
    run.stop()
    assert calls == [event["id"], event["id"]]
    assert vhost.ready_messages(queue) == 0


def test_the_subscriber_reconnects_after_a_cut_and_loses_nothing(city_system, vhost, broker_proxy, running):
    received = []
    queue = f"{city_system}.ideas"
    run = running(
        city_url(vhost, city_system, port=broker_proxy.port),
        queue,
        [("ideas.events", "idea.published")],
        received.append,
        min_delay=0.1,
        max_delay=0.5,
    )
    before = published_event("Vor dem Schnitt")
    publish(vhost, [before])
    wait_until(lambda: len(received) == 1, message="the first event")

    broker_proxy.cut()
    wait_until(lambda: not run.subscriber.consuming.is_set(), message="the subscriber to notice the cut")
    during = [published_event(f"Während des Schnitts {n}") for n in range(3)]
    publish(vhost, during)  # straight to the broker: the queue keeps them
    eventlet.sleep(1)  # a few failed reconnection attempts
    assert len(received) == 1
    broker_proxy.restore()

    wait_until(lambda: len(received) >= 4, message="the events published during the cut")
    assert run.subscriber.consuming.is_set()
    after = published_event("Nach dem Schnitt")
    publish(vhost, [after])
    wait_until(lambda: len(received) >= 5, message="an event after the reconnection")
    run.stop()
    assert {event["id"] for event in received} == {event["id"] for event in [before, *during, after]}
    assert vhost.ready_messages(queue) == 0


def test_the_command_prints_each_event_as_a_json_line(city_system, vhost):
    queue = f"{city_system}.cli"
    command = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "aufbruch-subscribe"),
            "--amqp-url",
            city_url(vhost, city_system),
            "--queue",
            queue,
            "--bind",
            "ideas.events:idea.published",
            "--bind",
            "moderation.events:idea.hidden",
            "--prefetch",
            "5",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    try:
        wait_until(
            lambda: _queue_exists(vhost, queue), timeout=30, interval=0.3, message="the command to declare its queue"
        )
        events = [published_event("Erste Zeile"), published_event("Zweite Zeile")]
        publish(vhost, events)
        lines = [command.stdout.readline() for _ in events]
    finally:
        command.terminate()
        command.wait(15)
    assert command.returncode == 0, command.stderr.read()
    assert [json.loads(line)["id"] for line in lines] == [event["id"] for event in events]
    assert vhost.ready_messages(queue) == 0


def _queue_exists(vhost, queue: str) -> bool:
    response = requests.get(f"{RABBITMQ_MANAGEMENT}/api/queues/{vhost.name}/{queue}", auth=RABBITMQ_AUTH, timeout=10)
    return response.status_code == 200
