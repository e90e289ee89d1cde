"""The reporting service: a read model built from events alone, exact under redelivery."""
from pathlib import Path

from nameko.dependency_providers import Config
from nameko.rpc import rpc

from aufbruch.contracts.events import parse_event
from aufbruch.db import Database
from aufbruch.entrypoints import Pingable
from aufbruch.messaging import on_event
from services.reporting import projection, repository


class ReportingService(Pingable):
    name = "reporting"
    config = Config()

    db = Database("reporting", Path(__file__).parent / "migrations")

    def _record(self, body: dict) -> None:
        event = parse_event(body)
        with self.db.transaction() as conn:
            if not repository.log_event(conn, event, body["data"]):
                return
            if event.type in projection.IDEA_EVENTS:
                facts = repository.lock_idea_facts(conn, event.data["idea_id"])
                repository.save_idea_facts(conn, projection.apply(facts, event))

    @on_event("idea.submitted")
    def on_idea_submitted(self, body: dict):
        self._record(body)

    @on_event("idea.published")
    def on_idea_published(self, body: dict):
        self._record(body)

    @on_event("idea.rejected")
    def on_idea_rejected(self, body: dict):
        self._record(body)

    @on_event("moderation.decided")
    def on_moderation_decided(self, body: dict):
        self._record(body)

    @on_event("notification.sent")
    def on_notification_sent(self, body: dict):
        self._record(body)

    @on_event("notification.failed")
    def on_notification_failed(self, body: dict):
        self._record(body)

    @rpc
    def summary(self) -> dict:
        with self.db.transaction() as conn:
            return repository.summary(conn, self.config["CITY_TIMEZONE"])
