"""Unit tests of the Mailer: what it hands to SMTP, and how it tells lasting from passing failures.

smtplib.SMTP is replaced by a fake that records what it is asked and fails as told.
"""

import smtplib
import types

import pytest

from services.notifications import mailer as mailer_module
from services.notifications.mailer import (
    SMTP_TIMEOUT_SECONDS,
    DeliveryFailure,
    Mailer,
    PermanentFailure,
    TemporaryFailure,
    build_message,
)

RECIPIENT = "erika.muster@example.org"
CONFIG = {
    "SMTP_HOST": "mail.example.org",
    "SMTP_PORT": "2525",
    "SMTP_FROM": "Aufbruch <no-reply@example.org>",
    "SMTP_STARTTLS": False,
    "SMTP_USER": "",
    "SMTP_PASSWORD": "",
}


class FakeSMTP:
    """Stands in for smtplib.SMTP; class attributes say how the next session goes."""

    connect_error = None
    starttls_error = None
    login_error = None
    send_error = None
    quit_code = 221
    sessions = []

    def __init__(self, host, port, timeout=None):
        self.host, self.port, self.timeout = host, port, timeout
        self.calls = []
        self.sent = []
        type(self).sessions.append(self)
        if self.connect_error:
            raise self.connect_error

    def quit(self):
        # Like smtplib: QUIT must be answered with 221.
        self.calls.append("quit")
        if self.quit_code != 221:
            raise smtplib.SMTPResponseException(self.quit_code, b"closing")

    def close(self):
        self.calls.append("close")

    def starttls(self):
        self.calls.append("starttls")
        if self.starttls_error:
            raise self.starttls_error

    def login(self, user, password):
        self.calls.append(("login", user, password))
        if self.login_error:
            raise self.login_error

    def send_message(self, message):
        self.calls.append("send_message")
        if self.send_error:
            raise self.send_error
        self.sent.append(message)


@pytest.fixture
def smtp(monkeypatch):
    fake = type("FakeSMTPForTest", (FakeSMTP,), {"sessions": []})
    monkeypatch.setattr(mailer_module.smtplib, "SMTP", fake)
    return fake


def make_mailer(**config) -> Mailer:
    mailer = Mailer()
    mailer.container = types.SimpleNamespace(config=CONFIG | config)
    mailer.setup()
    return mailer


UNSUBSCRIBE_URL = "https://aufbruch.example/api/v1/unsubscribe?token=abc.def"


def message():
    return build_message(
        CONFIG["SMTP_FROM"],
        RECIPIENT,
        "Ihre Idee ist eingegangen: Bänke",
        "Guten Tag,\n\nDanke.",
        "<p>Guten Tag,</p><p>Danke.</p>",
        "<42@aufbruch>",
        UNSUBSCRIBE_URL,
    )


def send(mailer: Mailer | None = None) -> None:
    (mailer or make_mailer()).send(message())


def failure_of(smtp, mailer: Mailer | None = None, **errors) -> DeliveryFailure:
    for name, error in errors.items():
        setattr(smtp, name, error)
    with pytest.raises(DeliveryFailure) as info:
        send(mailer)
    return info.value


# --- setup and a successful send ---------------------------------------------------------------


def test_setup_reads_the_configuration():
    mailer = make_mailer(SMTP_STARTTLS=True, SMTP_USER="aufbruch", SMTP_PASSWORD="secret")
    assert (mailer.host, mailer.port, mailer.sender) == ("mail.example.org", 2525, CONFIG["SMTP_FROM"])
    assert mailer.starttls is True
    assert (mailer.user, mailer.password) == ("aufbruch", "secret")


def test_setup_treats_empty_credentials_as_none():
    mailer = make_mailer()
    assert mailer.user is None and mailer.password is None
    assert mailer.starttls is False


def test_send_hands_a_complete_message_to_the_configured_server(smtp):
    send()
    [session] = smtp.sessions
    assert (session.host, session.port, session.timeout) == ("mail.example.org", 2525, SMTP_TIMEOUT_SECONDS)
    assert session.calls == ["send_message", "quit"]
    [sent] = session.sent
    assert sent["From"] == CONFIG["SMTP_FROM"]
    assert sent["To"] == RECIPIENT
    assert sent["Subject"] == "Ihre Idee ist eingegangen: Bänke"
    assert sent["Message-ID"] == "<42@aufbruch>"


