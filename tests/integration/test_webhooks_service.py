"""The webhooks service against PostgreSQL, RabbitMQ and a real HTTP endpoint in the test process:
deliveries are signed as Standard Webhooks (verified with the official `standardwebhooks` package),
a subscription registered before keeps the old signature, failures retried with growing delays and
logged, a subscription that keeps failing is disabled, and a hanging endpoint does not delay a healthy one."""

import hashlib
import hmac
import json
import secrets
import shutil
import time
import uuid
from datetime import UTC, datetime

import pytest
from nameko.testing.services import entrypoint_hook
from standardwebhooks import Webhook, WebhookVerificationError

from aufbruch.contracts.events import new_event
from aufbruch.contracts.webhooks import CONTENT_TYPE
from aufbruch.db import migrate
from services.webhooks import repository
from services.webhooks.service import WebhooksService
from tests.support.infrastructure import wait_until
from tests.support.webhook_receiver import WebhookReceiver

DISABLE_AFTER = 3


@pytest.fixture
def receiver():
    started = WebhookReceiver().start()
    yield started
    started.stop()


def start_webhooks(container_factory, config):
    container = container_factory(
        WebhooksService, config | {"WEBHOOKS_ALLOW_HTTP": True, "WEBHOOK_DISABLE_AFTER_FAILURES": DISABLE_AFTER}
    )
    container.start()  # migrates the schema
    return container


@pytest.fixture
def webhooks(container_factory, config):
    return start_webhooks(container_factory, config)


def call(container, method: str, *args):
    with entrypoint_hook(container, method) as hook:
        return hook(*args)


def published_event(title: str = "Mehr Bäume in der Innenstadt") -> dict:
    return new_event(
        "idea.published",
        {
            "idea_id": "0b6f3f7e-5d1a-4c36-9a51-2f0c8d7e9a10",
            "title": title,
            "description": "Schatten für heiße Sommertage in der Fußgängerzone.",
            "category": "environment",
            "district": None,
            "published_at": datetime.now(UTC),
        },
    )


def register(webhooks, receiver, path: str, event_types=("idea.published",)) -> dict:
    return call(webhooks, "register", receiver.url(path), list(event_types))


def log_of(webhooks, subscription: dict) -> list[dict]:
    return call(webhooks, "deliveries", subscription["id"])["items"]


def attempts_made(database, subscription: dict) -> int:
    [(attempts,)] = database.query(
        "select coalesce(sum(attempts), 0) from webhooks.deliveries where subscription_id = %s", (subscription["id"],)
    )
    return attempts


def due_now(database, subscription: dict) -> None:
    """Skip the retry delay: the pending deliveries of `subscription` are due at once."""
    database.query(
        "update webhooks.deliveries set next_attempt_at = now()"
        " where subscription_id = %s and status = 'pending' returning id",
        (subscription["id"],),
    )


def seconds_until_retry(database, subscription: dict) -> float:
    [(seconds,)] = database.query(
        "select extract(epoch from next_attempt_at - now()) from webhooks.deliveries"
        " where subscription_id = %s and status = 'pending'",
        (subscription["id"],),
    )
    return float(seconds)


