"""Hands mails to the SMTP server named by the configuration, telling lasting from passing failures."""
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

from nameko.extensions import DependencyProvider

SMTP_TIMEOUT_SECONDS = 15


class DeliveryFailure(Exception):
    """`summary` names the failure without personal data (servers quote the address in `detail`)."""

    def __init__(self, summary: str, detail: str):
        super().__init__(summary, detail)
        self.summary = summary
        self.detail = detail


class PermanentFailure(DeliveryFailure):
    """The server refused the mail for good (5xx): retrying cannot help."""


class TemporaryFailure(DeliveryFailure):
    """The server was unreachable or answered 4xx: worth another try later."""


def build_message(sender: str, recipient: str, subject: str, text: str, html: str, message_id: str,
                  unsubscribe_url: str) -> EmailMessage:
    """A multipart/alternative mail (plain text first, HTML preferred by clients that show it) with
    RFC 8058 one-click unsubscribe: mail clients POST `List-Unsubscribe=One-Click` to the URL."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


class Mailer(DependencyProvider):
    def setup(self):
        config = self.container.config
        self.host = config["SMTP_HOST"]
        self.port = int(config["SMTP_PORT"])
        self.sender = config["SMTP_FROM"]
        self.starttls = bool(config.get("SMTP_STARTTLS"))
        self.user = config.get("SMTP_USER") or None
        self.password = config.get("SMTP_PASSWORD") or None

    def get_dependency(self, worker_ctx):
        return self

    @contextmanager
    def session(self) -> Iterator["MailSession"]:
        """One SMTP connection for a batch of mails: opened for the first, ended after the last (a
        connection, TLS handshake and login per mail cost the notifications service more than
        rendering the mail, BENCHMARKS.md)."""
        session = MailSession(self)
        try:
            yield session
        finally:
            session.end()

    def send(self, message: EmailMessage) -> None:
        """Hand one `message` (see `build_message`, with this Mailer's `sender`) to the server."""
        with self.session() as session:
            session.send(message)

    def connect(self) -> smtplib.SMTP:
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS)
        except OSError as exc:
            raise TemporaryFailure(f"mail server unreachable: {type(exc).__name__}", str(exc)) from exc
        try:
            with _classified_failures():
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password)
        except DeliveryFailure:
            _close_quietly(smtp)
            raise
        return smtp


class MailSession:
    """Mails handed to the server one after another over one connection. After any failure the
    connection is ended, so that the next mail starts on a fresh one in a known state."""

    def __init__(self, mailer: Mailer):
        self.mailer = mailer
        self.smtp: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        if self.smtp is None:
            self.smtp = self.mailer.connect()
        try:
            with _classified_failures():
                self.smtp.send_message(message)
        except DeliveryFailure:
            self.end()
            raise

    def end(self) -> None:
        if self.smtp is not None:
            _close_quietly(self.smtp)
            self.smtp = None


@contextmanager
def _classified_failures() -> Iterator[None]:
    """smtplib's exceptions as a TemporaryFailure or a PermanentFailure."""
    try:
        yield
    except (smtplib.SMTPAuthenticationError, smtplib.SMTPSenderRefused, smtplib.SMTPNotSupportedError) as exc:
        # Our login, sender address or TLS set-up is wrong, not the mail: keep it for when the
        # operator has fixed the configuration.
        raise TemporaryFailure(f"mail server refused our configuration: {type(exc).__name__}", str(exc)) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        code = min(code for code, _ in exc.recipients.values())
        error = PermanentFailure if code >= 500 else TemporaryFailure
        raise error(f"recipient refused: SMTP {code}", str(exc)) from exc
    except smtplib.SMTPResponseException as exc:
        error = PermanentFailure if exc.smtp_code >= 500 else TemporaryFailure
        raise error(f"SMTP {exc.smtp_code}", str(exc)) from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise TemporaryFailure(f"mail server unreachable: {type(exc).__name__}", str(exc)) from exc


def _close_quietly(smtp: smtplib.SMTP) -> None:
    """Once the server accepted the mail, a failing QUIT must not turn it into a failed delivery."""
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()
