"""The notifications service's use cases; the entrypoints in service.py only translate to them.

Every mail is first *owed*: rendered and stored in `mails` under a key naming its cause and
recipient, in the same transaction as the event that caused it is recorded as handled. A timer
delivers owed mails (`deliver_due`), so a slow or absent mail server never holds up an event queue,
and neither a redelivered event nor a second replica can owe a mail twice.
"""

import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from aufbruch import inbox, outbox
from aufbruch.config import categories
from aufbruch.contracts.errors import Conflict, InvalidInput, NotFound, validated
from aufbruch.contracts.events import MAIL_KINDS, Event
from aufbruch.contracts.ideas import DEFAULT_LOCALE
from aufbruch.contracts.notifications import DigestRequest, ErasureRequest, FollowRequest
from aufbruch.pseudonyms import pseudonym
from services.notifications import delivery, rendering, repository
from services.notifications.links import InvalidLink, Links
from services.notifications.mailer import PermanentFailure, TemporaryFailure, build_message

log = logging.getLogger(__name__)
DELIVERY_BATCH_SIZE = 20
DIGEST_BATCH_SIZE = 50
FOLLOWABLE_STATUSES = ("submitted", "in_review", "published")
MODERATOR_ALERTS = "moderator_alerts"
# Unsubscribing from a support confirmation stops them all: nobody can keep asking in another's name.
SUPPORT_CONFIRMATIONS = "support_confirmations"

# What a followed idea's change tells its followers: event type -> (template, the data field that
# dates the change). Another change is one entry here, its template in templates/<locale>/ and a
# handler calling `tell_followers`.
FOLLOWED_CHANGES = {
    "idea.published": ("follower_published", "published_at"),
    "idea.rejected": ("follower_rejected", "rejected_at"),
    "idea.hidden": ("follower_hidden", "hidden_at"),
    "idea.unhidden": ("follower_unhidden", "unhidden_at"),
    "idea.status_changed": ("follower_status_changed", "answered_at"),
}


@dataclass(frozen=True)
class Settings:
    links: Links
    pseudonym_secret: str
    categories: tuple[str, ...]
    moderator_addresses: tuple[str, ...]
    moderator_alert_interval: timedelta
    digest_interval: timedelta
    mails_per_recipient_per_hour: int
    city: ZoneInfo

    @classmethod
    def from_config(cls, config: dict) -> "Settings":
        addresses = str(config.get("MODERATOR_ALERT_ADDRESSES") or "")
        return cls(
            links=Links(config["PUBLIC_BASE_URL"], config["LINK_SECRET"]),
            pseudonym_secret=config["PSEUDONYM_SECRET"],
            categories=tuple(categories(config)),
            moderator_addresses=tuple(address.strip() for address in addresses.split(",") if address.strip()),
            moderator_alert_interval=timedelta(seconds=float(config["MODERATOR_ALERT_INTERVAL_SECONDS"])),
            digest_interval=timedelta(seconds=float(config["DIGEST_INTERVAL_SECONDS"])),
            mails_per_recipient_per_hour=int(config["MAILS_PER_RECIPIENT_PER_HOUR"]),
            city=ZoneInfo(config.get("CITY_TIMEZONE") or "Europe/Berlin"),
        )


def owe(
    conn,
    settings: Settings,
    *,
    template: str,
    recipient: str,
    locale: str,
    dedup_key: str,
    list_id: str,
    kind: str | None = None,
    idea_id=None,
    name: str | None = None,
    **context,
) -> bool:
    """Render and store one mail unless it is owed already or the recipient unsubscribed from
    `list_id`; returns whether it was added. `kind` defaults to the template's name."""
    if repository.opted_out(conn, pseudonym(settings.pseudonym_secret, recipient), list_id):
        return False
    mail_id = uuid.uuid4()
    rendered = rendering.render(
        template, locale, name=name, unsubscribe_url=settings.links.unsubscribe_url(mail_id), **context
    )
    return repository.add_mail(
        conn,
        {
            "id": mail_id,
            "idea_id": idea_id,
            "kind": kind or template,
            "recipient": recipient,
            "subject": rendered.subject,
            "text_body": rendered.text,
            "html_body": rendered.html,
            "dedup_key": f"{dedup_key}:{recipient.lower()}",
            "list_id": list_id,
        },
    )


