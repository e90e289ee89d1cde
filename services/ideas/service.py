"""The ideas service: takes ideas in, keeps their status, and announces every change as an event.

Its public API is served over HTTP by this service itself (the gateway forwards to it), so that an
idea is accepted even while RabbitMQ is down: the outbox publishes its event when the broker is back.
"""
from pathlib import Path
from zoneinfo import ZoneInfo

from nameko.dependency_providers import Config
from nameko.rpc import rpc
from nameko.web.handlers import http

from aufbruch.config import categories
from aufbruch.contracts.ideas import LOCALES
from aufbruch.contracts.events import parse_event
from aufbruch.db import Database
from aufbruch.entrypoints import PublishesEvents
from aufbruch.http import answers_errors, json_response, read_json
from aufbruch.messaging import on_event
from services.ideas import handlers, open311

API = "/api/v1"
OPEN311 = "/open311/v2"


class IdeasService(PublishesEvents):
    name = "ideas"
    config = Config()

    db = Database("ideas", Path(__file__).parent / "migrations")

    @http("POST", f"{API}/ideas")
    @answers_errors
    def submit(self, request):
        receipt, created = handlers.submit(self.db, categories(self.config), read_json(request),
                                           request.headers.get("Idempotency-Key"),
                                           self.config["PSEUDONYM_SECRET"],
                                           request.accept_languages.best_match(LOCALES))
        headers = {"Location": f"{API}/ideas/{receipt['id']}"}
        if not created:
            headers["Idempotent-Replayed"] = "true"
        return json_response(202, receipt, headers)

    @http("GET", f"{API}/ideas/<idea_id>")
    @answers_errors
    def get(self, request, idea_id):
        return json_response(200, handlers.public_idea(self.db, idea_id))

    @http("GET", f"{API}/ideas")
    @answers_errors
    def list_published(self, request):
        return json_response(200, handlers.published_ideas(self.db, request.args.to_dict()))

    @http("GET", f"{OPEN311}/services.json")
    @answers_errors
    def open311_services(self, request):
        return open311.respond(lambda: open311.services(categories(self.config)))

    @http("GET", f"{OPEN311}/requests.json")
    @answers_errors
    def open311_requests(self, request):
        city = ZoneInfo(self.config.get("CITY_TIMEZONE") or "Europe/Berlin")
        return open311.respond(lambda: open311.requests(self.db, request.args.to_dict(),
                                                        categories(self.config), city))

    @http("GET", f"{OPEN311}/requests/<request_id>.json")
    @answers_errors
    def open311_request(self, request, request_id):
        return open311.respond(lambda: open311.request(self.db, request_id))

    @http("GET", "/health")
    @answers_errors
    def health(self, request):
        with self.db.transaction() as conn:
            conn.execute("select 1")
        return json_response(200, {"status": "ok"})

    @rpc
    def get_contact(self, idea_id) -> dict | None:
        """The submitter's name, address and mail language, for notifications only; never part of
        an event."""
        return handlers.submitter_contact(self.db, idea_id)

    @rpc
    def get_public(self, idea_id) -> dict:
        """The public view of an idea (NotFound if there is none): what notifications needs to know
        of an idea someone wants to follow."""
        return handlers.public_idea(self.db, idea_id)

    @rpc
    def erase_contacts(self, email: str) -> int:
        """Forget the submitter contacts with this address (a person's erasure); how many there were."""
        return handlers.erase_contacts(self.db, email)

    @on_event("moderation.decided")
    def on_moderation_decided(self, body: dict):
        handlers.apply_moderation_decision(self.db, parse_event(body))

    @on_event("idea.hidden")
    def on_idea_hidden(self, body: dict):
        handlers.apply_visibility(self.db, parse_event(body))

    @on_event("idea.unhidden")
    def on_idea_unhidden(self, body: dict):
        handlers.apply_visibility(self.db, parse_event(body))
