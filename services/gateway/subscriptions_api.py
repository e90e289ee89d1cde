"""Mails people asked for: following an idea, category digests, confirming (double opt-in),
unsubscribing (a page and RFC 8058 one-click), and the admins' erasure of a person's address, asked
of the notifications service by RPC.

The links in mails lead to short German HTML pages here, since people open them in a browser (a
client that sends `Accept: application/json`, such as the web front end, gets the same facts as JSON);
a GET never changes anything (mail scanners follow links), except the confirmation link, which is the
double opt-in's very point.
"""

import logging
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from marshmallow import Schema, fields, validate
from werkzeug.wrappers import Request, Response

from aufbruch.contracts.errors import InvalidInput, NotFound
from aufbruch.contracts.notifications import (
    ConfirmationSent,
    DigestRequest,
    Erasure,
    ErasureRequest,
    FollowRequest,
)
from aufbruch.http import SECURITY_HEADERS, accepted_locale, json_response, read_json, wants_json
from services.gateway.auth import Authentication
from services.gateway.documentation import ACCEPT_LANGUAGE, AUTH_ERRORS, MAIL_LINK_PAGE, PUBLIC_WRITE_ERRORS, ok, op
from services.gateway.http_helpers import API, link_token
from services.gateway.rpc import call

log = logging.getLogger(__name__)
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


def follow_idea(notifications, request: Request, idea_id: str) -> Response:
    return json_response(202, call(notifications.follow, idea_id, read_json(request), accepted_locale(request)))


def subscribe_digest(notifications, request: Request) -> Response:
    return json_response(202, call(notifications.subscribe_digest, read_json(request), accepted_locale(request)))


def confirm_subscription(notifications, request: Request) -> Response:
    try:
        confirmed = call(notifications.confirm, link_token(request))
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
    paragraphs = [told, "Abbestellen können Sie jederzeit mit dem Link in jeder Mail."]
    return link_answer(request, 200, confirmed, "Vielen Dank, bestätigt", paragraphs)


def unsubscribe_page(notifications, request: Request) -> Response:
    try:
        scope = call(notifications.unsubscribe_scope, link_token(request))
    except InvalidInput:
        return link_answer(request, 400, {"error": INVALID_LINK_ERROR}, *INVALID_LINK)
    if scope is None:
        return link_answer(request, 200, {"scope": None}, "Bereits erledigt", [ALREADY_GONE])
    form_action = f"{API}/unsubscribe?token={quote(link_token(request))}"
    return link_answer(request, 200, {"scope": scope}, "Mails abbestellen", [WILL_END[scope]], form_action)


def unsubscribe(notifications, request: Request) -> Response:
    """The page's button and RFC 8058 one-click (`List-Unsubscribe=One-Click`, form-encoded): the
    signed token in the URL is the authority, so the body is not needed to act."""
    try:
        done = call(notifications.unsubscribe, link_token(request), request.form.get("erase") == "yes")
    except InvalidInput:
        return link_answer(request, 400, {"error": INVALID_LINK_ERROR}, *INVALID_LINK)
    told = [ENDED[done["scope"]] if done["scope"] else ALREADY_GONE]
    if done["erased"]:
        told.append("Ihre E-Mail-Adresse ist bei uns gelöscht.")
    return link_answer(request, 200, {"scope": done["scope"], "erased": done["erased"]}, "Abbestellt", told)


def erase_person(auth: Authentication, notifications, request: Request) -> Response:
    admin = auth.require(request, "admin")
    erased = call(notifications.erase_person, request.args.to_dict())
    log.info("admin %s erased a person's address: %s", admin["username"], erased["erasure_id"])
    return json_response(200, erased)


# --- the OpenAPI description --------------------------------------------------------------------


class LinkQuery(Schema):
    token = fields.String(required=True, metadata={"description": "The signed token of the link in the mail."})


