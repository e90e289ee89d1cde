"""The staff pages' session: who signed in with which API token, kept in one cookie, and the CSRF
token every staff form carries.

The cookie holds the token itself (staff accounts have nothing else to sign in with and the web
service keeps no state), signed and time-stamped with itsdangerous under WEB_SESSION_SECRET, so it
cannot be forged or kept beyond SESSION_LIFETIME. It is HttpOnly (no script reads it), SameSite=Strict
(no other site's page sends it along) and Secure when the site is served over https. Every visitor of
a staff page gets a session, at first without a token, so that the sign-in form carries a CSRF token
too (no other site can sign a browser in under its own account); signing in issues a new one.

Signed is not encrypted: whoever holds the cookie holds the token, as whoever holds the token does.
Signing out clears the cookie in this browser; it does not revoke the token (an admin does that, and
then every page answers with the sign-in page, see staff/visit.py).
"""

import hmac
import secrets
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Request, Response

COOKIE_NAME = "aufbruch_staff"
COOKIE_PATH = "/"  # the German and the English staff pages share one session
SESSION_LIFETIME = timedelta(hours=8)  # a working day; then sign in again
CSRF_FIELD = "csrf_token"
_SALT = "aufbruch.web.staff-session"


@dataclass(frozen=True)
class StaffUser:
    """`GET /api/v1/me`: who a token belongs to."""

    user_id: str
    username: str
    display_name: str | None
    role: str

    @property
    def name(self) -> str:
        return self.display_name or self.username


@dataclass(frozen=True)
class Session:
    csrf_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    api_token: str | None = None
    user: StaffUser | None = None

    @property
    def signed_in(self) -> bool:
        return self.api_token is not None and self.user is not None

    def accepts(self, form) -> bool:
        """A form posted from one of our pages: it carries this session's CSRF token."""
        sent = form.get(CSRF_FIELD, "")
        return isinstance(sent, str) and hmac.compare_digest(sent.encode(), self.csrf_token.encode())


def signed_in_session(api_token: str, user: StaffUser) -> Session:
    """A new session (and CSRF token) for a token `GET /me` accepted."""
    return Session(api_token=api_token, user=user)


class SessionCookie:
    """Reads and writes the session cookie. `https_site`: PUBLIC_WEB_URL is https, so the cookie is
    Secure even where TLS ends at a proxy in front of the web service."""

    def __init__(self, secret: str, https_site: bool):
        self.serializer = URLSafeTimedSerializer(secret, salt=_SALT)
        self.https_site = https_site

    def read(self, request: Request) -> Session | None:
        """The request's session; None without a cookie, or with a forged, damaged or expired one."""
        value = request.cookies.get(COOKIE_NAME)
        if not value:
            return None
        try:
            data = self.serializer.loads(value, max_age=int(SESSION_LIFETIME.total_seconds()))
            user = StaffUser(**data["user"]) if data.get("user") else None
            return Session(csrf_token=data["csrf_token"], api_token=data.get("api_token"), user=user)
        except (BadSignature, KeyError, TypeError, ValueError):
            return None

    def write(self, request: Request, response: Response, session: Session) -> None:
        value = self.serializer.dumps(
            {
                "csrf_token": session.csrf_token,
                "api_token": session.api_token,
                "user": asdict(session.user) if session.user else None,
            }
        )
        response.set_cookie(
            COOKIE_NAME,
            value,
            max_age=int(SESSION_LIFETIME.total_seconds()),
            path=COOKIE_PATH,
            secure=self.secure(request),
            httponly=True,
            samesite="Strict",
        )

    def clear(self, request: Request, response: Response) -> None:
        response.delete_cookie(
            COOKIE_NAME, path=COOKIE_PATH, secure=self.secure(request), httponly=True, samesite="Strict"
        )

    def secure(self, request: Request) -> bool:
        return self.https_site or request.is_secure
