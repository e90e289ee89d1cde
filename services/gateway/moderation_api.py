"""The moderation part of the gateway's API: the review queue, decisions, hiding, and citizens' flags."""

from nameko.rpc import RpcProxy

from aufbruch.http import answers_errors, http, json_response, read_json
from aufbruch.rate_limit import rate_limited
from services.gateway.rpc import call
from services.gateway.webhooks_api import page_number

API = "/api/v1"
MODERATORS = ("moderator", "admin")


class ModerationApi:
    """Mixed into GatewayService; `self.auth` is the gateway's Authenticator, `self.public_writes` its
    PublicWriteLimit."""

    moderation = RpcProxy("moderation")

    @http("GET", f"{API}/moderation/queue")
    @answers_errors
    def review_queue(self, request):
        self.auth.require(request, *MODERATORS)
        return json_response(200, {"items": call(self.moderation.review_queue, page_number(request))})

    @http("GET", f"{API}/moderation/cases/<case_id>")
    @answers_errors
    def moderation_case(self, request, case_id):
        self.auth.require(request, *MODERATORS)
        return json_response(200, call(self.moderation.case, case_id))

    @http("POST", f"{API}/moderation/cases/<case_id>/decision")
    @answers_errors
    def decide_case(self, request, case_id):
        principal = self.auth.require(request, *MODERATORS)
        return json_response(200, call(self.moderation.decide, case_id, read_json(request), principal))

    @http("POST", f"{API}/moderation/ideas/<idea_id>/hide")
    @answers_errors
    def hide_idea(self, request, idea_id):
        principal = self.auth.require(request, *MODERATORS)
        call(self.moderation.hide, idea_id, read_json(request), principal)
        return json_response(200, {"idea_id": idea_id, "hidden": True})

    @http("POST", f"{API}/moderation/ideas/<idea_id>/unhide")
    @answers_errors
    def unhide_idea(self, request, idea_id):
        principal = self.auth.require(request, *MODERATORS)
        call(self.moderation.unhide, idea_id, read_json(request), principal)
        return json_response(200, {"idea_id": idea_id, "hidden": False})

    @http("POST", f"{API}/ideas/<idea_id>/flags")
    @answers_errors
    @rate_limited
    def flag_idea(self, request, idea_id):
        return json_response(202, call(self.moderation.flag, idea_id, read_json(request)))
