"""The webhooks service against PostgreSQL, RabbitMQ and a real HTTP endpoint in the test process:
deliveries are signed as Standard Webhooks (verified with the official `standardwebhooks` package),
secrets issued before stay valid, failures retried with growing delays and logged, a subscription that keeps
failing is disabled, and a hanging endpoint does not delay a healthy one."""

import base64
import hashlib
import hmac
import json
import secrets
import time
from datetime import UTC, datetime

import pytest
from nameko.testing.services import entrypoint_hook
from standardwebhooks import Webhook, WebhookVerificationError

from aufbruch.contracts.events import new_event
from aufbruch.contracts.webhooks import CONTENT_TYPE, LEGACY_SIGNATURE_HEADER
from services.webhooks.service import WebhooksService
from tests.support.infrastructure import wait_until
from tests.support.webhook_receiver import WebhookReceiver

DISABLE_AFTER = 3


@pytest.fixture
def receiver():
    started = WebhookReceiver().start()
    yield started
    started.stop()


@pytest.fixture
def webhooks(container_factory, config):
    container = container_factory(
        WebhooksService, config | {"WEBHOOKS_ALLOW_HTTP": True, "WEBHOOK_DISABLE_AFTER_FAILURES": DISABLE_AFTER}
    )
    container.start()
    return container


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


def test_a_subscription_with_a_secret_issued_before_standard_webhooks_keeps_working(webhooks, receiver, database):
    subscription = register(webhooks, receiver, "/old")
    old_secret = "whsec_" + secrets.token_urlsafe(32)  # as secrets were issued before
    database.query(
        "update webhooks.subscriptions set secret = %s where id = %s returning id", (old_secret, subscription["id"])
    )
    event = published_event()

    call(webhooks, "on_idea_published", [event])

    [request] = wait_until(lambda: receiver.requests_to("/old"), timeout=5, message="the delivery")
    encoded = old_secret.removeprefix("whsec_")  # docs/events.md: the same secret in standard base64
    rewritten = "whsec_" + base64.b64encode(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))).decode()
    assert Webhook(rewritten).verify(request["body"], request["headers"]) == event
    timestamp = request["headers"]["Webhook-Timestamp"]
    legacy = hmac.new(old_secret.encode(), f"{timestamp}.".encode() + request["body"], hashlib.sha256).hexdigest()
    assert request["headers"][LEGACY_SIGNATURE_HEADER.title()] == f"v1={legacy}"  # for one more release


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