# --- events about ideas ------------------------------------------------------------------------------


def _mail_submitter(
    conn, settings: Settings, contact: dict | None, idea_id, kind: str, dedup_key: str, **context
) -> None:
    if contact is None:  # no address given: nobody to tell
        return
    owe(
        conn,
        settings,
        template=kind,
        recipient=contact["email"],
        locale=contact["locale"],
        name=contact["name"],
        dedup_key=dedup_key,
        list_id=f"idea:{idea_id}",
        idea_id=idea_id,
        title=contact["title"],
        idea_url=settings.links.idea_url(idea_id),
        **context,
    )


def tell_followers(conn, settings: Settings, event: Event, **context) -> None:
    """Owe each confirmed follower of the event's idea the mail FOLLOWED_CHANGES names for it."""
    template, dated_by = FOLLOWED_CHANGES[event.type]
    idea_id = event.data["idea_id"]
    change = f"{event.type}@{event.data[dated_by].isoformat()}"
    for follower in repository.confirmed_followers(conn, idea_id):
        owe(
            conn,
            settings,
            template=template,
            kind="follower_update",
            recipient=follower["email"],
            locale=follower["locale"],
            dedup_key=f"follower_update:{follower['id']}:{change}",
            list_id=f"follower:{follower['id']}",
            idea_id=idea_id,
            title=follower["idea_title"],
            idea_url=settings.links.idea_url(idea_id),
            **context,
        )


def idea_submitted(db, settings: Settings, event: Event, contact: dict | None) -> None:
    idea_id = event.data["idea_id"]
    with db.transaction() as conn:
        if inbox.first_delivery(conn, event):
            _mail_submitter(conn, settings, contact, idea_id, "receipt", f"receipt:{idea_id}")


def idea_published(db, settings: Settings, event: Event, contact: dict | None) -> None:
    data = event.data
    with db.transaction() as conn:
        if not inbox.first_delivery(conn, event):
            return
        repository.record_published(conn, data["idea_id"], data["title"], data["category"], data["published_at"])
        _mail_submitter(conn, settings, contact, data["idea_id"], "published", f"published:{data['idea_id']}")
        tell_followers(conn, settings, event)


def idea_rejected(db, settings: Settings, event: Event, contact: dict | None) -> None:
    data = event.data
    with db.transaction() as conn:
        if not inbox.first_delivery(conn, event):
            return
        repository.set_hidden(conn, data["idea_id"], True)  # a hidden idea rejected for good stays out
        _mail_submitter(
            conn,
            settings,
            contact,
            data["idea_id"],
            "rejected",
            f"rejected:{data['idea_id']}",
            reason_codes=data["reasons"],
        )
        tell_followers(conn, settings, event, reason_codes=data["reasons"])


def idea_hidden(db, settings: Settings, event: Event, contact: dict | None) -> None:
    data = event.data
    with db.transaction() as conn:
        if not inbox.first_delivery(conn, event):
            return
        repository.set_hidden(conn, data["idea_id"], True)
        _mail_submitter(
            conn,
            settings,
            contact,
            data["idea_id"],
            "hidden",
            f"hidden:{data['idea_id']}@{data['hidden_at'].isoformat()}",
            reason_code=data["reason"],
        )
        tell_followers(conn, settings, event, reason_code=data["reason"])


def idea_unhidden(db, settings: Settings, event: Event) -> None:
    with db.transaction() as conn:
        if inbox.first_delivery(conn, event):
            repository.set_hidden(conn, event.data["idea_id"], False)
            tell_followers(conn, settings, event)


