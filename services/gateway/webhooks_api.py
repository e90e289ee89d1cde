"""The webhooks API under /api/v1/webhooks, for admins only: register HTTPS endpoints of other city
systems for events, and read each one's delivery log.

A mixin of GatewayService; its `webhooks` RPC proxy is also what the gateway's health check pings.
"""

import logging

from nameko.rpc import RpcProxy

from aufbruch.contracts.errors import InvalidInput, validated
from aufbruch.contracts.ideas import MAX_PAGE
from aufbruch.contracts.webhooks import NewWebhook
from aufbruch.http import answers_errors, http, json_response, read_json
from services.gateway.admin_api import no_content
from services.gateway.rpc import call

log = logging.getLogger(__name__)
WEBHOOKS = "/api/v1/webhooks"


def page_number(request) -> int:
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_PAGE):
        raise InvalidInput({"page": [f"Must be a whole number from 1 to {MAX_PAGE}."]})
    return int(raw)


class WebhooksApi:
    """Mixed into GatewayService; `self.auth` is the gateway's Authenticator (declared by AdminApi)."""

    webhooks = RpcProxy("webhooks")

    @http("POST", WEBHOOKS)
    @answers_errors
    def webhooks_register(self, request):
        admin = self.auth.require(request, "admin")
        new = validated(NewWebhook(), read_json(request))
        created = call(self.webhooks.register, new["url"], new["event_types"])
        log.info(
            "admin %s registered webhook %s for %s", admin["username"], created["id"], ",".join(created["event_types"])
        )
        return json_response(201, created, {"Location": f"{WEBHOOKS}/{created['id']}"})  # the secret: shown once

    @http("GET", WEBHOOKS)
    @answers_errors
    def webhooks_list(self, request):
        self.auth.require(request, "admin")
        return json_response(200, {"items": call(self.webhooks.list)})

    @http("GET", f"{WEBHOOKS}/<subscription_id>")
    @answers_errors
    def webhooks_get(self, request, subscription_id):
        self.auth.require(request, "admin")
        return json_response(200, call(self.webhooks.get, subscription_id))

    @http("DELETE", f"{WEBHOOKS}/<subscription_id>")
    @answers_errors
    def webhooks_delete(self, request, subscription_id):
        admin = self.auth.require(request, "admin")
        call(self.webhooks.delete, subscription_id)
        log.info("admin %s deleted webhook %s", admin["username"], subscription_id)
        return no_content()

    @http("GET", f"{WEBHOOKS}/<subscription_id>/deliveries")
    @answers_errors
    def webhooks_deliveries(self, request, subscription_id):
        self.auth.require(request, "admin")
        return json_response(200, call(self.webhooks.deliveries, subscription_id, page_number(request)))
