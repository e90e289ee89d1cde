"""The webhooks service: delivers every public event to the HTTPS endpoints admins registered for
it, for city systems that cannot speak AMQP.

Event handlers only record the deliveries that are owed (idempotently: the inbox, and one delivery
per subscription and event); a timer sends them (dispatcher.py), each on its own, signed, retried with
growing delays, and a subscription that fails WEBHOOK_DISABLE_AFTER_FAILURES times in a row is
disabled. The gateway serves the admin API (/api/v1/webhooks) from the RPC methods.

It subscribes to every type in the event catalog, one handler method each (Nameko needs one method
per entrypoint); tests/unit/webhooks checks that none is missing. Each batch is parsed here, at the
edge; the handlers take the parsed events with the bodies they came in.
"""

from nameko.rpc import rpc
from nameko.timer import timer

from aufbruch.contracts.errors import Unavailable
from aufbruch.contracts.events import parse_events
from aufbruch.db import Database
from aufbruch.entrypoints import Pingable
from aufbruch.messaging import on_events
from aufbruch.priority import BackgroundWork
from aufbruch.settings import Settings
from aufbruch.unit_of_work import UnitOfWork
from services.webhooks import handlers, repository
from services.webhooks.dispatcher import Dispatcher
from services.webhooks.settings import WebhookSettings

DISPATCH_INTERVAL_SECONDS = 0.2
# Named out here: inside the class, `list` is the RPC method of that name, not the builtin.
Webhooks = list[dict]
Bodies = list[dict]


class WebhooksService(Pingable):
    name = "webhooks"
    priority = BackgroundWork()  # its work waits in durable queues while ideas are taken in

    db = Database(repository.SCHEMA, repository.MIGRATIONS)
    settings = Settings(WebhookSettings.from_config)
    dispatcher = Dispatcher()

    @property
    def uow(self) -> repository.Work:
        return UnitOfWork(self.db, repository.Repository)

    # --- RPC for the gateway ----------------------------------------------------------------------

    @rpc
    def register(self, url, event_types) -> dict:
        return handlers.register(self.uow, url, event_types, self.settings.allow_http)

    @rpc
    def list(self) -> Webhooks:
        return handlers.list_webhooks(self.uow)

    @rpc
    def get(self, subscription_id) -> dict:
        return handlers.get(self.uow, subscription_id)

    @rpc
    def delete(self, subscription_id) -> None:
        handlers.delete(self.uow, subscription_id)

    @rpc
    def deliveries(self, subscription_id, page=1) -> dict:
        return handlers.deliveries(self.uow, subscription_id, page)

    # --- delivery ---------------------------------------------------------------------------------

    @timer(interval=DISPATCH_INTERVAL_SECONDS)
    def dispatch_due_deliveries(self):
        try:
            self.dispatcher.dispatch(self.uow, self.settings.disable_after_failures)
        except Unavailable:
            pass  # the database is away: the next tick tries again

    # --- one handler per public event type --------------------------------------------------------

    def _owe(self, bodies: Bodies) -> int:
        return handlers.owe_deliveries(self.uow, list(zip(parse_events(bodies), bodies, strict=True)))

    @on_events("idea.submitted")
    def on_idea_submitted(self, bodies: Bodies) -> int:
        return self._owe(bodies)

    @on_events("idea.published")
    def on_idea_published(self, bodies: Bodies) -> int:
        return self._owe(bodies)

    @on_events("idea.rejected")
    def on_idea_rejected(self, bodies: Bodies) -> int:
        return self._owe(bodies)

    @on_events("idea.status_changed")
    def on_idea_status_changed(self, bodies: Bodies) -> int:
        return self._owe(bodies)

    @on_events("moderation.decided")
    def on_moderation_decided(self, bodies: Bodies) -> int:
        return self._owe(bodies)

    @on_events("moderation.review_requested")
    def on_moderation_review_requested(self, bodies: Bodies) -> int:
        return self._owe(bodies)

    @on_events("idea.hidden")
    def on_idea_hidden(self, bodies: Bodies) -> int:
        return self._owe(bodies)

    @on_events("idea.unhidden")
    def on_idea_unhidden(self, bodies: Bodies) -> int:
        return self._owe(bodies)

    @on_events("idea.flagged")
    def on_idea_flagged(self, bodies: Bodies) -> int:
        return self._owe(bodies)

    @on_events("notification.sent")
    def on_notification_sent(self, bodies: Bodies) -> int:
        return self._owe(bodies)

    @on_events("notification.failed")
    def on_notification_failed(self, bodies: Bodies) -> int:
        return self._owe(bodies)

    @on_events("idea.supported")
    def on_idea_supported(self, bodies: Bodies) -> int:
        return self._owe(bodies)

    @on_events("idea.support_withdrawn")
    def on_idea_support_withdrawn(self, bodies: Bodies) -> int:
        return self._owe(bodies)

    @on_events("comment.submitted")
    def on_comment_submitted(self, bodies: Bodies) -> int:
        return self._owe(bodies)

    @on_events("comment.moderated")
    def on_comment_moderated(self, bodies: Bodies) -> int:
        return self._owe(bodies)

    @on_events("comment.posted")
    def on_comment_posted(self, bodies: Bodies) -> int:
        return self._owe(bodies)

    @on_events("comment.hidden")
    def on_comment_hidden(self, bodies: Bodies) -> int:
        return self._owe(bodies)

    @on_events("comment.unhidden")
    def on_comment_unhidden(self, bodies: Bodies) -> int:
        return self._owe(bodies)

    @on_events("person.erased")
    def on_person_erased(self, bodies: Bodies) -> int:
        return self._owe(bodies)