def idea_status_changed(db, settings: Settings, event: Event, contact: dict | None) -> None:
    """The city answered the idea: its submitter and its followers read the answer in their mail."""
    data = event.data
    answer = {"official_status": data["official_status"], "answer": data["answer"]}
    with db.transaction() as conn:
        if not inbox.first_delivery(conn, event):
            return
        _mail_submitter(
            conn, settings, contact, data["idea_id"], "status_changed", f"status_changed:{data['answer_id']}", **answer
        )
        tell_followers(conn, settings, event, **answer)


# --- following ideas, digests, confirmation --------------------------------------------------------


def follow(db, settings: Settings, public_idea, idea_id: str, payload, accepted_locale: str | None) -> None:
    """Start the double opt-in for news about an idea: a confirmation mail, at most one a day per
    follower, and nothing else until it is confirmed. `public_idea(idea_id)` is the idea's public
    view (ideas' RPC), asked only once the request is valid."""
    request = validated(FollowRequest(), payload)
    idea = public_idea(idea_id)
    if idea["status"] not in FOLLOWABLE_STATUSES:
        raise Conflict(f"An idea that is {idea['status']} cannot be followed.")
    locale = request["locale"] or accepted_locale or DEFAULT_LOCALE
    with db.transaction() as conn:
        follower = repository.add_follower(conn, idea["id"], request["email"], locale, idea["title"])
        if follower["confirmed_at"] is None:
            owe(
                conn,
                settings,
                template="follow_confirmation",
                recipient=follower["email"],
                locale=follower["locale"],
                dedup_key=f"follow_confirmation:{follower['id']}:{_today(settings)}",
                list_id=f"follower:{follower['id']}",
                idea_id=idea["id"],
                title=idea["title"],
                confirm_url=settings.links.confirmation_url("follower", follower["id"]),
            )


def confirm_support(
    db, settings: Settings, address: str, idea_title: str, confirm_url: str, withdraw_url: str, locale: str | None
) -> None:
    """Mail a citizen the links participation signed for their support. Each request owes its own
    mail (participation signs a new link each time); the address came by RPC, never in an event."""
    link_key = hashlib.sha256(confirm_url.encode()).hexdigest()[:32]
    with db.transaction() as conn:
        owe(
            conn,
            settings,
            template="support_confirmation",
            recipient=address,
            locale=rendering.supported(locale),
            dedup_key=f"support_confirmation:{link_key}",
            list_id=SUPPORT_CONFIRMATIONS,
            title=idea_title,
            confirm_url=confirm_url,
            withdraw_url=withdraw_url,
        )


def subscribe_digest(db, settings: Settings, payload, accepted_locale: str | None) -> None:
    request = validated(DigestRequest(list(settings.categories)), payload)
    locale = request["locale"] or accepted_locale or DEFAULT_LOCALE
    with db.transaction() as conn:
        subscription = repository.add_digest_subscription(conn, request["category"], request["email"], locale)
        if subscription["confirmed_at"] is None:
            owe(
                conn,
                settings,
                template="digest_confirmation",
                recipient=subscription["email"],
                locale=subscription["locale"],
                dedup_key=f"digest_confirmation:{subscription['id']}:{_today(settings)}",
                list_id=f"digest:{subscription['id']}",
                category_code=subscription["category"],
                confirm_url=settings.links.confirmation_url("digest", subscription["id"]),
            )


def _today(settings: Settings) -> str:
    return datetime.now(settings.city).date().isoformat()


def confirm(db, settings: Settings, token: str) -> dict:
    """Confirm what the link names: {"subscription": "follower", "idea_id", "title"} or
    {"subscription": "digest", "category"}. InvalidInput for a bad or expired link, NotFound for a
    subscription that is gone (unsubscribed or erased)."""
    try:
        confirmation = settings.links.read_confirmation(token)
    except InvalidLink:
        raise InvalidInput({"token": ["The link is invalid or has expired."]}) from None
    with db.transaction() as conn:
        if confirmation.subscription == "follower":
            confirmed = repository.confirm_follower(conn, confirmation.id)
            answer = confirmed and {"idea_id": str(confirmed["idea_id"]), "title": confirmed["idea_title"]}
        else:
            confirmed = repository.confirm_digest_subscription(conn, confirmation.id)
            answer = confirmed and {"category": confirmed["category"]}
    if not answer:
        raise NotFound("This subscription no longer exists.")
    return {"subscription": confirmation.subscription} | answer


