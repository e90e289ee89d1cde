"""The notifications service: mails about ideas in the recipient's language, exactly once per event
and recipient, only with consent (double opt-in for followers and digests), always with a working
unsubscribe link; batched alerts for moderators; erasure of a person's address.

Event handlers only record the mails that are owed (handlers/); timers deliver them and assemble
the batched ones, so a slow or absent mail server never holds up the event queues. Addresses never
travel in events: the submitter's comes from the ideas service by RPC when a mail is owed.
"""

from nameko.rpc import RpcProxy, rpc
from nameko.timer import timer

from aufbruch.contracts.events import Event, parse_event
from aufbruch.db import Database
from aufbruch.entrypoints import Pingable, PublishesEvents
from aufbruch.messaging import on_event
from aufbruch.priority import BackgroundWork
from aufbruch.settings import Settings
from aufbruch.unit_of_work import UnitOfWork
from services.notifications import repository
from services.notifications.handlers import batches, idea_events, sending, subscriptions, unsubscribing
from services.notifications.mailer import Mailer
from services.notifications.settings import NotificationSettings

DELIVERY_INTERVAL_SECONDS = 0.2
BATCH_INTERVAL_SECONDS = 1  # how often moderator alerts and digests are looked at (their own intervals apply)


class NotificationsService(Pingable, PublishesEvents):
    name = "notifications"
    priority = BackgroundWork()  # its work waits in durable queues while ideas are taken in

    db = Database(repository.SCHEMA, repository.MIGRATIONS)
    ideas = RpcProxy("ideas")
    mailer = Mailer()
    settings = Settings(NotificationSettings.from_config)

    @property
    def uow(self) -> repository.Work:
        return UnitOfWork(self.db, repository.Repository)

    def _contact(self, event: Event):
        return self.ideas.get_contact(str(event.data["idea_id"]))  # asked before any transaction: no lock held

    @on_event("idea.submitted")
    def on_idea_submitted(self, body: dict):
        event = parse_event(body)
        idea_events.idea_submitted(self.uow, self.settings, event, self._contact(event))

    @on_event("idea.published")
    def on_idea_published(self, body: dict):
        event = parse_event(body)
        idea_events.idea_published(self.uow, self.settings, event, self._contact(event))

    @on_event("idea.rejected")
    def on_idea_rejected(self, body: dict):
        event = parse_event(body)
        idea_events.idea_rejected(self.uow, self.settings, event, self._contact(event))

    @on_event("idea.hidden")
    def on_idea_hidden(self, body: dict):
        event = parse_event(body)
        idea_events.idea_hidden(self.uow, self.settings, event, self._contact(event))

    @on_event("idea.unhidden")
    def on_idea_unhidden(self, body: dict):
        idea_events.idea_unhidden(self.uow, self.settings, parse_event(body))

    @on_event("idea.status_changed")
    def on_idea_status_changed(self, body: dict):
        event = parse_event(body)
        idea_events.idea_status_changed(self.uow, self.settings, event, self._contact(event))

    @on_event("moderation.review_requested")
    def on_review_requested(self, body: dict):
        batches.review_requested(self.uow, parse_event(body))

    @on_event("moderation.decided")
    def on_moderation_decided(self, body: dict):
        batches.moderation_decided(self.uow, parse_event(body))

    @rpc
    def follow(self, idea_id: str, payload, accepted_locale: str | None = None) -> dict:
        """POST /api/v1/ideas/{id}/followers: NotFound for an unknown idea, Conflict for one that
        cannot be followed, InvalidInput naming a bad field."""
        subscriptions.follow(self.uow, self.settings, self.ideas.get_public, idea_id, payload, accepted_locale)
        return {"status": "confirmation_sent"}

    @rpc
    def send_support_confirmation(
        self, address: str, idea_title: str, confirm_url: str, withdraw_url: str, locale: str = "de"
    ) -> None:
        """Participation's support confirmation mail; the address comes by RPC, never in an event."""
        subscriptions.confirm_support(self.uow, self.settings, address, idea_title, confirm_url, withdraw_url, locale)

    @rpc
    def subscribe_digest(self, payload, accepted_locale: str | None = None) -> dict:
        subscriptions.subscribe_digest(self.uow, self.settings, payload, accepted_locale)
        return {"status": "confirmation_sent"}

    @rpc
    def confirm(self, token: str) -> dict:
        return subscriptions.confirm(self.uow, self.settings, token)

    @rpc
    def unsubscribe_scope(self, token: str) -> str | None:
        return unsubscribing.unsubscribe_scope(self.uow, self.settings, token)

    @rpc
    def unsubscribe(self, token: str, erase: bool = False) -> dict:
        """One-click unsubscribe (RFC 8058) or the unsubscribe page; `erase` also erases the address.
        {"scope": what ended (see unsubscribing.unsubscribe_scope), "erased"}; InvalidInput for a bad link."""
        ended = unsubscribing.unsubscribe(self.uow, self.settings, token)
        if ended is None:  # done before: the address is erased already
            return {"scope": None, "erased": False}
        if erase:
            self._erase(ended["recipient"], "person")
        return {"scope": ended["scope"], "erased": erase}

    @rpc
    def erase_person(self, payload) -> dict:
        """Admin: erase an address ({"email"}) from ideas and notifications."""
        return self._erase(unsubscribing.erasure_address(payload), "admin")

    def _erase(self, email: str, requested_by: str) -> dict:
        contacts = self.ideas.erase_contacts(email)  # first: if ideas fails, nothing here is lost yet
        return unsubscribing.erase(self.uow, email, contacts, requested_by)

    @timer(interval=DELIVERY_INTERVAL_SECONDS)
    def deliver_due_mails(self):
        sending.deliver_due(self.uow, self.settings, self.mailer)

    @timer(interval=BATCH_INTERVAL_SECONDS)
    def assemble_batches(self):
        batches.alert_moderators(self.uow, self.settings)
        batches.send_digests(self.uow, self.settings)
