"""The notifications service: mails submitters about their idea, exactly once per event.

Event handlers only record the mail that is owed (idempotently, keyed by idea and kind); a timer
delivers owed mails, so a slow or absent mail server never holds up the event queues.
"""
from datetime import datetime, timezone
from pathlib import Path

from nameko.dependency_providers import Config
from nameko.rpc import RpcProxy
from nameko.timer import timer

from aufbruch import inbox, outbox
from aufbruch.contracts.events import Event, parse_event
from aufbruch.db import Database
from aufbruch.entrypoints import Pingable, PublishesEvents
from aufbruch.messaging import on_event
from services.notifications import delivery, mails, repository
from services.notifications.confirmations import SupportConfirmations
from services.notifications.mailer import Mailer, PermanentFailure, TemporaryFailure

DELIVERY_INTERVAL_SECONDS = 0.2
DELIVERY_BATCH_SIZE = 20


class NotificationsService(Pingable, PublishesEvents, SupportConfirmations):
    name = "notifications"
    config = Config()

    db = Database("notifications", Path(__file__).parent / "migrations")
    ideas = RpcProxy("ideas")
    mailer = Mailer()

    def _idea_url(self, idea_id) -> str:
        return f"{self.config['PUBLIC_BASE_URL'].rstrip('/')}/api/v1/ideas/{idea_id}"

    def _owe_mail(self, event: Event, kind: str, compose) -> None:
        idea_id = event.data["idea_id"]
        contact = self.ideas.get_contact(str(idea_id))  # asked before the transaction: no lock held on RPC
        with self.db.transaction() as conn:
            if not inbox.first_delivery(conn, event) or contact is None:
                return
            mail = compose(title=contact["title"], name=contact["name"])
            repository.add_mail(conn, idea_id, kind, contact["email"], mail)

    @on_event("idea.submitted")
    def on_idea_submitted(self, body: dict):
        event = parse_event(body)
        url = self._idea_url(event.data["idea_id"])
        self._owe_mail(event, "receipt", lambda title, name: mails.receipt(title, name, url))

    @on_event("idea.published")
    def on_idea_published(self, body: dict):
        event = parse_event(body)
        url = self._idea_url(event.data["idea_id"])
        self._owe_mail(event, "published", lambda title, name: mails.published(title, name, url))

    @on_event("idea.rejected")
    def on_idea_rejected(self, body: dict):
        event = parse_event(body)
        reasons = event.data["reasons"]
        self._owe_mail(event, "rejected", lambda title, name: mails.rejected(title, name, reasons))

    @timer(interval=DELIVERY_INTERVAL_SECONDS)
    def deliver_due_mails(self):
        with self.db.transaction() as conn:
            for mail in repository.claim_due(conn, DELIVERY_BATCH_SIZE):
                self._deliver(conn, mail)

    def _deliver(self, conn, mail: dict) -> None:
        now = datetime.now(timezone.utc)
        event = {"notification_id": mail["id"], "idea_id": mail["idea_id"], "kind": mail["kind"]}
        try:
            self.mailer.send(mail["recipient"], mail["subject"], mail["body"],
                             message_id=f"<{mail['id']}@aufbruch>")
        except TemporaryFailure as exc:
            attempts = mail["attempts"] + 1
            if not delivery.gives_up(attempts):
                repository.postpone(conn, mail["id"], delivery.retry_delay(attempts), exc.detail)
                return
            failure = exc
        except PermanentFailure as exc:
            failure = exc
        else:
            repository.mark_sent(conn, mail["id"])
            outbox.add_event(conn, "notification.sent", event | {"sent_at": now})
            return
        repository.mark_failed(conn, mail["id"], failure.detail)
        outbox.add_event(conn, "notification.failed", event | {"failed_at": now, "error": failure.summary})
