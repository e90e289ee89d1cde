"""The moderation service: decides automatically on every submitted idea, keeps the review queue,
citizens' flags and the audit trail, and announces every decision."""

from pathlib import Path

from nameko.dependency_providers import Config
from nameko.extensions import DependencyProvider
from nameko.rpc import rpc

from aufbruch.contracts.events import parse_event
from aufbruch.db import Database
from aufbruch.entrypoints import Pingable, PublishesEvents
from aufbruch.messaging import on_event
from aufbruch.priority import BackgroundWork
from services.moderation import handlers, rules


class ModerationPolicy(DependencyProvider):
    """MODERATION_POLICY, checked when the service starts: a typo stops it there, instead of sending
    every idea to the dead-letter queue."""

    def setup(self):
        self.policy = rules.check_policy(self.container.config["MODERATION_POLICY"])

    def get_dependency(self, worker_ctx):
        return self.policy


class ModerationService(Pingable, PublishesEvents):
    name = "moderation"
    priority = BackgroundWork()  # its work waits in durable queues while ideas are taken in
    config = Config()

    db = Database("moderation", Path(__file__).parent / "migrations")
    policy = ModerationPolicy()

    @on_event("idea.submitted")
    def on_idea_submitted(self, body: dict):
        handlers.moderate_submission(self.db, parse_event(body), self.policy)

    @on_event("idea.published")
    def on_idea_published(self, body: dict):
        handlers.remember_publication(self.db, parse_event(body))

    @on_event("comment.submitted")
    def on_comment_submitted(self, body: dict):
        handlers.moderate_comment(self.db, parse_event(body), self.policy)

    @on_event("comment.posted")
    def on_comment_posted(self, body: dict):
        handlers.remember_posted_comment(self.db, parse_event(body))

    @rpc
    def review_queue(self, page: int = 1) -> list[dict]:
        return handlers.review_queue(self.db, page)

    @rpc
    def case(self, case_id) -> dict:
        return handlers.case_with_history(self.db, case_id)

    @rpc
    def decide(self, case_id, payload: dict, principal: dict) -> dict:
        return handlers.decide(self.db, case_id, payload, principal)

    @rpc
    def flag(self, idea_id, payload: dict) -> dict:
        return handlers.flag(
            self.db, idea_id, payload, self.config["PSEUDONYM_SECRET"], int(self.config["FLAG_HIDE_THRESHOLD"])
        )

    @rpc
    def hide(self, idea_id, payload: dict, principal: dict) -> None:
        handlers.hide(self.db, idea_id, payload, principal)

    @rpc
    def unhide(self, idea_id, payload: dict, principal: dict) -> None:
        handlers.unhide(self.db, idea_id, payload, principal)

    @rpc
    def flag_comment(self, comment_id, payload: dict) -> dict:
        return handlers.flag_comment(
            self.db, comment_id, payload, self.config["PSEUDONYM_SECRET"], int(self.config["FLAG_HIDE_THRESHOLD"])
        )

    @rpc
    def hide_comment(self, comment_id, payload: dict, principal: dict) -> None:
        handlers.hide_comment(self.db, comment_id, payload, principal)

    @rpc
    def unhide_comment(self, comment_id, payload: dict, principal: dict) -> None:
        handlers.unhide_comment(self.db, comment_id, payload, principal)
