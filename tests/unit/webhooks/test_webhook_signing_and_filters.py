"""Unit tests of webhook signing, event filters, registration input, retry delays and the service's
handlers (one per public event type)."""

import hashlib
import hmac
from datetime import timedelta

import pytest
from marshmallow import ValidationError

from aufbruch.backoff import doubling_delay
from aufbruch.contracts import topology
from aufbruch.contracts.events import CATALOG
from aufbruch.contracts.webhooks import (
    NewWebhook,
    is_allowed_url,
    matches,
    new_secret,
    signature,
    signed_headers,
    verify,
)
from services.webhooks import sender
from services.webhooks.service import WebhooksService

SECRET = "whsec_test-secret"
BODY = b'{"specversion":"1.0","type":"idea.published"}'
NOW = 1_700_000_000


# --- signing ------------------------------------------------------------------------------------


def test_signature_is_hmac_sha256_of_timestamp_dot_body_in_hex():
    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert signature(SECRET, NOW, BODY) == f"v1={expected}"


def test_signed_headers_name_the_delivery_time_and_signature():
    headers = signed_headers(SECRET, "d-1", NOW, BODY)
    assert headers == {
        "Content-Type": "application/cloudevents+json",
        "Webhook-Id": "d-1",
        "Webhook-Timestamp": "1700000000",
        "Webhook-Signature": signature(SECRET, NOW, BODY),
    }


def test_verify_accepts_a_fresh_correctly_signed_body():
    assert verify(SECRET, signed_headers(SECRET, "d-1", NOW, BODY), BODY, now=NOW + 299)


@pytest.mark.parametrize(
    "secret, body, now",
    [
        ("whsec_other", BODY, NOW),  # another subscription's secret
        (SECRET, BODY + b" ", NOW),  # the body changed on the way
        (SECRET, BODY, NOW + 301),  # replayed more than five minutes later
        (SECRET, BODY, NOW - 301),  # from the future
    ],
)
def test_verify_refuses_wrong_secret_changed_body_and_old_timestamps(secret, body, now):
    assert not verify(secret, signed_headers(SECRET, "d-1", NOW, BODY), body, now=now)


def test_verify_refuses_a_timestamp_changed_to_look_fresh():
    headers = signed_headers(SECRET, "d-1", NOW, BODY) | {"Webhook-Timestamp": str(NOW + 600)}
    assert not verify(SECRET, headers, BODY, now=NOW + 600)


@pytest.mark.parametrize("headers", [{}, {"Webhook-Timestamp": "soon", "Webhook-Signature": "v1=00"}])
def test_verify_refuses_missing_or_malformed_headers(headers):
    assert not verify(SECRET, headers, BODY, now=NOW)


def test_secrets_are_random_and_long():
    first, second = new_secret(), new_secret()
    assert first != second and first.startswith("whsec_") and len(first) >= 6 + 43


# --- filters and registration --------------------------------------------------------------------


@pytest.mark.parametrize(
    "event_types, event_type, expected",
    [
        (["idea.published"], "idea.published", True),
        (["idea.published"], "idea.rejected", False),
        (["idea.rejected", "idea.published"], "idea.published", True),
        (["*"], "notification.failed", True),
        (["idea.*"], "idea.published", False),  # no patterns: exact types or "*"
    ],
)
def test_filter_takes_exact_types_or_everything(event_types, event_type, expected):
    assert matches(event_types, event_type) is expected


def test_registration_accepts_https_and_known_types_or_star():
    loaded = NewWebhook().load({"url": " https://city.example/hooks ", "event_types": ["*", "idea.hidden"]})
    assert loaded == {"url": "https://city.example/hooks", "event_types": ["*", "idea.hidden"]}


@pytest.mark.parametrize(
    "payload, fields",
    [
        ({"url": "ftp://city.example/x", "event_types": ["idea.published"]}, {"url"}),
        ({"url": "not a url", "event_types": ["idea.published"]}, {"url"}),
        ({"url": "https://city.example/x", "event_types": ["idea.deleted"]}, {"event_types"}),
        ({"url": "https://city.example/x", "event_types": []}, {"event_types"}),
        ({"url": "https://city.example/x", "event_types": "idea.published"}, {"event_types"}),
        ({"url": "https://city.example/x", "event_types": ["idea.published", "idea.published"]}, {"event_types"}),
        ({"event_types": ["idea.published"]}, {"url"}),
        ({"url": "https://city.example/x", "event_types": ["*"], "secret": "mine"}, {"secret"}),
    ],
)
def test_registration_refuses_bad_input_naming_the_field(payload, fields):
    with pytest.raises(ValidationError) as raised:
        NewWebhook().load(payload)
    assert set(raised.value.messages) == fields


@pytest.mark.parametrize(
    "url, allow_http, expected",
    [
        ("https://city.example/x", False, True),
        ("http://city.example/x", False, False),
        ("http://127.0.0.1:8080/x", True, True),
        ("HTTPS://city.example/x", False, True),
    ],
)
def test_plain_http_only_when_configured(url, allow_http, expected):
    assert is_allowed_url(url, allow_http) is expected


# --- retry delays ----------------------------------------------------------------------------------


@pytest.mark.parametrize("attempts, seconds", [(1, 10), (2, 20), (3, 40), (4, 80), (9, 2560), (10, 3600), (1000, 3600)])
def test_doubling_delay_doubles_and_is_capped(attempts, seconds):
    assert doubling_delay(attempts, timedelta(seconds=10), timedelta(hours=1)) == timedelta(seconds=seconds)


def test_doubling_delay_needs_a_failed_attempt():
    with pytest.raises(ValueError):
        doubling_delay(0, timedelta(seconds=1), timedelta(seconds=2))


def test_webhook_retries_grow_and_outlast_the_disabling():
    delays = [sender.retry_delay(attempts) for attempts in range(1, sender.MAX_ATTEMPTS + 1)]
    assert delays == sorted(delays) and delays[0] == timedelta(seconds=10)
    assert sender.MAX_ATTEMPTS > sender.DEFAULT_DISABLE_AFTER_FAILURES
    assert not sender.gives_up(sender.MAX_ATTEMPTS - 1) and sender.gives_up(sender.MAX_ATTEMPTS)


def test_a_send_is_bounded_well_below_its_lease():
    assert timedelta(seconds=sender.SEND_TIMEOUT_SECONDS + 1) * 2 < sender.LEASE


@pytest.mark.parametrize(
    "value, expected",
    [(True, True), ("true", True), ("1", True), (False, False), ("false", False), (None, False), ("", False)],
)
def test_truthy_reads_configuration_flags(value, expected):
    assert sender.truthy(value) is expected


# --- one handler per public event type ------------------------------------------------------------


def _handled_event_types() -> list[str]:
    return [
        extension.event_type
        for name in dir(WebhooksService)
        for extension in getattr(getattr(WebhooksService, name), "nameko_entrypoints", ())
        if hasattr(extension, "event_type")
    ]


def test_every_public_event_type_has_exactly_one_handler():
    handled = _handled_event_types()
    assert sorted(handled) == sorted(CATALOG)


def test_webhooks_subscribes_to_every_public_event_type():
    assert topology.SUBSCRIPTIONS["webhooks"] == tuple(CATALOG)