# --- unsubscribing and erasure ----------------------------------------------------------------------


def _unsubscribe_mail_id(settings: Settings, token: str) -> uuid.UUID:
    try:
        return settings.links.read_unsubscribe(token)
    except InvalidLink:
        raise InvalidInput({"token": ["The link is invalid."]}) from None


def unsubscribe_scope(db, settings: Settings, token: str) -> str | None:
    """What the link unsubscribes from (`idea`, `follower`, `digest`, `moderator_alerts`), None if
    it is done already (the address was erased); InvalidInput for a link we did not sign."""
    mail_id = _unsubscribe_mail_id(settings, token)
    with db.transaction() as conn:
        found = repository.mail(conn, mail_id)
    return found["list_id"].partition(":")[0] if found else None


def unsubscribe(db, settings: Settings, token: str) -> dict | None:
    """End what the mail behind `token` came from, for its recipient: a follow or digest
    subscription is deleted; for the submitter's mails about an idea and moderator alerts the
    address (as a keyed hash) is kept on an opt-out list. Pending mails of that list are cancelled.
    Returns {"scope", "recipient"} (so the caller may erase the address), None if the address is
    gone already. Repeating it changes nothing."""
    mail_id = _unsubscribe_mail_id(settings, token)
    with db.transaction() as conn:
        found = repository.mail(conn, mail_id)
        if found is None:
            return None
        repository.add_opt_out(conn, pseudonym(settings.pseudonym_secret, found["recipient"]), found["list_id"])
        repository.end_subscription(conn, found["list_id"])
        repository.cancel_pending(conn, found["recipient"], found["list_id"])
    return {"scope": found["list_id"].partition(":")[0], "recipient": found["recipient"]}


def erasure_address(payload) -> str:
    return validated(ErasureRequest(), payload)["email"]


def erase(db, email: str, submissions_erased: int, requested_by: str) -> dict:
    """Delete the address from notifications (ideas already forgot it: `submissions_erased`) and
    announce `person.erased`, which never says whose address it was."""
    with db.transaction() as conn:
        subscriptions, mails = repository.erase_address(conn, email)
        erasure = {
            "erasure_id": uuid.uuid4(),
            "requested_by": requested_by,
            "submissions_erased": submissions_erased,
            "subscriptions_erased": subscriptions,
            "mails_erased": mails,
            "erased_at": datetime.now(UTC),
        }
        outbox.add_event(conn, "person.erased", erasure)
    return erasure | {"erasure_id": str(erasure["erasure_id"]), "erased_at": erasure["erased_at"].isoformat()}


# --- batches: moderator alerts and digests -----------------------------------------------------------


def review_requested(db, event: Event) -> None:
    data = event.data
    with db.transaction() as conn:
        if inbox.first_delivery(conn, event):
            repository.add_waiting_case(conn, data["case_id"], data["idea_id"], data["reasons"], data["requested_at"])


def moderation_decided(db, event: Event) -> None:
    """A moderator's decision closes the idea's waiting cases: an alert lists only cases still waiting."""
    data = event.data
    with db.transaction() as conn:
        if inbox.first_delivery(conn, event) and data["actor_kind"] == "moderator":
            repository.drop_decided_cases(conn, data["idea_id"], data["decided_at"])


