"""Mails people ask for, each behind a confirmation (double opt-in): news about an idea, a daily
digest of a category, and the confirmation of a support that participation signed."""

import hashlib
from collections.abc import Callable
from datetime import datetime

from aufbruch.contracts.errors import Conflict, InvalidInput, NotFound, validated
from aufbruch.contracts.ideas import chosen_locale
from aufbruch.contracts.notifications import DigestRequest, FollowRequest
from aufbruch.labels import supported_locale
from services.notifications.handlers.owing import owe
from services.notifications.links import InvalidLink
from services.notifications.repository import Work
from services.notifications.settings import NotificationSettings

FOLLOWABLE_STATUSES = ("submitted", "in_review", "published")
# Unsubscribing from a support confirmation stops them all: nobody can keep asking in another's name.
SUPPORT_CONFIRMATIONS = "support_confirmations"


def follow(
    uow: Work,
    settings: NotificationSettings,
    public_idea: Callable[[str], dict],
    idea_id: str,
    payload,
    accepted_locale: str | None,
) -> None:
    """Start the double opt-in for news about an idea: a confirmation mail, at most one a day per
    follower, and nothing else until it is confirmed. `public_idea(idea_id)` is the idea's public
    view (ideas' RPC), asked only once the request is valid."""
    request = validated(FollowRequest(), payload)
    idea = public_idea(idea_id)
    if idea["status"] not in FOLLOWABLE_STATUSES:
        raise Conflict(f"An idea that is {idea['status']} cannot be followed.")
    locale = chosen_locale(request["locale"], accepted_locale)
    with uow.transaction() as repository:
        follower = repository.add_follower(idea["id"], request["email"], locale, idea["title"])
        if follower["confirmed_at"] is None:
            owe(
                repository,
                settings,
                template="follow_confirmation",
                recipient=follower["email"],
                locale=follower["locale"],
                dedup_key=f"follow_confirmation:{follower['id']}:{_today(settings)}",
                list_id=f"follower:{follower['id']}",
                idea_id=idea["id"],
                title=idea["title"],
                confirm_url=settings.links.confirmation_url("follower", follower["id"], follower["locale"]),
            )


def subscribe_digest(uow: Work, settings: NotificationSettings, payload, accepted_locale: str | None) -> None:
    request = validated(DigestRequest(list(settings.categories)), payload)
    locale = chosen_locale(request["locale"], accepted_locale)
    with uow.transaction() as repository:
        subscription = repository.add_digest_subscription(request["category"], request["email"], locale)
        if subscription["confirmed_at"] is None:
            owe(
                repository,
                settings,
                template="digest_confirmation",
                recipient=subscription["email"],
                locale=subscription["locale"],
                dedup_key=f"digest_confirmation:{subscription['id']}:{_today(settings)}",
                list_id=f"digest:{subscription['id']}",
                category_code=subscription["category"],
                confirm_url=settings.links.confirmation_url("digest", subscription["id"], subscription["locale"]),
            )


def _today(settings: NotificationSettings) -> str:
    return datetime.now(settings.city).date().isoformat()


def confirm(uow: Work, settings: NotificationSettings, token: str) -> dict:
    """Confirm what the link names: {"subscription": "follower", "idea_id", "title"} or
    {"subscription": "digest", "category"}. InvalidInput for a bad or expired link, NotFound for a
    subscription that is gone (unsubscribed or erased)."""
    try:
        confirmation = settings.links.read_confirmation(token)
    except InvalidLink:
        raise InvalidInput({"token": ["The link is invalid or has expired."]}) from None
    with uow.transaction() as repository:
        if confirmation.subscription == "follower":
            follower = repository.confirm_follower(confirmation.id)
            answer = follower and {"idea_id": str(follower["idea_id"]), "title": follower["idea_title"]}
        else:
            digest = repository.confirm_digest_subscription(confirmation.id)
            answer = digest and {"category": digest["category"]}
    if not answer:
        raise NotFound("This subscription no longer exists.")
    return {"subscription": confirmation.subscription} | answer


def confirm_support(
    uow: Work,
    settings: NotificationSettings,
    address: str,
    idea_title: str,
    confirm_url: str,
    withdraw_url: str,
    locale: str | None,
) -> None:
    """Mail a citizen the links participation signed for their support. Each request owes its own
    mail (participation signs a new link each time); the address came by RPC, never in an event."""
    link_key = hashlib.sha256(confirm_url.encode()).hexdigest()[:32]
    with uow.transaction() as repository:
        owe(
            repository,
            settings,
            template="support_confirmation",
            recipient=address,
            locale=supported_locale(locale),
            dedup_key=f"support_confirmation:{link_key}",
            list_id=SUPPORT_CONFIRMATIONS,
            title=idea_title,
            confirm_url=confirm_url,
            withdraw_url=withdraw_url,
        )