class SubscriptionConfirmed(Schema):
    subscription = fields.String(validate=validate.OneOf(("follower", "digest")))
    idea_id = fields.UUID(metadata={"description": "The followed idea (subscription `follower`)."})
    title = fields.String(metadata={"description": "Its title (subscription `follower`)."})
    category = fields.String(metadata={"description": "The digest's category (subscription `digest`)."})


class UnsubscribeScope(Schema):
    scope = fields.String(
        allow_none=True,
        validate=validate.OneOf(tuple(WILL_END)),
        metadata={"description": "What the link ends; null: the address is not stored any more (nothing to end)."},
    )


class Unsubscribed(UnsubscribeScope):
    erased = fields.Boolean(metadata={"description": "Whether the address was erased too (`erase=yes`)."})


SCHEMAS = {
    "FollowRequest": FollowRequest,
    "ConfirmationSent": ConfirmationSent,
    "SubscriptionConfirmed": SubscriptionConfirmed,
    "UnsubscribeScope": UnsubscribeScope,
    "Unsubscribed": Unsubscribed,
    "Erasure": Erasure,
}
CATEGORY_SCHEMAS = {"DigestRequest": DigestRequest}
OPERATIONS = {
    ("POST", f"{API}/ideas/{{idea_id}}/followers"): op(
        "Follow an idea (double opt-in)",
        "subscriptions",
        {
            202: ok(
                "A confirmation mail with a signed link is on its way; nothing else is sent before it is "
                "confirmed. Repeating it sends at most one confirmation a day.",
                "ConfirmationSent",
            )
        },
        body="FollowRequest",
        errors=PUBLIC_WRITE_ERRORS + (404, 409),
        headers=(ACCEPT_LANGUAGE,),
    ),
    ("POST", f"{API}/subscriptions/digest"): op(
        "Subscribe to a category's daily digest (double opt-in)",
        "subscriptions",
        {202: ok("A confirmation mail with a signed link is on its way.", "ConfirmationSent")},
        body="DigestRequest",
        errors=PUBLIC_WRITE_ERRORS,
        headers=(ACCEPT_LANGUAGE,),
    ),
    ("GET", f"{API}/subscriptions/confirm"): op(
        "Confirm a follow or digest subscription (the link in the confirmation mail)",
        "subscriptions",
        {
            200: ok("Confirmed.", "SubscriptionConfirmed"),
            400: ok("The link is invalid or expired.", "Error"),
            404: ok("The subscription was ended meanwhile.", "Error"),
        },
        query=LinkQuery,
        description=MAIL_LINK_PAGE,
        also_html=True,
    ),
    ("GET", f"{API}/unsubscribe"): op(
        "The unsubscribe page (the link in every mail)",
        "subscriptions",
        {
            200: ok(
                "What the link ends; the page has a button that POSTs here, and a choice to erase the address.",
                "UnsubscribeScope",
            ),
            400: ok("The link is invalid.", "Error"),
        },
        query=LinkQuery,
        description=MAIL_LINK_PAGE,
        also_html=True,
    ),
    ("POST", f"{API}/unsubscribe"): op(
        "Unsubscribe: the page's button, or RFC 8058 one-click",
        "subscriptions",
        {
            200: ok("Unsubscribed (and erased if `erase=yes` was posted).", "Unsubscribed"),
            400: ok("The link is invalid.", "Error"),
        },
        query=LinkQuery,
        description="Mail clients POST `List-Unsubscribe=One-Click` (form-encoded) to the URL of the mail's "
        "`List-Unsubscribe` header; the signed token is the authority. A form field `erase=yes` also erases the "
        "address. Repeating it changes nothing. " + MAIL_LINK_PAGE,
        also_html=True,
    ),
    ("DELETE", f"{API}/admin/people"): op(
        "Erase a person's address",
        "admin",
        {
            200: ok(
                "Removed from ideas' contacts and from notifications' subscriptions and mails; "
                "`person.erased` announced (without the address).",
                "Erasure",
            )
        },
        query=ErasureRequest,
        auth=True,
        errors=AUTH_ERRORS + (422,),
    ),
}
