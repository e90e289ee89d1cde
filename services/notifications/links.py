"""The links in mails: signed, so nobody can confirm or unsubscribe for someone else; pure.

A mail links to the web pages (PUBLIC_WEB_URL; English pages under /en, chosen by the recipient's
locale), never to the JSON API. Only the `List-Unsubscribe` header keeps the API's URL: RFC 8058
one-click unsubscribe needs an endpoint that acts on a bare POST.

A confirmation link (double opt-in) carries what it confirms and expires; an unsubscribe link carries
only the id of the mail it came in (so no address travels in a URL) and never expires: RFC 8058 asks
that a mail's one-click unsubscribe keeps working. Both are signed with LINK_SECRET (itsdangerous,
HMAC-SHA1 over URL-safe base64 JSON), each purpose with its own salt so one cannot stand for the other.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from itsdangerous import BadData, URLSafeSerializer, URLSafeTimedSerializer

from aufbruch.contracts.ideas import DEFAULT_LOCALE
from aufbruch.labels import supported_locale

CONFIRMATION_VALID_FOR = timedelta(days=7)
CONFIRMABLE = ("follower", "digest")


class InvalidLink(Exception):
    """A link that was not signed by us, was altered, or has expired."""


@dataclass(frozen=True)
class Confirmation:
    subscription: str  # one of CONFIRMABLE
    id: uuid.UUID


@dataclass(frozen=True)
class Links:
    api_url: str  # PUBLIC_BASE_URL: where the gateway's /api/v1 is reached
    web_url: str  # PUBLIC_WEB_URL: where the web pages are
    secret: str

    def _api(self, path: str) -> str:
        return f"{self.api_url.rstrip('/')}/api/v1{path}"

    def _page(self, locale: str | None, path: str) -> str:
        language = "" if supported_locale(locale) == DEFAULT_LOCALE else f"/{supported_locale(locale)}"
        return f"{self.web_url.rstrip('/')}{language}{path}"

    def idea_url(self, idea_id, locale: str | None) -> str:
        return self._page(locale, f"/ideen/{idea_id}")

    def review_queue_url(self) -> str:
        """The staff pages' review queue (services/web/staff/moderation.py QUEUE): moderators sign in
        there; the alert goes to a team mailbox, so in the default language."""
        return self._page(DEFAULT_LOCALE, "/verwaltung/pruefung")

    def confirmation_url(self, subscription: str, subscription_id: uuid.UUID, locale: str | None) -> str:
        token = URLSafeTimedSerializer(self.secret, salt="confirm").dumps([subscription, str(subscription_id)])
        return self._page(locale, f"/abo/bestaetigen?token={quote(token)}")

    def unsubscribe_page_url(self, mail_id: uuid.UUID, locale: str | None) -> str:
        """The link in a mail's text: the page that asks before it unsubscribes (mail scanners open links)."""
        return self._page(locale, f"/abmelden?token={quote(self._unsubscribe_token(mail_id))}")

    def one_click_unsubscribe_url(self, mail_id: uuid.UUID) -> str:
        """The `List-Unsubscribe` header's URL (RFC 8058): the API, which unsubscribes on a bare POST."""
        return self._api(f"/unsubscribe?token={quote(self._unsubscribe_token(mail_id))}")

    def _unsubscribe_token(self, mail_id: uuid.UUID) -> str:
        return URLSafeSerializer(self.secret, salt="unsubscribe").dumps(str(mail_id))

    def read_confirmation(self, token: str, max_age: timedelta = CONFIRMATION_VALID_FOR) -> Confirmation:
        try:
            subscription, subscription_id = URLSafeTimedSerializer(self.secret, salt="confirm").loads(
                token, max_age=int(max_age.total_seconds())
            )
            if subscription not in CONFIRMABLE:
                raise InvalidLink(token)
            return Confirmation(subscription, uuid.UUID(subscription_id))
        except (BadData, ValueError, TypeError):
            raise InvalidLink(token) from None

    def read_unsubscribe(self, token: str) -> uuid.UUID:
        """The id of the mail whose unsubscribe link this is."""
        try:
            return uuid.UUID(URLSafeSerializer(self.secret, salt="unsubscribe").loads(token))
        except (BadData, ValueError, TypeError):
            raise InvalidLink(token) from None
