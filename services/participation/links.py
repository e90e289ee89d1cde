"""Signed links of the support mail: confirm a support, withdraw it; pure.

A link opens a page of the web (`page_url`), which calls the API with its token. The token carries
the idea and the person's pseudonym (never the address), signed with LINK_SECRET, so participation
keeps nothing about a person before they confirm. Confirmation links expire after CONFIRM_MAX_AGE;
withdrawal links never do, so a supporter can always take their support back.
"""

import uuid
from datetime import timedelta
from urllib.parse import urlencode

from itsdangerous import BadData, URLSafeTimedSerializer

CONFIRM, WITHDRAW = "confirm", "withdraw"
CONFIRM_MAX_AGE = timedelta(days=7)
_MAX_AGE = {CONFIRM: CONFIRM_MAX_AGE, WITHDRAW: None}
# The web's pages for each link (services/web); English ones have /en in front.
PAGES = {CONFIRM: "/unterstuetzung/bestaetigen", WITHDRAW: "/unterstuetzung/zuruecknehmen"}


class InvalidLink(Exception):
    """The token was not signed by us for this action, is damaged, or has expired."""


def _serializer(secret: str, action: str) -> URLSafeTimedSerializer:
    # A salt per action: a confirmation token can never be used to withdraw, nor the other way round.
    return URLSafeTimedSerializer(secret, salt=f"aufbruch.support.{action}")


def sign(secret: str, action: str, idea_id, person_key: str) -> str:
    return _serializer(secret, action).dumps({"idea": str(idea_id), "person": person_key})


def verify(secret: str, action: str, token: str) -> tuple[uuid.UUID, str]:
    """The idea and person a token of `action` was signed for, or InvalidLink."""
    max_age = _MAX_AGE[action]
    try:
        payload = _serializer(secret, action).loads(token, max_age=int(max_age.total_seconds()) if max_age else None)
        return uuid.UUID(payload["idea"]), str(payload["person"])
    except (BadData, KeyError, TypeError, ValueError):
        raise InvalidLink(f"This {action} link is invalid or has expired.") from None


def page_url(web_url: str, locale: str, action: str, token: str) -> str:
    """The web page of a link of `action`, in the language `locale` (`de` or `en`), for `token`."""
    language = "/en" if locale == "en" else ""
    return f"{web_url.rstrip('/')}{language}{PAGES[action]}?{urlencode({'token': token})}"
