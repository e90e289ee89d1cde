"""The webhooks service: delivers every public event to the HTTPS endpoints admins registered for
it, for city systems that cannot speak AMQP.

Event handlers only record the deliveries that are owed (idempotently: the inbox, and one delivery
per subscription and event); a timer sends them (sender.py), each on its own, signed, retried with
growing delays, and a subscription that fails WEBHOOK_DISABLE_AFTER_FAILURES times in a row is
disabled. The gateway serves the admin API (/api/v1/webhooks) from the RPC methods.

It subscribes to every type in the event catalog, one handler method each (Nameko needs one method
per entrypoint); tests/unit/webhooks checks that none is missing.
"""

from __future__ import annotations  # the RPC method `list` shadows the builtin in the class body

from nameko.dependency_providers import Config
from nameko.rpc import rpc
from nameko.timer import timer

from aufbruch.contracts.errors import Unavailable
from aufbruch.db import Database
from aufbruch.entrypoints import Pingable
from aufbruch.messaging import on_events
from aufbruch.priority import BackgroundWork
from services.webhooks import handlers, repository
from services.webhooks.sender import Dispatcher, truthy

DISPATCH_INTERVAL_SECONDS = 0.2


class WebhooksService(Pingable):
    name = "webhooks"
    priority = BackgroundWork()  # its work waits in durable queues while ideas are taken in
    config = Config()

    db = Database(repository.SCHEMA, repository.MIGRATIONS)
    dispatcher = Dispatcher()

    # --- RPC for the gateway ----------------------------------------------------------------------

    @rpc
    def register(self, url, event_types) -> dict:
        return handlers.register(self.db, url, event_types, truthy(self.config.get("WEBHOOKS_ALLOW_HTTP")))

    @rpc
    def list(self) -> list[dict]:
        return handlers.list_webhooks(self.db)

    @rpc
    def get(self, subscription_id) -> dict:
        return handlers.get(self.db, subscription_id)

    @rpc
    def delete(self, subscription_id) -> None:
        handlers.delete(self.db, subscription_id)

    @rpc
    def deliveries(self, subscription_id, page=1) -> dict:
        return handlers.deliveries(self.db, subscription_id, page)

    # --- delivery ---------------------------------------------------------------------------------

    @timer(interval=DISPATCH_INTERVAL_SECONDS)
    def dispatch_due_deliveries(self):
        try:
            self.dispatcher.dispatch(self.db)
        except Unavailable:
            pass  # the database is away: the next tick tries again

    # --- one handler per public event type --------------------------------------------------------

    def _owe(self, bodies: list[dict]) -> int:
        return handlers.owe_deliveries(self.db, bodies)

    @on_events("idea.submitted")
    def on_idea_submitted(self, bodies: list[dict]) -> int:
        return self._owe(bodies)

    @on_events("idea.published")
    def on_idea_published(self, bodies: list[dict]) -> int:
        return self._owe(bodies)

    @on_events("idea.rejected")
    def on_idea_rejected(self, bodies: list[dict]) -> int:
        return self._owe(bodies)

    @on_events("idea.status_changed")
    def on_idea_status_changed(self, bodies: list[dict]) -> int:
        return self._owe(bodies)

    @on_events("moderation.decided")
    def on_moderation_decided(self, bodies: list[dict]) -> int:
        return self._owe(bodies)

    @on_events("moderation.review_requested")
    def on_moderation_review_requested(self, bodies: list[dict]) -> int:
        return self._owe(bodies)

    @on_events("idea.hidden")
    def on_idea_hidden(self, bodies: list[dict]) -> int:
        return self._owe(bodies)

    @on_events("idea.unhidden")
    def on_idea_unhidden(self, bodies: list[dict]) -> int:
        return self._owe(bodies)

    @on_events("idea.flagged")
    def on_idea_flagged(self, bodies: list[dict]) -> int:
        return self._owe(bodies)

    @on_events("notification.sent")
    def on_notification_sent(self, bodies: list[dict]) -> int:
        return self._owe(bodies)

    @on_events("notification.failed")
    def on_notification_failed(self, bodies: list[dict]) -> int:
        return self._owe(bodies)

    @on_events("idea.supported")
    def on_idea_supported(self, bodies: list[dict]) -> int:
        return self._owe(bodies)

    @on_events("idea.support_withdrawn")
    def on_idea_support_withdrawn(self, bodies: list[dict]) -> int:
        return self._owe(bodies)

    @on_events("comment.submitted")
    def on_comment_submitted(self, bodies: list[dict]) -> int:
        return self._owe(bodies)

    @on_events("comment.moderated")
    def on_comment_moderated(self, bodies: list[dict]) -> int:
        return self._owe(bodies)

    @on_events("comment.posted")
    def on_comment_posted(self, bodies: list[dict]) -> int:
        return self._owe(bodies)

    @on_events("comment.hidden")
    def on_comment_hidden(self, bodies: list[dict]) -> int:
        return self._owe(bodies)

    @on_events("comment.unhidden")
    def on_comment_unhidden(self, bodies: list[dict]) -> int:
        return self._owe(bodies)

    @on_events("person.erased")
    def on_person_erased(self, bodies: list[dict]) -> int:
        return self._owe(bodies)
