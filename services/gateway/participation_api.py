"""The participation part of the gateway's API: supports (confirmed through a mailed link) and
comments, asked of the participation service by RPC; flags and hiding of comments go to moderation.

The links in the support mail are opened in a browser, so their pages answer in German HTML unless
the client asks for JSON (`Accept: application/json`). Withdrawing takes a button on the page (a
POST): mail scanners that open every link must not withdraw anyone's support.
"""

from html import escape

from nameko.rpc import RpcProxy
from werkzeug.wrappers import Response

from aufbruch.contracts.errors import Conflict, InvalidInput, NotFound
from aufbruch.http import SECURITY_HEADERS, answers_errors, http, json_response, read_json, wants_json
from aufbruch.rate_limit import rate_limited
from services.gateway.rpc import call

API = "/api/v1"
MODERATORS = ("moderator", "admin")
FORM = "application/x-www-form-urlencoded"


def page(status: int, heading: str, text: str, form: str = "") -> Response:
    """A small German page: no script, nothing loaded from elsewhere (the CSP allows neither)."""
    body = (
        f'<!doctype html><html lang="de"><head><meta charset="utf-8"><title>{escape(heading)} – Aufbruch'
        f"</title></head><body><main><h1>{escape(heading)}</h1><p>{escape(text)}</p>{form}</main></body></html>"
    )
    response = Response(body, status=status, mimetype="text/html")
    response.headers.update(SECURITY_HEADERS)
    return response


def _error_page(exc: Exception) -> Response:
    if isinstance(exc, InvalidInput):
        return page(422, "Link ungültig", "Dieser Link ist ungültig oder abgelaufen.")
    if isinstance(exc, NotFound):
        return page(404, "Idee nicht gefunden", "Diese Idee gibt es nicht.")
    return page(409, "Nicht möglich", "Diese Idee ist zurzeit nicht veröffentlicht und kann nicht unterstützt werden.")


class ParticipationApi:
    """Mixed into GatewayService; `self.moderation` and `self.auth` come from the other mixins."""

    participation = RpcProxy("participation")

    @http("POST", f"{API}/ideas/<idea_id>/supports")
    @answers_errors
    @rate_limited
    def request_support(self, request, idea_id):
        return json_response(202, call(self.participation.request_support, idea_id, read_json(request)))

    @http("GET", f"{API}/ideas/<idea_id>/supports")
    @answers_errors
    def support_count(self, request, idea_id):
        return json_response(200, call(self.participation.support_count, idea_id))

    def _link_page(self, request, method, on_success):
        """Call `method` with the link's token; answer JSON or a page (errors too)."""
        token = request.args.get("token", "")
        if wants_json(request):
            return json_response(200, call(method, {"token": token}))
        try:
            state = call(method, {"token": token})
        except (InvalidInput, NotFound, Conflict) as exc:
            return _error_page(exc)
        return on_success(state, token)

    @http("GET", f"{API}/supports/confirm")
    @answers_errors
    def confirm_support(self, request):
        return self._link_page(
            request,
            self.participation.confirm_support,
            lambda state, token: page(
                200,
                "Danke für Ihre Unterstützung!",
                f"Ihre Unterstützung ist bestätigt. Diese Idee hat jetzt {state['count']} Unterstützung(en).",
            ),
        )

    @http("GET", f"{API}/supports/withdraw")
    @answers_errors
    def withdrawal_page(self, request):
        def confirm_withdrawal(state, token):
            if not state["supported"]:
                return page(200, "Keine Unterstützung", "Sie unterstützen diese Idee zurzeit nicht.")
            form = (
                f'<form method="post" action="{API}/supports/withdraw">'
                f'<input type="hidden" name="token" value="{escape(token)}">'
                '<button type="submit">Unterstützung zurückziehen</button></form>'
            )
            return page(
                200,
                "Unterstützung zurückziehen",
                f"Möchten Sie Ihre Unterstützung für „{state['title']}“ zurückziehen?",
                form,
            )

        return self._link_page(request, self.participation.withdrawal_state, confirm_withdrawal)

    @http("POST", f"{API}/supports/withdraw")
    @answers_errors
    def withdraw_support(self, request):
        if request.mimetype != FORM:
            return json_response(200, call(self.participation.withdraw_support, read_json(request)))
        try:
            state = call(self.participation.withdraw_support, {"token": request.form.get("token", "")})
        except (InvalidInput, NotFound, Conflict) as exc:
            return _error_page(exc)
        return page(
            200,
            "Unterstützung zurückgezogen",
            f"Ihre Unterstützung ist zurückgezogen. Diese Idee hat jetzt {state['count']} Unterstützung(en).",
        )

    @http("POST", f"{API}/ideas/<idea_id>/comments")
    @answers_errors
    @rate_limited
    def submit_comment(self, request, idea_id):
        return json_response(202, call(self.participation.submit_comment, idea_id, read_json(request)))

    @http("GET", f"{API}/ideas/<idea_id>/comments")
    @answers_errors
    def list_comments(self, request, idea_id):
        return json_response(200, call(self.participation.comments, idea_id))

    @http("POST", f"{API}/comments/<comment_id>/flags")
    @answers_errors
    @rate_limited
    def flag_comment(self, request, comment_id):
        return json_response(202, call(self.moderation.flag_comment, comment_id, read_json(request)))

    @http("POST", f"{API}/moderation/comments/<comment_id>/hide")
    @answers_errors
    def hide_comment(self, request, comment_id):
        principal = self.auth.require(request, *MODERATORS)
        call(self.moderation.hide_comment, comment_id, read_json(request), principal)
        return json_response(200, {"comment_id": comment_id, "hidden": True})

    @http("POST", f"{API}/moderation/comments/<comment_id>/unhide")
    @answers_errors
    def unhide_comment(self, request, comment_id):
        principal = self.auth.require(request, *MODERATORS)
        call(self.moderation.unhide_comment, comment_id, read_json(request), principal)
        return json_response(200, {"comment_id": comment_id, "hidden": False})
