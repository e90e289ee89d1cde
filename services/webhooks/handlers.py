"""The webhooks service's use cases, free of Nameko (service.py calls them with its database)."""

import uuid

from aufbruch import inbox
from aufbruch.contracts.errors import InvalidInput, NotFound, validated
from aufbruch.contracts.events import parse_events
from aufbruch.contracts.webhooks import (
    MAX_PER_PAGE,
    Delivery,
    NewWebhook,
    RegisteredWebhook,
    Webhook,
    is_allowed_url,
    new_secret,
)
from services.webhooks import repository


def _id(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(f"No webhook with id {value}.") from None


def register(db, url, event_types, allow_http: bool) -> dict:
    """A new subscription {id, url, event_types, ..., secret}: the only answer holding the secret."""
    new = validated(NewWebhook(), {"url": url, "event_types": event_types})
    if not is_allowed_url(new["url"], allow_http):
        raise InvalidInput({"url": ["Must be an https:// URL."]})
    with db.transaction() as conn:
        created = repository.add_subscription(conn, uuid.uuid4(), new["url"], new["event_types"], new_secret())
    return RegisteredWebhook().dump(created)


def list_webhooks(db) -> list[dict]:
    with db.transaction() as conn:
        return Webhook(many=True).dump(repository.subscriptions(conn))


def get(db, subscription_id) -> dict:
    with db.transaction() as conn:
        found = repository.subscription(conn, _id(subscription_id))
    if found is None:
        raise NotFound(f"No webhook with id {subscription_id}.")
    return Webhook().dump(found)


def delete(db, subscription_id) -> None:
    with db.transaction() as conn:
        if not repository.delete_subscription(conn, _id(subscription_id)):
            raise NotFound(f"No webhook with id {subscription_id}.")


def deliveries(db, subscription_id, page=1, per_page=MAX_PER_PAGE) -> dict:
    """The subscription's delivery log, newest first: {items, page, per_page, total}."""
    if not isinstance(page, int) or isinstance(page, bool) or page < 1:
        raise InvalidInput({"page": ["Must be a whole number of at least 1."]})
    per_page = min(max(int(per_page), 1), MAX_PER_PAGE)
    key = _id(subscription_id)
    with db.transaction() as conn:
        if repository.subscription(conn, key) is None:
            raise NotFound(f"No webhook with id {subscription_id}.")
        rows, total = repository.deliveries(conn, key, page, per_page)
    return {"items": Delivery(many=True).dump(rows), "page": page, "per_page": per_page, "total": total}


def owe_deliveries(db, bodies: list[dict]) -> int:
    """Record one delivery of each body per active subscription that takes its type, once per event;
    returns how many deliveries that made."""
    events = parse_events(bodies)
    body_of = {event.id: body for event, body in zip(events, bodies, strict=True)}
    with db.transaction() as conn:
        fresh = inbox.new_events(conn, events)
        subscribers = {
            event_type: repository.active_subscription_ids(conn, event_type)
            for event_type in {event.type for event in fresh}
        }
        return repository.add_deliveries(
            conn,
            [
                (subscription_id, event, body_of[event.id])
                for event in fresh
                for subscription_id in subscribers[event.type]
            ],
        )
