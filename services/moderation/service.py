"""The moderation service: decides automatically on every submitted idea and comment, keeps the
review queue, citizens' flags and the audit trail, and announces every decision.

Ideas and comments have RPC methods of their own (the gateway's routes differ) that name the subject
type and share one use case each."""

from nameko.rpc import rpc

from aufbruch.contracts.errors import resource_id, validated
from aufbruch.contracts.events import parse_event
from aufbruch.contracts.moderation import Case, CaseWithHistory, Decision, Flag, Hide, Unhide
from aufbruch.db import Database
from aufbruch.entrypoints import Pingable, PublishesEvents
from aufbruch.messaging import on_event
from aufbruch.priority import BackgroundWork
from aufbruch.settings import Settings
from aufbruch.unit_of_work import UnitOfWork
from services.moderation import handlers, repository
from services.moderation.settings import ModerationSettings
from services.moderation.subjects import COMMENT, FLAGGABLE, IDEA


class ModerationService(Pingable, PublishesEvents):
    name = "moderation"
    priority = BackgroundWork()  # its work waits in durable queues while ideas are taken in

    db = Database(repository.SCHEMA, repository.MIGRATIONS)
    settings = Settings(ModerationSettings.from_config)

    @property
    def uow(self) -> UnitOfWork[repository.Repository]:
        return UnitOfWork(self.db, repository.Repository)

    @on_event("idea.submitted")
    def on_idea_submitted(self, body: dict):
        handlers.moderate_submission(self.uow, parse_event(body), self.settings.policy)

    @on_event("idea.published")
    def on_idea_published(self, body: dict):
        handlers.remember_publication(self.uow, parse_event(body))

    @on_event("comment.submitted")
    def on_comment_submitted(self, body: dict):
        handlers.moderate_comment(self.uow, parse_event(body), self.settings.policy)

    @on_event("comment.posted")
    def on_comment_posted(self, body: dict):
        handlers.remember_posted_comment(self.uow, parse_event(body))

    @rpc
    def review_queue(self, page: int = 1) -> list[dict]:
        return Case(many=True).dump(handlers.review_queue(self.uow, int(page)))

    @rpc
    def case(self, case_id) -> dict:
        return CaseWithHistory().dump(handlers.case_with_history(self.uow, resource_id(case_id, "case")))

    @rpc
    def decide(self, case_id, payload: dict, principal: dict) -> dict:
        decision = validated(Decision(), payload)
        return Case().dump(handlers.decide(self.uow, resource_id(case_id, "case"), decision, principal))

    @rpc
    def flag(self, idea_id, payload: dict) -> dict:
        return self._flag(IDEA, idea_id, payload)

    @rpc
    def flag_comment(self, comment_id, payload: dict) -> dict:
        return self._flag(COMMENT, comment_id, payload)

    @rpc
    def hide(self, idea_id, payload: dict, principal: dict) -> None:
        self._hide(IDEA, idea_id, payload, principal)

    @rpc
    def hide_comment(self, comment_id, payload: dict, principal: dict) -> None:
        self._hide(COMMENT, comment_id, payload, principal)

    @rpc
    def unhide(self, idea_id, payload: dict, principal: dict) -> None:
        self._unhide(IDEA, idea_id, payload, principal)

    @rpc
    def unhide_comment(self, comment_id, payload: dict, principal: dict) -> None:
        self._unhide(COMMENT, comment_id, payload, principal)

    def _flag(self, subject_type: str, subject_id, payload: dict) -> dict:
        flag = validated(Flag(), payload)
        handlers.flag(self.uow, self.settings, subject_type, resource_id(subject_id, FLAGGABLE[subject_type]), flag)
        return {"received": True}

    def _hide(self, subject_type: str, subject_id, payload: dict, principal: dict) -> None:
        request = validated(Hide(), payload)
        handlers.hide(self.uow, subject_type, resource_id(subject_id, FLAGGABLE[subject_type]), request, principal)

    def _unhide(self, subject_type: str, subject_id, payload: dict, principal: dict) -> None:
        request = validated(Unhide(), payload)
        handlers.unhide(self.uow, subject_type, resource_id(subject_id, FLAGGABLE[subject_type]), request, principal)