def test_a_delivery_is_a_signed_cloudevent_sent_once_to_matching_subscriptions(webhooks, receiver):
    subscription = register(webhooks, receiver, "/ok")
    other = register(webhooks, receiver, "/rejections-only", ["idea.rejected"])
    assert subscription["secret"].startswith("whsec_") and subscription["secret"] != other["secret"]
    assert subscription["signature_scheme"] == "standard-webhooks"
    event = published_event()

    assert call(webhooks, "on_idea_published", [event]) == 1
    assert call(webhooks, "on_idea_published", [event, event]) == 0  # redelivered, twice in a batch: still one

    wait_until(lambda: receiver.requests_to("/ok"), timeout=5, message="the delivery")
    time.sleep(1)  # time for a duplicate to show up, if there were one
    [request] = receiver.requests_to("/ok")
    assert receiver.requests_to("/rejections-only") == []
    assert request["headers"]["Content-Type"] == CONTENT_TYPE
    assert json.loads(request["body"]) == event
    assert Webhook(subscription["secret"]).verify(request["body"], request["headers"]) == event
    with pytest.raises(WebhookVerificationError):
        Webhook(other["secret"]).verify(request["body"], request["headers"])
    with pytest.raises(WebhookVerificationError):
        Webhook(subscription["secret"]).verify(request["body"] + b" ", request["headers"])

    [logged] = log_of(webhooks, subscription)
    assert request["headers"]["Webhook-Id"] == logged["id"]
    assert logged | {"delivered_at": None, "created_at": None, "next_attempt_at": None} == {
        "id": logged["id"],
        "event_id": event["id"],
        "event_type": "idea.published",
        "status": "delivered",
        "attempts": 1,
        "last_status_code": 200,
        "last_error": None,
        "delivered_at": None,
        "created_at": None,
        "next_attempt_at": None,
    }
    assert "secret" not in call(webhooks, "get", subscription["id"])
    assert all("secret" not in listed for listed in call(webhooks, "list"))


def subscription_registered_before_this_release(database, url: str, tmp_path) -> dict:
    """A subscription as the release before left it: the schema up to 0001 and a row as the service
    wrote it then, with a secret as it issued them (URL-safe base64). The service's start migrates it."""
    before = tmp_path / repository.MIGRATIONS.name
    before.mkdir()
    shutil.copy(repository.MIGRATIONS / "0001_webhooks.sql", before)
    migrate(database.url, repository.SCHEMA, before)
    subscription = {"id": str(uuid.uuid4()), "secret": "whsec_" + secrets.token_urlsafe(32)}
    database.query(
        "insert into webhooks.subscriptions (id, url, event_types, secret) values (%s, %s, %s, %s) returning id",
        (subscription["id"], url, ["idea.published"], subscription["secret"]),
    )
    return subscription


def test_a_subscription_registered_before_keeps_the_old_signature_and_a_new_one_gets_standard_webhooks(
    container_factory, config, database, receiver, tmp_path
):
    old = subscription_registered_before_this_release(database, receiver.url("/old"), tmp_path)
    webhooks = start_webhooks(container_factory, config)
    new = register(webhooks, receiver, "/new")  # what the admin does once the old receiver is ready
    assert call(webhooks, "get", old["id"])["signature_scheme"] == "legacy"
    assert new["signature_scheme"] == "standard-webhooks"
    event = published_event()

    call(webhooks, "on_idea_published", [event])

    [to_old] = wait_until(lambda: receiver.requests_to("/old"), timeout=5, message="the legacy delivery")
    [to_new] = wait_until(lambda: receiver.requests_to("/new"), timeout=5, message="the new delivery")
    # The old receiver's check, as docs/events.md showed it before Standard Webhooks.
    timestamp = to_old["headers"]["Webhook-Timestamp"]
    expected = hmac.new(old["secret"].encode(), f"{timestamp}.".encode() + to_old["body"], hashlib.sha256).hexdigest()
    assert hmac.compare_digest(to_old["headers"]["Webhook-Signature"], f"v1={expected}")
    assert abs(time.time() - int(timestamp)) <= 5 * 60 and json.loads(to_old["body"]) == event
    assert to_old["headers"]["Webhook-Id"] == log_of(webhooks, old)[0]["id"]
    assert Webhook(new["secret"]).verify(to_new["body"], to_new["headers"]) == event
    for request in (to_old, to_new):
        assert request["headers"]["Content-Type"] == CONTENT_TYPE
        assert not [name for name in request["headers"] if "legacy" in name.lower()]


