"""The links in mails: signed, so nobody can confirm or unsubscribe for someone else; pure.

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
    base_url: str
    secret: str

    def _api(self, path: str) -> str:
        return f"{self.base_url.rstrip('/')}/api/v1{path}"

    def idea_url(self, idea_id) -> str:
        return self._api(f"/ideas/{idea_id}")

    def moderation_queue_url(self) -> str:
        return self._api("/moderation/queue")

    def confirmation_url(self, subscription: str, subscription_id: uuid.UUID) -> str:
        token = URLSafeTimedSerializer(self.secret, salt="confirm").dumps([subscription, str(subscription_id)])
        return self._api(f"/subscriptions/confirm?token={quote(token)}")

    def unsubscribe_url(self, mail_id: uuid.UUID) -> str:
        token = URLSafeSerializer(self.secret, salt="unsubscribe").dumps(str(mail_id))
        return self._api(f"/unsubscribe?token={quote(token)}")

    def read_confirmation(self, token: str, max_age: timedelta = CONFIRMATION_VALID_FOR) -> Confirmation:
        try:
            subscription, subscription_id = URLSafeTimedSerializer(self.secret, salt="confirm").loads(
                token, max_age=max_age.total_seconds()
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
