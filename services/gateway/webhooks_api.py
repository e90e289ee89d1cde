"""The webhooks API under /api/v1/webhooks, for admins only: register HTTPS endpoints of other city
systems for events, and read each one's delivery log. Asked of the webhooks service by RPC."""

import logging

from marshmallow import Schema, fields
from werkzeug.wrappers import Request, Response

from aufbruch.contracts.errors import validated
from aufbruch.contracts.webhooks import DELIVERY_STATUSES, Delivery, NewWebhook, RegisteredWebhook, Webhook
from aufbruch.http import json_response, read_json
from services.gateway.auth import Authentication
from services.gateway.documentation import AUTH_ERRORS, JSON_BODY_ERRORS, PageQuery, ok, op, page_of
from services.gateway.http_helpers import API, no_content, page_number
from services.gateway.rpc import call

log = logging.getLogger(__name__)
WEBHOOKS = f"{API}/webhooks"


def register(auth: Authentication, webhooks, request: Request) -> Response:
    admin = auth.require(request, "admin")
    new = validated(NewWebhook(), read_json(request))
    created = call(webhooks.register, new["url"], new["event_types"])
    log.info(
        "admin %s registered webhook %s for %s", admin["username"], created["id"], ",".join(created["event_types"])
    )
    return json_response(201, created, {"Location": f"{WEBHOOKS}/{created['id']}"})  # the secret: shown once


def list_webhooks(auth: Authentication, webhooks, request: Request) -> Response:
    auth.require(request, "admin")
    return json_response(200, {"items": call(webhooks.list)})


def webhook(auth: Authentication, webhooks, request: Request, subscription_id: str) -> Response:
    auth.require(request, "admin")
    return json_response(200, call(webhooks.get, subscription_id))


def delete(auth: Authentication, webhooks, request: Request, subscription_id: str) -> Response:
    admin = auth.require(request, "admin")
    call(webhooks.delete, subscription_id)
    log.info("admin %s deleted webhook %s", admin["username"], subscription_id)
    return no_content()


def deliveries(auth: Authentication, webhooks, request: Request, subscription_id: str) -> Response:
    auth.require(request, "admin")
    return json_response(200, call(webhooks.deliveries, subscription_id, page_number(request)))


# --- the OpenAPI description --------------------------------------------------------------------


class WebhookList(Schema):
    items = fields.List(fields.Nested(Webhook))


SCHEMAS = {
    "NewWebhook": NewWebhook,
    "Webhook": Webhook,
    "RegisteredWebhook": RegisteredWebhook,
    "WebhookList": WebhookList,
    "Delivery": Delivery,
    "DeliveryPage": page_of(Delivery, "DeliveryPage"),
}
OPERATIONS = {
    ("POST", f"{API}/webhooks"): op(
        "Register a webhook",
        "webhooks",
        {
            201: ok(
                "The webhook with its signing secret (shown once).",
                "RegisteredWebhook",
                headers={"Location": "The webhook's URL."},
            )
        },
        body="NewWebhook",
        auth=True,
        errors=JSON_BODY_ERRORS + AUTH_ERRORS,
    ),
    ("GET", f"{API}/webhooks"): op(
        "Every webhook",
        "webhooks",
        {200: ok("The webhooks (never a secret).", "WebhookList")},
        auth=True,
        errors=AUTH_ERRORS,
    ),
    ("GET", f"{API}/webhooks/{{subscription_id}}"): op(
        "One webhook",
        "webhooks",
        {200: ok("The webhook (never its secret).", "Webhook")},
        auth=True,
        errors=AUTH_ERRORS + (404,),
    ),
    ("DELETE", f"{API}/webhooks/{{subscription_id}}"): op(
        "Delete a webhook and its log", "webhooks", {204: ok("Deleted.")}, auth=True, errors=AUTH_ERRORS + (404,)
    ),
    ("GET", f"{API}/webhooks/{{subscription_id}}/deliveries"): op(
        "A webhook's delivery log, newest first",
        "webhooks",
        {200: ok(f"One page of deliveries; status one of {', '.join(DELIVERY_STATUSES)}.", "DeliveryPage")},
        query=PageQuery,
        auth=True,
        errors=AUTH_ERRORS + (404, 422),
    ),
}
