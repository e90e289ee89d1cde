"""The moderation service: decides automatically on every submitted idea and announces the decision."""
from datetime import datetime, timezone
from pathlib import Path

from aufbruch import inbox, outbox
from aufbruch.contracts.events import parse_event
from aufbruch.db import Database
from aufbruch.entrypoints import Pingable, PublishesEvents
from aufbruch.messaging import on_event
from services.moderation import repository, rules


class ModerationService(Pingable, PublishesEvents):
    name = "moderation"

    db = Database("moderation", Path(__file__).parent / "migrations")

    @on_event("idea.submitted")
    def on_idea_submitted(self, body: dict):
        event = parse_event(body)
        idea = event.data
        verdict = rules.moderate(idea["title"], idea["description"])
        decided_at = datetime.now(timezone.utc)
        with self.db.transaction() as conn:
            if not inbox.first_delivery(conn, event):
                return
            if repository.record_decision(conn, idea["idea_id"], verdict, decided_at):
                outbox.add_event(conn, "moderation.decided", {
                    "idea_id": idea["idea_id"], "decision": verdict.outcome, "reasons": verdict.reasons,
                    "actor_kind": "automatic", "decided_at": decided_at})
