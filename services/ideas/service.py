"""The ideas service: takes ideas in, keeps their status, and announces every change as an event.

Its public API is served over HTTP by this service itself (the gateway forwards to it), so that an
idea is accepted even while RabbitMQ is down: the outbox publishes its event when the broker is back.
"""

from nameko.rpc import rpc

from aufbruch.contracts.events import parse_events
from aufbruch.contracts.ideas import receipt_headers
from aufbruch.db import Database
from aufbruch.entrypoints import PublishesEvents
from aufbruch.http import accepted_locale, http, json_response, read_json
from aufbruch.messaging import on_events
from aufbruch.settings import Settings
from aufbruch.unit_of_work import UnitOfWork
from services.ideas import city_handlers, handlers, open311, repository
from services.ideas.settings import IdeasSettings

API = "/api/v1"
OPEN311 = "/open311/v2"


class IdeasService(PublishesEvents):
    name = "ideas"
    settings = Settings(IdeasSettings.from_config)
    db = Database(repository.SCHEMA, repository.MIGRATIONS)

    @property
    def uow(self) -> UnitOfWork[repository.Repository]:
        return UnitOfWork(self.db, repository.Repository)

    @http("POST", f"{API}/ideas")
    def submit(self, request):
        receipt, created = handlers.submit(
            self.uow,
            self.settings,
            read_json(request),
            request.headers.get("Idempotency-Key"),
            accepted_locale(request),
        )
        return json_response(202, receipt, receipt_headers(receipt, created))

    @http("GET", f"{API}/ideas/<idea_id>")
    def get(self, request, idea_id):
        return json_response(200, handlers.public_idea(self.uow, idea_id))

    @http("GET", f"{API}/ideas")
    def list_published(self, request):
        return json_response(200, handlers.published_ideas(self.uow, request.args.to_dict()))

    @http("GET", f"{API}/ideas/<idea_id>/answers")
    def list_answers(self, request, idea_id):
        return json_response(200, city_handlers.idea_answers(self.uow, idea_id))

    @http("GET", f"{API}/processes")
    def list_processes(self, request):
        return json_response(200, city_handlers.list_processes(self.uow, self.settings))

    @http("GET", f"{API}/processes/<process_id>")
    def get_process(self, request, process_id):
        return json_response(200, city_handlers.public_process(self.uow, self.settings, process_id))

    @http("GET", f"{OPEN311}/services.json")
    def open311_services(self, request):
        return open311.respond(lambda: open311.services(list(self.settings.categories)))

    @http("GET", f"{OPEN311}/requests.json")
    def open311_requests(self, request):
        return open311.respond(
            lambda: open311.requests(
                self.uow, request.args.to_dict(), list(self.settings.categories), self.settings.city
            )
        )

    @http("GET", f"{OPEN311}/requests/<request_id>.json")
    def open311_request(self, request, request_id):
        return open311.respond(lambda: open311.request(self.uow, request_id))

    @http("GET", "/health")
    def health(self, request):
        with self.uow.transaction() as ideas:
            ideas.check()
        return json_response(200, {"status": "ok"})

    @rpc
    def get_contact(self, idea_id) -> dict | None:
        """The submitter's name, address and mail language, for notifications only; never part of
        an event."""
        return handlers.submitter_contact(self.uow, idea_id)

    @rpc
    def get_public(self, idea_id) -> dict:
        """The public view of an idea (NotFound if there is none): what notifications needs to know
        of an idea someone wants to follow."""
        return handlers.public_idea(self.uow, idea_id)

    @rpc
    def erase_contacts(self, email: str) -> int:
        """Forget the submitter contacts with this address (a person's erasure); how many there were."""
        return handlers.erase_contacts(self.uow, email)

    # Staff endpoints: the gateway authenticates and authorises, then calls these with the principal.

    @rpc
    def submit_assisted(self, payload, idempotency_key, principal) -> dict:
        """{receipt, created}: an idea staff enter for a citizen at a service desk."""
        receipt, created = handlers.submit_assisted(self.uow, self.settings, payload, idempotency_key, principal)
        return {"receipt": receipt, "created": created}

    @rpc
    def answer(self, idea_id, payload, principal) -> dict:
        return city_handlers.answer(self.uow, idea_id, payload, principal)

    @rpc
    def create_process(self, payload) -> dict:
        return city_handlers.create_process(self.uow, self.settings, payload)

    @rpc
    def change_process(self, process_id, payload) -> dict:
        return city_handlers.change_process(self.uow, self.settings, process_id, payload)

    @on_events("moderation.decided")
    def on_moderation_decided(self, bodies: list[dict]):
        handlers.apply_moderation_decisions(self.uow, parse_events(bodies))

    @on_events("idea.hidden")
    def on_idea_hidden(self, bodies: list[dict]):
        handlers.apply_visibility(self.uow, parse_events(bodies))

    @on_events("idea.unhidden")
    def on_idea_unhidden(self, bodies: list[dict]):
        handlers.apply_visibility(self.uow, parse_events(bodies))