def test_a_failing_endpoint_is_retried_with_growing_delays_until_it_answers(webhooks, receiver, database):
    receiver.behaviour["/flaky"] = "fail"
    subscription = register(webhooks, receiver, "/flaky")
    call(webhooks, "on_idea_published", [published_event()])

    wait_until(lambda: attempts_made(database, subscription) == 1, timeout=5, message="the first attempt")
    assert 5 < seconds_until_retry(database, subscription) <= 10
    due_now(database, subscription)
    wait_until(lambda: attempts_made(database, subscription) == 2, timeout=5, message="the second attempt")
    assert 15 < seconds_until_retry(database, subscription) <= 20
    [logged] = log_of(webhooks, subscription)
    assert (logged["status"], logged["attempts"], logged["last_status_code"]) == ("pending", 2, 500)
    assert call(webhooks, "get", subscription["id"])["consecutive_failures"] == 2

    receiver.behaviour["/flaky"] = "ok"
    due_now(database, subscription)
    wait_until(
        lambda: log_of(webhooks, subscription)[0]["status"] == "delivered", timeout=5, message="the delivery to succeed"
    )
    [logged] = log_of(webhooks, subscription)
    assert (logged["attempts"], logged["last_status_code"]) == (3, 200)
    assert len({request["headers"]["Webhook-Id"] for request in receiver.requests_to("/flaky")}) == 1
    assert len(receiver.requests_to("/flaky")) == 3
    assert call(webhooks, "get", subscription["id"])["consecutive_failures"] == 0


def test_a_subscription_failing_again_and_again_is_disabled_and_gets_nothing_more(webhooks, receiver, database):
    receiver.behaviour["/dead"] = "fail"
    subscription = register(webhooks, receiver, "/dead")
    call(webhooks, "on_idea_published", [published_event("Erste Idee")])
    call(webhooks, "on_idea_published", [published_event("Zweite Idee")])

    def failed_attempts():
        due_now(database, subscription)
        return attempts_made(database, subscription) >= DISABLE_AFTER

    wait_until(failed_attempts, timeout=10, interval=0.3, message=f"{DISABLE_AFTER} failed attempts")
    wait_until(
        lambda: call(webhooks, "get", subscription["id"])["disabled_at"],
        timeout=5,
        message="the subscription to be disabled",
    )
    sent = len(receiver.requests_to("/dead"))
    assert DISABLE_AFTER <= sent <= DISABLE_AFTER + 1  # the two deliveries may be in flight at once
    assert {entry["status"] for entry in log_of(webhooks, subscription)} == {"failed"}

    receiver.behaviour["/dead"] = "ok"
    call(webhooks, "on_idea_published", [published_event("Dritte Idee")])
    due_now(database, subscription)
    time.sleep(1)
    assert len(receiver.requests_to("/dead")) == sent
    assert len(log_of(webhooks, subscription)) == 2  # nothing owed to a disabled subscription


def test_a_hanging_endpoint_does_not_delay_a_healthy_one(webhooks, receiver):
    receiver.behaviour["/hang"] = "hang"
    hanging = register(webhooks, receiver, "/hang")
    healthy = register(webhooks, receiver, "/ok")

    first = time.monotonic()
    call(webhooks, "on_idea_published", [published_event("Erste Idee")])
    wait_until(lambda: receiver.requests_to("/ok"), timeout=2, message="the healthy endpoint's delivery")
    wait_until(lambda: receiver.requests_to("/hang"), timeout=2, message="the hanging endpoint's request")

    second = time.monotonic()  # while the hanging endpoint still holds its first delivery
    call(webhooks, "on_idea_published", [published_event("Zweite Idee")])
    wait_until(
        lambda: len(receiver.requests_to("/ok")) == 2, timeout=2, message="the healthy endpoint's second delivery"
    )
    ok_times = [request["at"] for request in receiver.requests_to("/ok")]
    assert ok_times[0] - first < 2 and ok_times[1] - second < 2
    assert [entry["status"] for entry in log_of(webhooks, healthy)] == ["delivered", "delivered"]
    assert {entry["status"] for entry in log_of(webhooks, hanging)} == {"pending"}