def test_a_message_is_plain_text_and_html_alternatives_with_one_click_unsubscribe():
    built = message()
    assert built.get_content_type() == "multipart/alternative"
    assert built.get_body(("plain",)).get_content() == "Guten Tag,\n\nDanke.\n"
    assert built.get_body(("html",)).get_content() == "<p>Guten Tag,</p><p>Danke.</p>\n"
    assert built["List-Unsubscribe"] == f"<{UNSUBSCRIBE_URL}>"
    assert built["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_send_uses_starttls_and_login_when_configured(smtp):
    send(make_mailer(SMTP_STARTTLS=True, SMTP_USER="aufbruch", SMTP_PASSWORD="secret"))
    assert smtp.sessions[0].calls == ["starttls", ("login", "aufbruch", "secret"), "send_message", "quit"]


def test_send_does_not_log_in_without_a_user(smtp):
    send(make_mailer(SMTP_PASSWORD="secret"))
    assert not any(isinstance(call, tuple) and call[0] == "login" for call in smtp.sessions[0].calls)


# --- classification ----------------------------------------------------------------------------


@pytest.mark.parametrize("code", [550, 552, 553, 554])
def test_5xx_answer_is_a_permanent_failure(smtp, code):
    failure = failure_of(smtp, send_error=smtplib.SMTPDataError(code, b"rejected"))
    assert isinstance(failure, PermanentFailure)
    assert failure.summary == f"SMTP {code}"


@pytest.mark.parametrize("code", [421, 450, 451, 452])
def test_4xx_answer_is_a_temporary_failure(smtp, code):
    failure = failure_of(smtp, send_error=smtplib.SMTPDataError(code, b"try again later"))
    assert isinstance(failure, TemporaryFailure)
    assert failure.summary == f"SMTP {code}"


def test_sender_refused_is_our_configuration_so_the_mail_waits(smtp):
    error = smtplib.SMTPSenderRefused(550, b"sender not allowed", "no-reply@example.org")
    assert isinstance(failure_of(smtp, send_error=error), TemporaryFailure)


def test_greeting_with_4xx_is_temporary(smtp):
    error = smtplib.SMTPConnectError(421, b"too many connections")
    assert isinstance(failure_of(smtp, connect_error=error), TemporaryFailure)


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError("timed out"),
        OSError(101, "Network is unreachable"),
    ],
)
def test_unreachable_server_is_a_temporary_failure(smtp, error):
    failure = failure_of(smtp, connect_error=error)
    assert isinstance(failure, TemporaryFailure)
    assert failure.summary == f"mail server unreachable: {type(error).__name__}"


def test_server_disconnecting_midway_is_a_temporary_failure(smtp):
    failure = failure_of(smtp, send_error=smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
    assert isinstance(failure, TemporaryFailure)
    assert failure.summary == "mail server unreachable: SMTPServerDisconnected"


def test_starttls_failure_is_temporary(smtp):
    failure = failure_of(
        smtp, make_mailer(SMTP_STARTTLS=True), starttls_error=smtplib.SMTPNotSupportedError("STARTTLS not supported")
    )
    assert isinstance(failure, TemporaryFailure)
    assert smtp.sessions[0].calls == ["starttls", "quit"]


def test_recipient_refused_with_550_is_permanent(smtp):
    error = smtplib.SMTPRecipientsRefused({RECIPIENT: (550, f"5.1.1 <{RECIPIENT}>: user unknown".encode())})
    failure = failure_of(smtp, send_error=error)
    assert isinstance(failure, PermanentFailure)
    assert failure.summary == "recipient refused: SMTP 550"


def test_recipient_refused_with_4xx_is_temporary(smtp):
    error = smtplib.SMTPRecipientsRefused({RECIPIENT: (450, f"4.2.0 <{RECIPIENT}>: greylisted".encode())})
    failure = failure_of(smtp, send_error=error)
    assert isinstance(failure, TemporaryFailure)
    assert failure.summary == "recipient refused: SMTP 450"


def test_failure_keeps_the_smtp_exception_as_its_cause(smtp):
    error = smtplib.SMTPDataError(554, b"rejected")
    assert failure_of(smtp, send_error=error).__cause__ is error


# --- no personal data in the summary -----------------------------------------------------------

QUOTING_FAILURES = {
    "recipient_refused_550": dict(
        send_error=smtplib.SMTPRecipientsRefused(
            {RECIPIENT: (550, f"5.1.1 <{RECIPIENT}>: Recipient address rejected".encode())}
        )
    ),
    "recipient_refused_450": dict(
        send_error=smtplib.SMTPRecipientsRefused({RECIPIENT: (450, f"4.7.1 <{RECIPIENT}>: greylisted".encode())})
    ),
    "data_554": dict(send_error=smtplib.SMTPDataError(554, f"message to {RECIPIENT} rejected".encode())),
    "data_451": dict(send_error=smtplib.SMTPDataError(451, f"mailbox {RECIPIENT} busy".encode())),
    "disconnected": dict(send_error=smtplib.SMTPServerDisconnected(f"lost connection sending to {RECIPIENT}")),
    "refused": dict(connect_error=ConnectionRefusedError(111, f"refused for {RECIPIENT}")),
}


@pytest.mark.parametrize("errors", QUOTING_FAILURES.values(), ids=QUOTING_FAILURES.keys())
def test_summary_never_contains_the_recipient_address_while_detail_may(smtp, errors):
    failure = failure_of(smtp, **errors)
    assert RECIPIENT not in failure.summary
    assert "erika" not in failure.summary.lower()
    assert RECIPIENT in failure.detail  # the detail keeps what the server said, for the operator


def test_mail_accepted_by_the_server_is_not_reported_failed_when_quit_fails(smtp):
    smtp.quit_code = 421
    send()
    assert len(smtp.sessions[0].sent) == 1


def test_refused_login_is_temporary_so_mails_wait_for_fixed_credentials(smtp):
    smtp.login_error = smtplib.SMTPAuthenticationError(535, b"5.7.8 authentication failed")
    with pytest.raises(TemporaryFailure):
        send(make_mailer(SMTP_USER="aufbruch", SMTP_PASSWORD="wrong"))
