"""The staff session cookie: signed, time-limited, HttpOnly, SameSite=Strict, Secure on https; the CSRF check."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from itsdangerous import URLSafeTimedSerializer
from werkzeug.datastructures import MultiDict
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from services.web import session as sessions
from services.web.session import COOKIE_NAME, Session, SessionCookie, StaffUser, signed_in_session

SECRET = "a-test-secret-that-is-long-enough-0123456789"
USER = StaffUser(user_id="u-1", username="mona", display_name="Mona M.", role="moderator")


def request(cookie: str | None = None, site: str = "http://localhost/") -> Request:
    headers = {"Cookie": f"{COOKIE_NAME}={cookie}"} if cookie else {}
    return Request(EnvironBuilder("/verwaltung", base_url=site, headers=headers).get_environ())


def written(cookies: SessionCookie, session: Session, site: str = "http://localhost/") -> tuple[str, str]:
    """The Set-Cookie header and the cookie's value."""
    response = Response()
    cookies.write(request(site=site), response, session)
    header = response.headers["Set-Cookie"]
    return header, header.split(";")[0].split("=", 1)[1]


def test_a_written_session_reads_back_with_its_token_user_and_csrf_token():
    cookies = SessionCookie(SECRET, https_site=False)
    session = signed_in_session("aufb_token", USER)
    _, value = written(cookies, session)

    assert cookies.read(request(value)) == session
    assert cookies.read(request(value)).signed_in


def test_the_cookie_is_httponly_samesite_strict_time_limited_and_not_secure_over_plain_http():
    header, _ = written(SessionCookie(SECRET, https_site=False), Session())

    assert "HttpOnly" in header and "SameSite=Strict" in header and "Path=/" in header
    assert f"Max-Age={int(sessions.SESSION_LIFETIME.total_seconds())}" in header
    assert "Secure" not in header


@pytest.mark.parametrize(("https_site", "site"), [(True, "http://localhost/"), (False, "https://localhost/")])
def test_the_cookie_is_secure_when_the_site_or_the_request_is_https(https_site, site):
    header, _ = written(SessionCookie(SECRET, https_site=https_site), Session(), site=site)

    assert "Secure" in header


def test_a_cookie_signed_with_another_secret_or_altered_is_no_session():
    _, value = written(SessionCookie("another-secret-that-is-long-enough-987654", https_site=False), Session())
    cookies = SessionCookie(SECRET, https_site=False)
    _, genuine = written(cookies, signed_in_session("aufb_token", USER))

    assert cookies.read(request(value)) is None
    assert cookies.read(request(genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB"))) is None
    assert cookies.read(request("")) is None
    assert cookies.read(request()) is None


def test_a_signed_cookie_without_the_expected_fields_is_no_session():
    forged_shape = URLSafeTimedSerializer(SECRET, salt="aufbruch.web.staff-session").dumps({"role": "admin"})

    assert SessionCookie(SECRET, https_site=False).read(request(forged_shape)) is None


def test_a_session_ends_after_its_lifetime():
    cookies = SessionCookie(SECRET, https_site=False)
    _, value = written(cookies, signed_in_session("aufb_token", USER))
    later = time.time() + (sessions.SESSION_LIFETIME + timedelta(seconds=5)).total_seconds()

    assert cookies.read(request(value)) is not None
    with mock.patch("time.time", return_value=later):
        assert cookies.read(request(value)) is None


def test_clearing_expires_the_cookie():
    response = Response()
    SessionCookie(SECRET, https_site=False).clear(request(), response)

    header = response.headers["Set-Cookie"]
    assert header.startswith(f"{COOKIE_NAME}=;") and "Max-Age=0" in header


def test_signing_in_issues_a_new_csrf_token():
    anonymous = Session()

    assert signed_in_session("aufb_token", USER).csrf_token != anonymous.csrf_token
    assert not anonymous.signed_in


@pytest.mark.parametrize(
    ("form", "accepted"),
    [
        ({"csrf_token": "the-token"}, True),
        ({"csrf_token": "another"}, False),
        ({"csrf_token": ""}, False),
        ({}, False),
    ],
)
def test_a_form_is_accepted_only_with_the_sessions_csrf_token(form, accepted):
    assert Session(csrf_token="the-token").accepts(MultiDict(form)) is accepted
