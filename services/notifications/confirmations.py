"""Confirmation mails for citizens' supports, mixed into NotificationsService.

Participation hands over the address by RPC (it must never travel in an event), with the links to
confirm and to withdraw the support. The mail waits in `confirmation_mails` for a timer like the
other mails; once it is handed to the mail server, or given up, the row and its address are gone.
German only for now (`locale` is accepted for when the mails speak more languages).
"""
import logging

from nameko.rpc import rpc
from nameko.timer import timer

from services.notifications import delivery, repository
from services.notifications.mailer import PermanentFailure, TemporaryFailure
from services.notifications.mails import Mail

log = logging.getLogger(__name__)
DELIVERY_INTERVAL_SECONDS = 0.2
DELIVERY_BATCH_SIZE = 20


def support_confirmation(idea_title: str, confirm_url: str, withdraw_url: str) -> Mail:
    return Mail(
        subject=f"Bitte bestätigen Sie Ihre Unterstützung: {idea_title}",
        body=(f"Guten Tag,\n\nSie möchten die Idee „{idea_title}“ unterstützen. Bitte bestätigen Sie das "
              f"mit diesem Link:\n{confirm_url}\n\nErst dann zählt Ihre Unterstützung. "
              "Wenn Sie das nicht waren, ignorieren Sie diese Mail einfach.\n\n"
              f"Ihre Unterstützung zurückziehen können Sie jederzeit hier:\n{withdraw_url}\n\n"
              "Wir speichern Ihre E-Mail-Adresse nicht; öffentlich ist nur die Zahl der Unterstützungen."
              "\n\nMit freundlichen Grüßen\nIhr Team von Aufbruch – Digitaler Aufbruch Gütersloh\n"),
    )


class SupportConfirmations:
    """Needs the service's `db` and `mailer`."""

    @rpc
    def send_support_confirmation(self, address: str, idea_title: str, confirm_url: str, withdraw_url: str,
                                  locale: str = "de") -> None:
        with self.db.transaction() as conn:
            repository.add_confirmation_mail(conn, address, support_confirmation(idea_title, confirm_url,
                                                                                 withdraw_url))

    @timer(interval=DELIVERY_INTERVAL_SECONDS)
    def deliver_confirmation_mails(self):
        with self.db.transaction() as conn:
            for mail in repository.claim_due_confirmation_mails(conn, DELIVERY_BATCH_SIZE):
                self._deliver_confirmation(conn, mail)

    def _deliver_confirmation(self, conn, mail: dict) -> None:
        try:
            self.mailer.send(mail["recipient"], mail["subject"], mail["body"], message_id=f"<{mail['id']}@aufbruch>")
        except TemporaryFailure as exc:
            attempts = mail["attempts"] + 1
            if not delivery.gives_up(attempts):
                repository.postpone_confirmation_mail(conn, mail["id"], delivery.retry_delay(attempts), exc.detail)
                return
            log.warning("confirmation mail %s given up: %s", mail["id"], exc.summary)
        except PermanentFailure as exc:
            log.warning("confirmation mail %s refused: %s", mail["id"], exc.summary)
        repository.forget_confirmation_mail(conn, mail["id"])
