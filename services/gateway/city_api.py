"""The city's part of the gateway's API (issue 9): participation processes, the city's official
answers to published ideas, and ideas that staff submit for citizens at a service desk.

The public reads (processes, an idea's answers) are forwarded over HTTP to the ideas service like
the rest of the ideas API. The staff endpoints are authenticated here (auth.py) and then asked of
ideas by RPC with the principal, as the moderation endpoints ask moderation: ideas keeps who acted,
and never shows it.
"""

from nameko.rpc import RpcProxy

from aufbruch.contracts.ideas import receipt_headers
from aufbruch.http import answers_errors, http, json_response, read_json
from services.gateway.rpc import call

API = "/api/v1"
# Who may answer ideas and submit for citizens: staff (the city's digital guides) and admins, not
# moderators. Processes are an admin's business. Staff get 403 from moderation and admin endpoints.
ANSWERERS = ("staff", "admin")


class CityApi:
    """Mixed into GatewayService; `self.auth` is the gateway's Authenticator (declared on AdminApi),
    `self.ideas` its HTTP client of the ideas service."""

    ideas_rpc = RpcProxy("ideas")

    @http("GET", f"{API}/processes")
    @answers_errors
    def list_processes(self, request):
        return self.ideas.forward(request)

    @http("GET", f"{API}/processes/<process_id>")
    @answers_errors
    def get_process(self, request, process_id):
        return self.ideas.forward(request)

    @http("POST", f"{API}/admin/processes")
    @answers_errors
    def admin_create_process(self, request):
        self.auth.require(request, "admin")
        created = call(self.ideas_rpc.create_process, read_json(request))
        return json_response(201, created, {"Location": f"{API}/processes/{created['id']}"})

    @http("PATCH", f"{API}/admin/processes/<process_id>")
    @answers_errors
    def admin_change_process(self, request, process_id):
        self.auth.require(request, "admin")
        return json_response(200, call(self.ideas_rpc.change_process, process_id, read_json(request)))

    @http("GET", f"{API}/ideas/<idea_id>/answers")
    @answers_errors
    def idea_answers(self, request, idea_id):
        return self.ideas.forward(request)

    @http("POST", f"{API}/ideas/<idea_id>/answers")
    @answers_errors
    def answer_idea(self, request, idea_id):
        principal = self.auth.require(request, *ANSWERERS)
        return json_response(201, call(self.ideas_rpc.answer, idea_id, read_json(request), principal))

    @http("POST", f"{API}/assisted-ideas")
    @answers_errors
    def submit_assisted_idea(self, request):
        principal = self.auth.require(request, *ANSWERERS)
        taken = call(
            self.ideas_rpc.submit_assisted, read_json(request), request.headers.get("Idempotency-Key"), principal
        )
        return json_response(202, taken["receipt"], receipt_headers(taken["receipt"], taken["created"]))
