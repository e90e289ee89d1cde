"""Hands mails to the SMTP server named by the configuration, telling lasting from passing failures."""

import smtplib
from email.message import EmailMessage

from nameko.extensions import DependencyProvider

from services.notifications.settings import SmtpSettings

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


def build_message(
    sender: str, recipient: str, subject: str, text: str, html: str, message_id: str, unsubscribe_url: str
) -> EmailMessage:
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
        smtp = SmtpSettings.from_config(self.container.config)
        self.host, self.port, self.sender = smtp.host, smtp.port, smtp.sender
        self.starttls, self.user, self.password = smtp.starttls, smtp.user, smtp.password

    def get_dependency(self, worker_ctx):
        return self

    def send(self, message: EmailMessage) -> None:
        """Hand `message` (see `build_message`, with this Mailer's `sender`) to the server."""
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS)
        except OSError as exc:
            raise TemporaryFailure(f"mail server unreachable: {type(exc).__name__}", str(exc)) from exc
        try:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(message)
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
        finally:
            _close_quietly(smtp)


def _close_quietly(smtp: smtplib.SMTP) -> None:
    """Once the server accepted the mail, a failing QUIT must not turn it into a failed delivery."""
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()
