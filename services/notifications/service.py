"""The notifications service: mails about ideas in the recipient's language, exactly once per event
and recipient, only with consent (double opt-in for followers and digests), always with a working
unsubscribe link; batched alerts for moderators; erasure of a person's address.

Event handlers only record the mails that are owed (handlers.py); timers deliver them and assemble
the batched ones, so a slow or absent mail server never holds up the event queues. Addresses never
travel in events: the submitter's comes from the ideas service by RPC when a mail is owed.
"""

from pathlib import Path

from nameko.dependency_providers import Config
from nameko.extensions import DependencyProvider
from nameko.rpc import RpcProxy, rpc
from nameko.timer import timer

from aufbruch.contracts.events import parse_event
from aufbruch.db import Database
from aufbruch.entrypoints import Pingable, PublishesEvents
from aufbruch.messaging import on_event
from aufbruch.priority import BackgroundWork
from services.notifications import handlers
from services.notifications.mailer import Mailer

DELIVERY_INTERVAL_SECONDS = 0.2
BATCH_INTERVAL_SECONDS = 1  # how often moderator alerts and digests are looked at (their own intervals apply)


class NotificationSettings(DependencyProvider):
    """handlers.Settings, read once from the configuration."""

    def setup(self):
        self.settings = handlers.Settings.from_config(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.settings


class NotificationsService(Pingable, PublishesEvents):
    name = "notifications"
    priority = BackgroundWork()  # its work waits in durable queues while ideas are taken in
    config = Config()

    db = Database("notifications", Path(__file__).parent / "migrations")
    ideas = RpcProxy("ideas")
    mailer = Mailer()
    settings = NotificationSettings()

    def _contact(self, event):
        return self.ideas.get_contact(str(event.data["idea_id"]))  # asked before any transaction: no lock held

    @on_event("idea.submitted")
    def on_idea_submitted(self, body: dict):
        event = parse_event(body)
        handlers.idea_submitted(self.db, self.settings, event, self._contact(event))

    @on_event("idea.published")
    def on_idea_published(self, body: dict):
        event = parse_event(body)
        handlers.idea_published(self.db, self.settings, event, self._contact(event))

    @on_event("idea.rejected")
    def on_idea_rejected(self, body: dict):
        event = parse_event(body)
        handlers.idea_rejected(self.db, self.settings, event, self._contact(event))

    @on_event("idea.hidden")
    def on_idea_hidden(self, body: dict):
        event = parse_event(body)
        handlers.idea_hidden(self.db, self.settings, event, self._contact(event))

    @on_event("idea.unhidden")
    def on_idea_unhidden(self, body: dict):
        handlers.idea_unhidden(self.db, self.settings, parse_event(body))

    @on_event("idea.status_changed")
    def on_idea_status_changed(self, body: dict):
        event = parse_event(body)
        handlers.idea_status_changed(self.db, self.settings, event, self._contact(event))

    @on_event("moderation.review_requested")
    def on_review_requested(self, body: dict):
        handlers.review_requested(self.db, parse_event(body))

    @on_event("moderation.decided")
    def on_moderation_decided(self, body: dict):
        handlers.moderation_decided(self.db, parse_event(body))

    @rpc
    def follow(self, idea_id: str, payload, accepted_locale: str | None = None) -> dict:
        """POST /api/v1/ideas/{id}/followers: NotFound for an unknown idea, Conflict for one that
        cannot be followed, InvalidInput naming a bad field."""
        handlers.follow(self.db, self.settings, self.ideas.get_public, idea_id, payload, accepted_locale)
        return {"status": "confirmation_sent"}

    @rpc
    def send_support_confirmation(
        self, address: str, idea_title: str, confirm_url: str, withdraw_url: str, locale: str = "de"
    ) -> None:
        """Participation's support confirmation mail; the address comes by RPC, never in an event."""
        handlers.confirm_support(self.db, self.settings, address, idea_title, confirm_url, withdraw_url, locale)

    @rpc
    def subscribe_digest(self, payload, accepted_locale: str | None = None) -> dict:
        handlers.subscribe_digest(self.db, self.settings, payload, accepted_locale)
        return {"status": "confirmation_sent"}

    @rpc
    def confirm(self, token: str) -> dict:
        return handlers.confirm(self.db, self.settings, token)

    @rpc
    def unsubscribe_scope(self, token: str) -> str | None:
        return handlers.unsubscribe_scope(self.db, self.settings, token)

    @rpc
    def unsubscribe(self, token: str, erase: bool = False) -> dict:
        """One-click unsubscribe (RFC 8058) or the unsubscribe page; `erase` also erases the address.
        {"scope": what ended (see handlers.unsubscribe_scope), "erased"}; InvalidInput for a bad link."""
        ended = handlers.unsubscribe(self.db, self.settings, token)
        if ended is None:  # done before: the address is erased already
            return {"scope": None, "erased": False}
        if erase:
            self._erase(ended["recipient"], "person")
        return {"scope": ended["scope"], "erased": erase}

    @rpc
    def erase_person(self, payload) -> dict:
        """Admin: erase an address ({"email"}) from ideas and notifications."""
        return self._erase(handlers.erasure_address(payload), "admin")

    def _erase(self, email: str, requested_by: str) -> dict:
        contacts = self.ideas.erase_contacts(email)  # first: if ideas fails, nothing here is lost yet
        return handlers.erase(self.db, email, contacts, requested_by)

    @timer(interval=DELIVERY_INTERVAL_SECONDS)
    def deliver_due_mails(self):
        handlers.deliver_due(self.db, self.settings, self.mailer)

    @timer(interval=BATCH_INTERVAL_SECONDS)
    def assemble_batches(self):
        handlers.alert_moderators(self.db, self.settings)
        handlers.send_digests(self.db, self.settings)