def alert_moderators(db, settings: Settings) -> int:
    """At most once per interval, one mail to each moderator address listing the cases that began
    waiting since the last one and still wait; returns how many cases it named."""
    now = datetime.now(UTC)
    with db.transaction() as conn:
        clock = repository.lock_moderator_alert_clock(conn)
        if clock is None or not delivery.batch_due(clock["last_sent_at"], settings.moderator_alert_interval, now):
            return 0
        cases = repository.unalerted_cases(conn)
        if not cases or not settings.moderator_addresses:
            return 0
        listed = [
            case | {"requested_at": case["requested_at"].astimezone(settings.city).strftime("%d.%m.%Y %H:%M")}
            for case in cases
        ]
        for address in settings.moderator_addresses:
            owe(
                conn,
                settings,
                template="moderator_alert",
                recipient=address,
                locale=DEFAULT_LOCALE,
                dedup_key=f"moderator_alert:{now.isoformat()}",
                list_id=MODERATOR_ALERTS,
                cases=listed,
                queue_url=settings.links.moderation_queue_url(),
            )
        repository.mark_alerted(conn, [case["case_id"] for case in cases], now)
    return len(cases)


def send_digests(db, settings: Settings) -> int:
    """A digest to each confirmed subscriber whose last one is an interval old, listing the ideas
    of its category published since (none: no mail, the next one waits another interval)."""
    now = datetime.now(UTC)
    with db.transaction() as conn:
        due = repository.claim_due_digests(conn, now - settings.digest_interval, DIGEST_BATCH_SIZE)
        for subscription in due:
            ideas = repository.published_in(conn, subscription["category"], subscription["covered_until"], now)
            if ideas:
                owe(
                    conn,
                    settings,
                    template="digest",
                    recipient=subscription["email"],
                    locale=subscription["locale"],
                    dedup_key=f"digest:{subscription['id']}:{now.isoformat()}",
                    list_id=f"digest:{subscription['id']}",
                    category_code=subscription["category"],
                    ideas=[{"title": idea["title"], "url": settings.links.idea_url(idea["idea_id"])} for idea in ideas],
                )
            repository.cover_digest(conn, subscription["id"], now)
    return len(due)


# --- delivery ------------------------------------------------------------------------------------------


def deliver_due(db, settings: Settings, mailer) -> None:
    """Send one batch of due mails. A recipient over the rate limit waits (not a failed attempt)."""
    with db.transaction() as conn:
        for mail in repository.claim_due(conn, DELIVERY_BATCH_SIZE):
            if not repository.lock_recipient(conn, mail["recipient"]):
                continue  # another replica is mailing this address right now; next tick
            now = datetime.now(UTC)
            recent = repository.sent_since(conn, mail["recipient"], now - delivery.RATE_WINDOW)
            free_at = delivery.rate_limited_until(recent, settings.mails_per_recipient_per_hour)
            if free_at is not None:
                repository.defer(conn, mail["id"], free_at)
            else:
                _deliver(conn, settings, mailer, mail)


def _deliver(conn, settings: Settings, mailer, mail: dict) -> None:
    message = build_message(
        mailer.sender,
        mail["recipient"],
        mail["subject"],
        mail["text_body"],
        mail["html_body"],
        f"<{mail['id']}@aufbruch>",
        settings.links.unsubscribe_url(mail["id"]),
    )
    try:
        mailer.send(message)
    except TemporaryFailure as exc:
        attempts = mail["attempts"] + 1
        if not delivery.gives_up(attempts):
            repository.postpone(conn, mail["id"], delivery.retry_delay(attempts), exc.detail)
            return
        failure = exc
    except PermanentFailure as exc:
        failure = exc
    else:
        repository.mark_sent(conn, mail["id"])
        _announce(conn, "notification.sent", mail, sent_at=datetime.now(UTC))
        return
    repository.mark_failed(conn, mail["id"], failure.detail)
    _announce(conn, "notification.failed", mail, failed_at=datetime.now(UTC), error=failure.summary)
    log.warning("mail %s (%s) failed for good: %s", mail["id"], mail["kind"], failure.summary)


def _announce(conn, event_type: str, mail: dict, **data) -> None:
    """Mails about one idea are public facts (never to whom); digests and moderator alerts are not
    about one idea and stay in the mails table only."""
    if mail["idea_id"] is not None and mail["kind"] in MAIL_KINDS:
        outbox.add_event(
            conn, event_type, {"notification_id": mail["id"], "idea_id": mail["idea_id"], "kind": mail["kind"]} | data
        )
