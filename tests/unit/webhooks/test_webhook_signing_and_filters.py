"""Unit tests of webhook signing (Standard Webhooks, checked with the official `standardwebhooks`
package, and the legacy scheme byte for byte as before), event filters, registration input and the
service's handlers (one per public event type)."""

import base64
import hashlib
import hmac
import secrets
import time
from datetime import timedelta

import pytest
from marshmallow import ValidationError
from standardwebhooks import Webhook, WebhookVerificationError

from aufbruch.contracts import topology
from aufbruch.contracts.events import CATALOG
from aufbruch.contracts.webhooks import (
    LEGACY_SCHEME,
    STANDARD_SCHEME,
    NewWebhook,
    is_allowed_url,
    matches,
    new_secret,
    signature,
    signed_headers,
    signing_key,
)
from aufbruch.contracts.webhooks import (
    Webhook as WebhookView,
)
from services.webhooks import handlers, sender
from services.webhooks.service import WebhooksService
from services.webhooks.settings import WebhookSettings

SECRET = new_secret()
# A secret as they were issued before Standard Webhooks: URL-safe base64 without padding.
OLD_SECRET = "whsec_" + "-_" + secrets.token_urlsafe(32)[2:]
BODY = '{"specversion":"1.0","type":"idea.published","data":{"title":"Bänke"}}'.encode()
DELIVERY_ID = "6c1f7a52-0f55-4a8e-9f5e-2f8a1c3e9b11"


def fresh_headers(secret: str = SECRET, body: bytes = BODY, signed_at: int | None = None) -> dict:
    return signed_headers(STANDARD_SCHEME, secret, DELIVERY_ID, signed_at or int(time.time()), body)


# --- signing ------------------------------------------------------------------------------------


def test_secrets_are_whsec_and_the_base64_of_32_random_bytes():
    first, second = new_secret(), new_secret()
    assert first != second and first.startswith("whsec_")
    assert len(base64.b64decode(first.removeprefix("whsec_"), validate=True)) == 32


def test_the_signature_is_base64_hmac_sha256_of_id_timestamp_and_body_keyed_with_the_secrets_bytes():
    key = base64.b64decode(SECRET.removeprefix("whsec_"))
    expected = hmac.new(key, f"{DELIVERY_ID}.1700000000.".encode() + BODY, hashlib.sha256).digest()
    assert signature(SECRET, DELIVERY_ID, 1_700_000_000, BODY) == "v1," + base64.b64encode(expected).decode()


def test_the_official_library_verifies_a_delivery_and_hands_back_its_event():
    assert Webhook(SECRET).verify(BODY, fresh_headers()) == {
        "specversion": "1.0",
        "type": "idea.published",
        "data": {"title": "Bänke"},
    }


@pytest.mark.parametrize(
    "secret, body, age",
    [
        (new_secret(), BODY, 0),  # another subscription's secret
        (SECRET, BODY + b" ", 0),  # the body changed on the way
        (SECRET, BODY, 301),  # replayed more than five minutes later
        (SECRET, BODY, -301),  # from the future
    ],
    ids=["other-secret", "changed-body", "replayed", "future"],
)
def test_the_official_library_refuses_a_wrong_secret_a_changed_body_and_old_timestamps(secret, body, age):
    headers = fresh_headers(signed_at=int(time.time()) - age)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, headers)


def test_an_old_secret_stays_valid_written_in_standard_base64():
    """What docs/events.md tells the holders of secrets issued before Standard Webhooks, for when their
    subscription moves over."""
    old = OLD_SECRET.removeprefix("whsec_")
    rewritten = "whsec_" + base64.b64encode(base64.urlsafe_b64decode(old + "=" * (-len(old) % 4))).decode()
    assert signing_key(OLD_SECRET) == signing_key(rewritten)
    assert Webhook(rewritten).verify(BODY, fresh_headers(OLD_SECRET))


