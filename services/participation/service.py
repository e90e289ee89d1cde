"""The participation service: citizens support published ideas (confirmed by mail) and discuss
them in comments that the moderation service checks. It learns which ideas are published, and what
moderation made of each comment, from the public events."""

from pathlib import Path

from nameko.dependency_providers import Config
from nameko.rpc import RpcProxy, rpc

from aufbruch.contracts.events import parse_event, parse_events
from aufbruch.db import Database
from aufbruch.entrypoints import Pingable, PublishesEvents
from aufbruch.messaging import on_event, on_events
from services.participation import handlers

SUPPORT_MAIL_LOCALE = "de"


class ParticipationService(Pingable, PublishesEvents):
    name = "participation"
    config = Config()

    db = Database("participation", Path(__file__).parent / "migrations")
    notifications = RpcProxy("notifications")

    @on_events("idea.submitted")
    def on_idea_submitted(self, bodies: list[dict]):
        handlers.remember_ideas(self.db, parse_events(bodies))

    @on_events("idea.published")
    def on_idea_published(self, bodies: list[dict]):
        handlers.remember_ideas(self.db, parse_events(bodies))

    @on_events("idea.rejected")
    def on_idea_rejected(self, bodies: list[dict]):
        handlers.remember_ideas(self.db, parse_events(bodies))

    @on_events("idea.hidden")
    def on_idea_hidden(self, bodies: list[dict]):
        handlers.apply_idea_visibility(self.db, parse_events(bodies))

    @on_events("idea.unhidden")
    def on_idea_unhidden(self, bodies: list[dict]):
        handlers.apply_idea_visibility(self.db, parse_events(bodies))

    @on_event("comment.moderated")
    def on_comment_moderated(self, body: dict):
        handlers.apply_comment_decision(self.db, parse_event(body))

    @on_event("comment.hidden")
    def on_comment_hidden(self, body: dict):
        handlers.apply_comment_visibility(self.db, parse_event(body))

    @on_event("comment.unhidden")
    def on_comment_unhidden(self, body: dict):
        handlers.apply_comment_visibility(self.db, parse_event(body))

    def _send_confirmation(self, address: str, idea_title: str, confirm_url: str, withdraw_url: str) -> None:
        self.notifications.send_support_confirmation(
            address, idea_title, confirm_url, withdraw_url, SUPPORT_MAIL_LOCALE
        )

    @rpc
    def request_support(self, idea_id, payload: dict) -> dict:
        return handlers.request_support(
            self.db,
            idea_id,
            payload,
            self.config["PSEUDONYM_SECRET"],
            self.config["LINK_SECRET"],
            self.config["PUBLIC_BASE_URL"],
            self._send_confirmation,
        )

    @rpc
    def confirm_support(self, payload: dict) -> dict:
        return handlers.confirm_support(self.db, payload, self.config["LINK_SECRET"])

    @rpc
    def withdrawal_state(self, payload: dict) -> dict:
        return handlers.withdrawal_state(self.db, payload, self.config["LINK_SECRET"])

    @rpc
    def withdraw_support(self, payload: dict) -> dict:
        return handlers.withdraw_support(self.db, payload, self.config["LINK_SECRET"])

    @rpc
    def support_count(self, idea_id) -> dict:
        return handlers.support_count(self.db, idea_id)

    @rpc
    def submit_comment(self, idea_id, payload: dict) -> dict:
        return handlers.submit_comment(self.db, idea_id, payload)

    @rpc
    def comments(self, idea_id) -> dict:
        return handlers.comment_threads(self.db, idea_id)
