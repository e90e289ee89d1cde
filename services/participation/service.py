"""The participation service: citizens support published ideas (confirmed by mail) and discuss
them in comments that the moderation service checks. It learns which ideas are published, and what
moderation made of each comment, from the public events."""

from nameko.rpc import RpcProxy, rpc

from aufbruch.contracts.errors import resource_id, validated
from aufbruch.contracts.events import parse_event, parse_events
from aufbruch.contracts.participation import (
    CommentReceipt,
    CommentSubmission,
    CommentThreads,
    SupportCount,
    SupportLink,
    SupportRequest,
    SupportState,
    WithdrawalState,
)
from aufbruch.db import Database
from aufbruch.entrypoints import Pingable, PublishesEvents
from aufbruch.messaging import on_event, on_events
from aufbruch.settings import Settings
from aufbruch.unit_of_work import UnitOfWork
from services.participation import handlers, repository
from services.participation.settings import ParticipationSettings


def _token(payload: dict) -> str:
    return validated(SupportLink(), payload)["token"]


class ParticipationService(Pingable, PublishesEvents):
    name = "participation"

    db = Database(repository.SCHEMA, repository.MIGRATIONS)
    settings = Settings(ParticipationSettings.from_config)
    notifications = RpcProxy("notifications")

    @property
    def uow(self) -> UnitOfWork[repository.Repository]:
        return UnitOfWork(self.db, repository.Repository)

    @on_events("idea.submitted")
    def on_idea_submitted(self, bodies: list[dict]):
        handlers.remember_ideas(self.uow, parse_events(bodies))

    @on_events("idea.published")
    def on_idea_published(self, bodies: list[dict]):
        handlers.remember_ideas(self.uow, parse_events(bodies))

    @on_events("idea.rejected")
    def on_idea_rejected(self, bodies: list[dict]):
        handlers.remember_ideas(self.uow, parse_events(bodies))

    @on_events("idea.hidden")
    def on_idea_hidden(self, bodies: list[dict]):
        handlers.apply_idea_visibility(self.uow, parse_events(bodies))

    @on_events("idea.unhidden")
    def on_idea_unhidden(self, bodies: list[dict]):
        handlers.apply_idea_visibility(self.uow, parse_events(bodies))

    @on_event("comment.moderated")
    def on_comment_moderated(self, body: dict):
        handlers.apply_comment_decision(self.uow, parse_event(body))

    @on_event("comment.hidden")
    def on_comment_hidden(self, body: dict):
        handlers.apply_comment_visibility(self.uow, parse_event(body))

    @on_event("comment.unhidden")
    def on_comment_unhidden(self, body: dict):
        handlers.apply_comment_visibility(self.uow, parse_event(body))

    @rpc
    def request_support(self, idea_id, payload: dict, accepted_locale: str | None = None) -> dict:
        """`accepted_locale`: the best match of the request's Accept-Language (the gateway's)."""
        support = validated(SupportRequest(), payload)
        handlers.request_support(
            self.uow,
            self.settings,
            resource_id(idea_id, "idea"),
            support,
            accepted_locale,
            self.notifications.send_support_confirmation,
        )
        return {"status": "confirmation_sent"}

    @rpc
    def confirm_support(self, payload: dict) -> dict:
        return SupportState().dump(handlers.confirm_support(self.uow, self.settings, _token(payload)))

    @rpc
    def withdrawal_state(self, payload: dict) -> dict:
        return WithdrawalState().dump(handlers.withdrawal_state(self.uow, self.settings, _token(payload)))

    @rpc
    def withdraw_support(self, payload: dict) -> dict:
        return SupportState().dump(handlers.withdraw_support(self.uow, self.settings, _token(payload)))

    @rpc
    def support_count(self, idea_id) -> dict:
        return SupportCount().dump(handlers.support_count(self.uow, resource_id(idea_id, "idea")))

    @rpc
    def submit_comment(self, idea_id, payload: dict) -> dict:
        submission = validated(CommentSubmission(), payload)
        return CommentReceipt().dump(handlers.submit_comment(self.uow, resource_id(idea_id, "idea"), submission))

    @rpc
    def comments(self, idea_id) -> dict:
        return CommentThreads().dump(handlers.comment_threads(self.uow, resource_id(idea_id, "idea")))