def test_a_standard_webhooks_delivery_carries_its_three_headers_and_no_other_signature():
    headers = fresh_headers(signed_at=1_700_000_000)
    assert headers == {
        "Content-Type": "application/cloudevents+json",
        "webhook-id": DELIVERY_ID,
        "webhook-timestamp": "1700000000",
        "webhook-signature": signature(SECRET, DELIVERY_ID, 1_700_000_000, BODY),
    }


def test_a_legacy_delivery_carries_exactly_the_headers_receivers_verified_before_standard_webhooks():
    # Written out by hand from the scheme before: "v1=" and the hex HMAC-SHA256 of "1700000000." and
    # the body, keyed with the secret's text (`printf '1700000000.<body>' | openssl dgst -sha256 -hmac`).
    old_secret = "whsec_Qm9zdG9uLUd1ZXRlcnNsb2gtV2ViaG9vay1UZXN0_x-"
    headers = signed_headers(LEGACY_SCHEME, old_secret, DELIVERY_ID, 1_700_000_000, BODY)
    assert headers == {
        "Content-Type": "application/cloudevents+json",
        "Webhook-Id": DELIVERY_ID,
        "Webhook-Timestamp": "1700000000",
        "Webhook-Signature": "v1=b12b8dd5ca276610de455d376b6e84d2015cae44389d27e182e50dd7769ee039",
    }


def test_the_official_library_refuses_a_legacy_delivery():
    """Why the scheme is the subscription's: the header names differ only in case, so one delivery
    cannot satisfy both kinds of receiver. (The Python library 1.1.0 even raises ValueError at the
    `v1=` value, not its own error.)"""
    headers = signed_headers(LEGACY_SCHEME, SECRET, DELIVERY_ID, int(time.time()), BODY)
    with pytest.raises((WebhookVerificationError, ValueError)):
        Webhook(SECRET).verify(BODY, headers)


def test_an_unknown_signature_scheme_is_refused_naming_the_schemes():
    with pytest.raises(ValueError, match="standard-webhooks, legacy"):
        signed_headers("v0", SECRET, DELIVERY_ID, 1_700_000_000, BODY)


def test_the_admins_view_of_a_webhook_names_its_signature_scheme_and_never_its_secret():
    row = {"id": DELIVERY_ID, "url": "https://city.example/x", "signature_scheme": LEGACY_SCHEME, "secret": SECRET}
    assert WebhookView().dump(row) == {"id": DELIVERY_ID, "url": "https://city.example/x", "signature_scheme": "legacy"}


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


# --- the send, and the service's settings ---------------------------------------------------------------


def test_a_send_is_bounded_well_below_its_lease():
    assert timedelta(seconds=sender.SEND_TIMEOUT_SECONDS + 1) * 2 < handlers.LEASE


def test_a_delivery_is_tried_longer_than_a_subscription_may_fail_in_a_row():
    settings = WebhookSettings.from_config({"WEBHOOKS_ALLOW_HTTP": "false", "WEBHOOK_DISABLE_AFTER_FAILURES": "10"})
    assert handlers.RETRIES.attempts > settings.disable_after_failures


@pytest.mark.parametrize(
    "value, expected",
    [(True, True), ("true", True), ("1", True), (False, False), ("false", False), ("", False)],
)
def test_allowing_plain_http_is_read_as_a_flag(value, expected):
    config = {"WEBHOOKS_ALLOW_HTTP": value, "WEBHOOK_DISABLE_AFTER_FAILURES": 10}
    assert WebhookSettings.from_config(config).allow_http is expected


@pytest.mark.parametrize("value", [None, "", "ten", 0])
def test_a_wrong_disabling_threshold_stops_the_service_naming_the_setting(value):
    with pytest.raises(ValueError, match="WEBHOOK_DISABLE_AFTER_FAILURES"):
        WebhookSettings.from_config({"WEBHOOKS_ALLOW_HTTP": False, "WEBHOOK_DISABLE_AFTER_FAILURES": value})


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
