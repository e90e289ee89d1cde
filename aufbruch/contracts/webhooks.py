"""The webhooks service's RPC contract, and how a webhook delivery is signed.

Admins register an endpoint (`NewWebhook`); every event whose type the endpoint's filter matches is
POSTed to it as a CloudEvent (structured mode, `application/cloudevents+json`) with these headers:

    Webhook-Id: <delivery id>            the same on every retry of one delivery: deduplicate by it
    Webhook-Timestamp: <unix seconds>    when this attempt was signed
    Webhook-Signature: v1=<hex>          HMAC-SHA256(secret, f"{timestamp}.{body}")

Receivers verify the signature over the exact bytes of the body and refuse timestamps older than
REPLAY_TOLERANCE_SECONDS (`verify` below; docs/events.md, "Webhooks").
"""

import hashlib
import hmac
import secrets

from marshmallow import Schema, ValidationError, fields, validate, validates

from aufbruch.contracts.events import CATALOG
from aufbruch.contracts.ideas import Strict

ALL_EVENTS = "*"
SECRET_PREFIX = "whsec_"
SIGNATURE_VERSION = "v1"
REPLAY_TOLERANCE_SECONDS = 5 * 60
CONTENT_TYPE = "application/cloudevents+json"
MAX_URL_LENGTH = 2000
MAX_PER_PAGE = 50
DELIVERY_STATUSES = ("pending", "delivered", "failed")


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `Webhook-Signature` header of `body` sent at `timestamp` (unix seconds)."""
    message = f"{timestamp}.".encode("ascii") + body
    return f"{SIGNATURE_VERSION}=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signed_headers(secret: str, delivery_id, timestamp: int, body: bytes) -> dict:
    return {
        "Content-Type": CONTENT_TYPE,
        "Webhook-Id": str(delivery_id),
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": signature(secret, timestamp, body),
    }


def verify(secret: str, headers, body: bytes, now: float, tolerance: int = REPLAY_TOLERANCE_SECONDS) -> bool:
    """What a receiver does: the signature matches this body and the timestamp is recent."""
    try:
        timestamp = int(headers["Webhook-Timestamp"])
        presented = headers["Webhook-Signature"]
    except (KeyError, TypeError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(presented, signature(secret, timestamp, body))


def matches(event_types, event_type: str) -> bool:
    """Whether a subscription's filter takes `event_type`: named exactly, or "*" for every type."""
    return ALL_EVENTS in event_types or event_type in event_types


def is_allowed_url(url: str, allow_http: bool) -> bool:
    return url.lower().startswith("https://") or (allow_http and url.lower().startswith("http://"))


class NewWebhook(Strict):
    """`register(url, event_types)`; also the body of POST /api/v1/webhooks. Whether plain http is
    allowed is the webhooks service's configuration (WEBHOOKS_ALLOW_HTTP), checked there."""

    url = fields.String(
        required=True,
        validate=[
            validate.Length(max=MAX_URL_LENGTH),
            validate.URL(schemes={"http", "https"}, require_tld=False, error="Must be an https:// URL."),
        ],
    )
    event_types = fields.List(fields.String(), required=True, validate=validate.Length(min=1, max=len(CATALOG) + 1))

    @validates("event_types")
    def known_event_types(self, value, **kwargs):
        unknown = [name for name in value if name != ALL_EVENTS and name not in CATALOG]
        if unknown:
            raise ValidationError(
                f"Unknown event types: {', '.join(unknown)}. Use '{ALL_EVENTS}' or any of: {', '.join(CATALOG)}."
            )
        if len(set(value)) != len(value):
            raise ValidationError("Names an event type twice.")


class Webhook(Schema):
    """A subscription as admins see it (never its secret)."""

    id = fields.UUID()
    url = fields.String()
    event_types = fields.List(fields.String())
    created_at = fields.AwareDateTime()
    disabled_at = fields.AwareDateTime(allow_none=True)
    consecutive_failures = fields.Integer()


class RegisteredWebhook(Webhook):
    """The answer to `register`: the one time the secret is shown."""

    secret = fields.String()


class Delivery(Schema):
    """One entry of a subscription's delivery log."""

    id = fields.UUID()
    event_id = fields.UUID()
    event_type = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    next_attempt_at = fields.AwareDateTime(allow_none=True)
    last_status_code = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    delivered_at = fields.AwareDateTime(allow_none=True)
