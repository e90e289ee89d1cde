"""What the unit tests of the notifications handlers share: settings, events, and reading links out
of the mails the fake repository holds."""

import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from aufbruch.contracts.events import Event, new_event, parse_event
from services.notifications.links import Links
from services.notifications.settings import NotificationSettings

SETTINGS = NotificationSettings(
    links=Links("https://aufbruch.example", "https://web.aufbruch.example", "link-secret"),
    pseudonym_secret="pseudonym-secret",
    categories=("environment", "mobility"),
    moderator_addresses=("moderation@aufbruch.example",),
    moderator_alert_interval=timedelta(minutes=15),
    digest_interval=timedelta(days=1),
    mails_per_recipient_per_hour=10,
    city=ZoneInfo("Europe/Berlin"),
)
TITLE = "Ein Trinkbrunnen am Dreiecksplatz"
IDEA = {
    "title": TITLE,
    "description": "Im Sommer fehlt in der Innenstadt frisches Trinkwasser für alle, die unterwegs sind.",
    "category": "environment",
}


def now() -> datetime:
    return datetime.now(UTC)


def contact(email: str = "erika@example.org", locale: str = "de") -> dict:
    return {"email": email, "locale": locale, "name": "Erika Muster", "title": TITLE}


def event(event_type: str, idea_id: uuid.UUID, **data) -> Event:
    dated = {
        "idea.submitted": {"submitted_at": now()} | IDEA,
        "idea.published": {"published_at": now()} | IDEA,
        "idea.hidden": {"reason": "flags", "actor_kind": "automatic", "hidden_at": now()},
        "idea.unhidden": {"reason": "false_positive", "actor_kind": "moderator", "unhidden_at": now()},
    }[event_type]
    return parse_event(new_event(event_type, {"idea_id": idea_id} | dated | data))


def mails_to(repository, recipient: str) -> list[dict]:
    return [mail for mail in repository.mails.values() if mail["recipient"] == recipient]


def link(mail: dict, path: str) -> str:
    """The link in the mail's text whose path is `path` (under any base and language)."""
    [found] = [word for word in mail["text_body"].split() if word.startswith("http") and urlsplit(word).path == path]
    return found


def token(url: str) -> str:
    [value] = parse_qs(urlsplit(url).query)["token"]
    return value
