"""The reporting service: a read model built from events alone, exact under redelivery.

It keeps its own log of every event it receives (`event_log`) and derives its figures from that
log only; `rebuild` (RPC, or `python -m services.reporting.cli rebuild`) derives them again.
"""

from nameko.rpc import rpc

from aufbruch.contracts.events import parse_event
from aufbruch.db import Database
from aufbruch.entrypoints import Pingable
from aufbruch.messaging import on_events
from aufbruch.priority import BackgroundWork
from aufbruch.settings import Settings
from aufbruch.unit_of_work import UnitOfWork
from services.reporting import handlers, repository
from services.reporting.settings import ReportingSettings


class ReportingDatabase(Database):
    """The service's Database, whose projections are rebuilt at start if projection.py changed."""

    def setup(self):
        super().setup()
        handlers.rebuild_if_outdated(UnitOfWork(self, repository.Repository))


class ReportingService(Pingable):
    name = "reporting"
    priority = BackgroundWork()  # its work waits in durable queues while ideas are taken in
    settings = Settings(ReportingSettings.from_config)
    db = ReportingDatabase(repository.SCHEMA, repository.MIGRATIONS)

    @property
    def uow(self) -> UnitOfWork[repository.Repository]:
        return UnitOfWork(self.db, repository.Repository)

    def _record(self, bodies: list[dict]) -> int:
        """Every event is kept with its data as received, beside the parsed event."""
        return handlers.record(self.uow, [(parse_event(body), body["data"]) for body in bodies])

    @on_events("idea.submitted")
    def on_idea_submitted(self, bodies: list[dict]) -> int:
        return self._record(bodies)

    @on_events("idea.published")
    def on_idea_published(self, bodies: list[dict]) -> int:
        return self._record(bodies)

    @on_events("idea.rejected")
    def on_idea_rejected(self, bodies: list[dict]) -> int:
        return self._record(bodies)

    @on_events("moderation.decided")
    def on_moderation_decided(self, bodies: list[dict]) -> int:
        return self._record(bodies)

    @on_events("idea.hidden")
    def on_idea_hidden(self, bodies: list[dict]) -> int:
        return self._record(bodies)

    @on_events("idea.unhidden")
    def on_idea_unhidden(self, bodies: list[dict]) -> int:
        return self._record(bodies)

    @on_events("notification.sent")
    def on_notification_sent(self, bodies: list[dict]) -> int:
        return self._record(bodies)

    @on_events("notification.failed")
    def on_notification_failed(self, bodies: list[dict]) -> int:
        return self._record(bodies)

    @on_events("idea.status_changed")
    def on_idea_status_changed(self, bodies: list[dict]) -> int:
        return self._record(bodies)

    @rpc
    def summary(self, from_date=None, to_date=None) -> dict:
        return handlers.summary(self.uow, self.settings, from_date, to_date)

    @rpc
    def timeseries(self, metric, interval=None, from_date=None, to_date=None) -> dict:
        return handlers.timeseries(self.uow, self.settings, metric, interval, from_date, to_date)

    @rpc
    def published_ideas(self) -> list[dict]:
        return handlers.published_ideas(self.uow)

    @rpc
    def moderation_rows(self) -> list[dict]:
        return handlers.moderation_rows(self.uow)

    @rpc
    def rebuild(self) -> dict:
        return handlers.rebuild(self.uow)
