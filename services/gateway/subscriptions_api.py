"""Mails people asked for: following an idea, category digests, confirming (double opt-in),
unsubscribing (a page and RFC 8058 one-click), and the admins' erasure of a person's address.

A mixin of GatewayService; its `notifications` RPC proxy is also what the gateway's health check pings.
The links in mails lead to short German HTML pages here, since people open them in a browser (a
client that sends `Accept: application/json`, such as the web front end, gets the same facts as JSON);
a GET never changes anything (mail scanners follow links), except the confirmation link, which is the
double opt-in's very point.
"""

import logging
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from nameko.rpc import RpcProxy
from werkzeug.wrappers import Response

from aufbruch.contracts.errors import InvalidInput, NotFound
from aufbruch.contracts.ideas import LOCALES
from aufbruch.http import SECURITY_HEADERS, answers_errors, http, json_response, read_json, wants_json
from aufbruch.rate_limit import rate_limited
from services.gateway.rpc import call

log = logging.getLogger(__name__)
API = "/api/v1"
PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
# What an unsubscribe link ends, by its scope: said before (the page) and after (done).
WILL_END = {
    "idea": "Sie erhalten dann keine Mails mehr zu Ihrer eingereichten Idee.",
    "follower": "Sie folgen der Idee dann nicht mehr und erhalten keine Mails mehr zu ihr.",
    "digest": "Sie erhalten die tägliche Übersicht neuer Ideen dann nicht mehr.",
    "moderator_alerts": "Diese Adresse erhält dann keine Hinweise auf wartende Fälle mehr.",
    "support_confirmations": "Diese Adresse erhält dann keine Bitten mehr, eine Unterstützung zu bestätigen.",
}
ENDED = {
    "idea": "Sie erhalten keine Mails mehr zu Ihrer eingereichten Idee.",
    "follower": "Sie folgen der Idee nicht mehr und erhalten keine Mails mehr zu ihr.",
    "digest": "Sie erhalten die tägliche Übersicht neuer Ideen nicht mehr.",
    "moderator_alerts": "Diese Adresse erhält keine Hinweise auf wartende Fälle mehr.",
    "support_confirmations": "Diese Adresse erhält keine Bitten mehr, eine Unterstützung zu bestätigen.",
}
INVALID_LINK_ERROR = "The link is invalid or has expired."
ALREADY_GONE = "Diese Adresse ist bei uns nicht mehr gespeichert."
INVALID_LINK = (
    "Link ungültig",
    [
        "Dieser Link ist ungültig oder abgelaufen. Bitte nutzen Sie den Link aus der "
        "neuesten Mail oder fordern Sie eine neue an."
    ],
)

_pages = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def page(status: int, heading: str, paragraphs: list[str], form_action: str | None = None) -> Response:
    html = _pages.get_template("subscription_page.html").render(
        heading=heading, paragraphs=paragraphs, form_action=form_action
    )
    response = Response(html, status=status, mimetype="text/html")
    response.headers.update(SECURITY_HEADERS | {"Content-Security-Policy": PAGE_CSP})
    return response


def link_answer(
    request, status: int, facts: dict, heading: str, paragraphs: list[str], form_action: str | None = None
) -> Response:
    """A mailed link's answer: the page for browsers, its `facts` as JSON for a client that asks for
    JSON (the web front end renders its own page from them), with the same status either way."""
    if wants_json(request):
        return json_response(status, facts)
    return page(status, heading, paragraphs, form_action)


def accepted_locale(request) -> str | None:
    return request.accept_languages.best_match(LOCALES)


def link_token(request) -> str:
    return request.args.get("token", "")


class SubscriptionsApi:
    """Mixed into GatewayService; `self.auth` is the gateway's Authenticator (declared by AdminApi)."""

    notifications = RpcProxy("notifications")

    @http("POST", f"{API}/ideas/<idea_id>/followers")
    @answers_errors
    @rate_limited
    def follow_idea(self, request, idea_id):
        answer = call(self.notifications.follow, idea_id, read_json(request), accepted_locale(request))
        return json_response(202, answer)

    @http("POST", f"{API}/subscriptions/digest")
    @answers_errors
    @rate_limited
    def subscribe_digest(self, request):
        answer = call(self.notifications.subscribe_digest, read_json(request), accepted_locale(request))
        return json_response(202, answer)

    @http("GET", f"{API}/subscriptions/confirm")
    @answers_errors
    def confirm_subscription(self, request):
        try:
            confirmed = call(self.notifications.confirm, link_token(request))
        except InvalidInput:
            return link_answer(request, 400, {"error": INVALID_LINK_ERROR}, *INVALID_LINK)
        except NotFound:
            return link_answer(
                request,
                404,
                {"error": "This subscription no longer exists."},
                "Nicht mehr vorhanden",
                ["Dieses Abonnement wurde inzwischen abbestellt oder gelöscht."],
            )
        if confirmed["subscription"] == "follower":
            told = f"Sie erhalten ab jetzt eine Mail, wenn sich bei der Idee „{confirmed['title']}“ etwas ändert."
        else:
            told = "Sie erhalten ab jetzt einmal am Tag eine Übersicht der neu veröffentlichten Ideen."
        return link_answer(
            request,
            200,
            confirmed,
            "Vielen Dank, bestätigt",
            [told, "Abbestellen können Sie jederzeit mit dem Link in jeder Mail."],
        )

    @http("GET", f"{API}/unsubscribe")
    @answers_errors
    def unsubscribe_page(self, request):
        try:
            scope = call(self.notifications.unsubscribe_scope, link_token(request))
        except InvalidInput:
            return link_answer(request, 400, {"error": INVALID_LINK_ERROR}, *INVALID_LINK)
        if scope is None:
            return link_answer(request, 200, {"scope": None}, "Bereits erledigt", [ALREADY_GONE])
        return link_answer(
            request,
            200,
            {"scope": scope},
            "Mails abbestellen",
            [WILL_END[scope]],
            form_action=f"{API}/unsubscribe?token={quote(link_token(request))}",
        )

    @http("POST", f"{API}/unsubscribe")
    @answers_errors
    def unsubscribe(self, request):
        """The page's button and RFC 8058 one-click (`List-Unsubscribe=One-Click`, form-encoded): the
        signed token in the URL is the authority, so the body is not needed to act."""
        try:
            done = call(self.notifications.unsubscribe, link_token(request), request.form.get("erase") == "yes")
        except InvalidInput:
            return link_answer(request, 400, {"error": INVALID_LINK_ERROR}, *INVALID_LINK)
        told = [ENDED[done["scope"]] if done["scope"] else ALREADY_GONE]
        if done["erased"]:
            told.append("Ihre E-Mail-Adresse ist bei uns gelöscht.")
        return link_answer(request, 200, {"scope": done["scope"], "erased": done["erased"]}, "Abbestellt", told)

    @http("DELETE", f"{API}/admin/people")
    @answers_errors
    def admin_erase_person(self, request):
        admin = self.auth.require(request, "admin")
        erased = call(self.notifications.erase_person, request.args.to_dict())
        log.info("admin %s erased a person's address: %s", admin["username"], erased["erasure_id"])
        return json_response(200, erased)
