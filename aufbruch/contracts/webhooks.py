"""The webhooks service's RPC contract, and how a webhook delivery is signed.

Admins register an endpoint (`NewWebhook`); every event whose type the endpoint's filter matches is
POSTed to it as a CloudEvent (structured mode, `application/cloudevents+json`), signed in the
subscription's `signature_scheme`. Subscriptions registered from this release on use Standard Webhooks
(https://www.standardwebhooks.com), so that receivers verify them with the official `standardwebhooks`
libraries:

    webhook-id: <delivery id>              the same on every retry of one delivery: deduplicate by it
    webhook-timestamp: <unix seconds>      when this attempt was signed
    webhook-signature: v1,<base64>         HMAC-SHA256 of f"{id}.{timestamp}.{body}", keyed with the
                                           bytes the secret `whsec_<base64>` stands for

Subscriptions registered before keep the LEGACY_SCHEME their receivers verify, for this release
(docs/events.md, "Webhooks"): the same three headers, but `Webhook-Signature: v1=<hex>` HMAC-SHA256
of f"{timestamp}.{body}" keyed with the secret's text. One header cannot carry both signatures: the
names differ only in case, and both the old receivers and the libraries compare its whole value.
"""

import base64
import hashlib
import hmac
import secrets

from marshmallow import Schema, ValidationError, fields, validate, validates

from aufbruch.contracts.events import CATALOG
from aufbruch.contracts.ideas import Strict

ALL_EVENTS = "*"
SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the spec asks for 24 to 64
STANDARD_SCHEME = "standard-webhooks"
LEGACY_SCHEME = "legacy"  # subscriptions registered before Standard Webhooks, until the release after this one
SIGNATURE_SCHEMES = (STANDARD_SCHEME, LEGACY_SCHEME)
CONTENT_TYPE = "application/cloudevents+json"
MAX_URL_LENGTH = 2000
MAX_PER_PAGE = 50
DELIVERY_STATUSES = ("pending", "delivered", "failed")


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def signing_key(secret: str) -> bytes:
    """The key bytes that `secret` stands for under Standard Webhooks. Secrets issued before were
    written in URL-safe base64 without padding; the two alphabets share no character that differs
    (`+/` against `-_`), so one reading serves both, and a legacy subscription moved to Standard
    Webhooks keeps its secret."""
    encoded = secret.removeprefix(SECRET_PREFIX).replace("-", "+").replace("_", "/")
    return base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)


def signature(secret: str, delivery_id, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header of `body` sent as `delivery_id` at `timestamp` (unix seconds)."""
    message = f"{delivery_id}.{timestamp}.".encode("ascii") + body
    return "v1," + base64.b64encode(hmac.new(signing_key(secret), message, hashlib.sha256).digest()).decode("ascii")


def legacy_signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `Webhook-Signature` header of LEGACY_SCHEME: keyed with the secret's text, no id signed."""
    message = f"{timestamp}.".encode("ascii") + body
    return "v1=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signed_headers(scheme: str, secret: str, delivery_id, timestamp: int, body: bytes) -> dict:
    """The headers of one attempt at sending `body`, signed in the subscription's `scheme`."""
    if scheme == STANDARD_SCHEME:
        names = ("webhook-id", "webhook-timestamp", "webhook-signature")
        signed = signature(secret, delivery_id, timestamp, body)
    elif scheme == LEGACY_SCHEME:
        names = ("Webhook-Id", "Webhook-Timestamp", "Webhook-Signature")  # as they were sent before
        signed = legacy_signature(secret, timestamp, body)
    else:
        raise ValueError(f"Unknown signature scheme {scheme!r}; one of: {', '.join(SIGNATURE_SCHEMES)}.")
    return {"Content-Type": CONTENT_TYPE} | dict(zip(names, (str(delivery_id), str(timestamp), signed), strict=True))


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
    signature_scheme = fields.String(
        validate=validate.OneOf(SIGNATURE_SCHEMES),
        metadata={
            "description": f"How deliveries are signed (docs/events.md, Webhooks): `{STANDARD_SCHEME}` for webhooks"
            f" registered from this release on; `{LEGACY_SCHEME}` (the signature before) for those registered"
            " before, until the next release moves them. Registering the endpoint again gives a new"
            f" `{STANDARD_SCHEME}` webhook with a new secret."
        },
    )


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
