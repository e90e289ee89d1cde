"""The webhooks service's use cases, free of Nameko: service.py and the dispatcher call them with a
unit of work (aufbruch.unit_of_work.UnitOfWork over repository.Repository, or an in-memory fake)."""

import logging
import uuid
from datetime import timedelta

from aufbruch.backoff import Retries
from aufbruch.contracts.errors import InvalidInput, NotFound, resource_id, validated
from aufbruch.contracts.events import Event
from aufbruch.contracts.webhooks import (
    MAX_PER_PAGE,
    STANDARD_SCHEME,
    Delivery,
    NewWebhook,
    RegisteredWebhook,
    Webhook,
    is_allowed_url,
    new_secret,
)
from services.webhooks.repository import Work
from services.webhooks.sender import Outcome

log = logging.getLogger(__name__)

RETRIES = Retries(attempts=15)  # per delivery; a subscription failing this often is disabled long before
LEASE = timedelta(seconds=60)  # longer than any send: a delivery is not claimed again while in flight
PER_SUBSCRIPTION = 4  # deliveries of one subscription claimed at once


def register(uow: Work, url, event_types, allow_http: bool) -> dict:
    """A new subscription {id, url, event_types, ..., secret}: the only answer holding the secret. It is
    signed as Standard Webhooks; registering the endpoint of a legacy subscription again is how an admin
    moves it over (then delete the old one)."""
    new = validated(NewWebhook(), {"url": url, "event_types": event_types})
    if not is_allowed_url(new["url"], allow_http):
        raise InvalidInput({"url": ["Must be an https:// URL."]})
    with uow.transaction() as repository:
        created = repository.add_subscription(
            uuid.uuid4(), new["url"], new["event_types"], new_secret(), STANDARD_SCHEME
        )
    return RegisteredWebhook().dump(created)


def list_webhooks(uow: Work) -> list[dict]:
    with uow.transaction() as repository:
        return Webhook(many=True).dump(repository.subscriptions())


def get(uow: Work, subscription_id) -> dict:
    with uow.transaction() as repository:
        found = repository.subscription(resource_id(subscription_id, "webhook"))
    if found is None:
        raise NotFound(f"No webhook with id {subscription_id}.")
    return Webhook().dump(found)


def delete(uow: Work, subscription_id) -> None:
    with uow.transaction() as repository:
        if not repository.delete_subscription(resource_id(subscription_id, "webhook")):
            raise NotFound(f"No webhook with id {subscription_id}.")


def deliveries(uow: Work, subscription_id, page=1, per_page=MAX_PER_PAGE) -> dict:
    """The subscription's delivery log, newest first: {items, page, per_page, total}."""
    if not isinstance(page, int) or isinstance(page, bool) or page < 1:
        raise InvalidInput({"page": ["Must be a whole number of at least 1."]})
    per_page = min(max(int(per_page), 1), MAX_PER_PAGE)
    key = resource_id(subscription_id, "webhook")
    with uow.transaction() as repository:
        if repository.subscription(key) is None:
            raise NotFound(f"No webhook with id {subscription_id}.")
        rows, total = repository.deliveries(key, page, per_page)
    return {"items": Delivery(many=True).dump(rows), "page": page, "per_page": per_page, "total": total}


def owe_deliveries(uow: Work, received: list[tuple[Event, dict]]) -> int:
    """Record one delivery of each event per active subscription that takes its type, once per event;
    `received` pairs each event with the body it came in, which is sent on as it is. Returns how many
    deliveries that made."""
    body_of = {event.id: body for event, body in received}
    with uow.transaction() as repository:
        fresh = repository.new_events([event for event, _ in received])
        subscribers = {
            event_type: repository.active_subscription_ids(event_type) for event_type in {event.type for event in fresh}
        }
        return repository.add_deliveries(
            [
                (subscription_id, event, body_of[event.id])
                for event in fresh
                for subscription_id in subscribers[event.type]
            ]
        )


def claim_due(uow: Work, limit: int, busy_subscriptions: list[uuid.UUID]) -> list[dict]:
    """Lease up to `limit` due deliveries for sending, none of `busy_subscriptions` (they have a send
    in flight) and at most PER_SUBSCRIPTION of any other."""
    with uow.transaction() as repository:
        return repository.claim_due(limit, PER_SUBSCRIPTION, busy_subscriptions, LEASE)


def record_outcome(uow: Work, delivery: dict, outcome: Outcome, disable_after: int) -> None:
    """A delivered attempt resets its subscription's run of failures; a failed one is retried after
    RETRIES' delay (or fails for good once they are used up) and counts towards the run, which at
    `disable_after` disables the subscription and fails its pending deliveries."""
    subscription_id = delivery["subscription_id"]
    with uow.transaction() as repository:
        repository.lock_subscription(subscription_id)
        if outcome.delivered:
            repository.mark_delivered(delivery["id"], outcome.status_code)
            repository.subscription_succeeded(subscription_id)
            return
        retry_in = RETRIES.next_try_in(delivery["attempts"] + 1)
        repository.record_failure(delivery["id"], outcome.status_code, outcome.error, retry_in)
        if repository.subscription_failed(subscription_id, disable_after):
            repository.fail_pending(subscription_id, "subscription disabled after repeated failures")
            log.warning("webhook %s disabled after %s failed attempts in a row", subscription_id, disable_after)
