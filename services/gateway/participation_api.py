"""The participation part of the gateway's API: supports (confirmed through a mailed link) and
comments, asked of the participation service by RPC (flags and hiding of comments: moderation_api.py).

The links in the support mail are opened in a browser, so their pages answer in German HTML unless
the client asks for JSON (`Accept: application/json`). Withdrawing takes a button on the page (a
POST): mail scanners that open every link must not withdraw anyone's support.
"""

from html import escape

from werkzeug.wrappers import Request, Response

from aufbruch.contracts.errors import Conflict, InvalidInput, NotFound
from aufbruch.contracts.notifications import ConfirmationSent
from aufbruch.contracts.participation import (
    CommentReceipt,
    CommentSubmission,
    CommentThreads,
    SupportCount,
    SupportLink,
    SupportRequest,
    SupportState,
    WithdrawalState,
)
from aufbruch.http import SECURITY_HEADERS, accepted_locale, json_response, read_json, wants_json
from services.gateway.documentation import (
    ACCEPT_LANGUAGE,
    JSON_BODY_ERRORS,
    MAIL_LINK_PAGE,
    PUBLIC_WRITE_ERRORS,
    ok,
    op,
)
from services.gateway.http_helpers import API, link_token
from services.gateway.rpc import call

FORM = "application/x-www-form-urlencoded"
LINK_ERRORS = (InvalidInput, NotFound, Conflict)


def support_page(status: int, heading: str, text: str, form: str = "") -> Response:
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
        return support_page(422, "Link ungültig", "Dieser Link ist ungültig oder abgelaufen.")
    if isinstance(exc, NotFound):
        return support_page(404, "Idee nicht gefunden", "Diese Idee gibt es nicht.")
    return support_page(
        409, "Nicht möglich", "Diese Idee ist zurzeit nicht veröffentlicht und kann nicht unterstützt werden."
    )


def request_support(participation, request: Request, idea_id: str) -> Response:
    return json_response(
        202, call(participation.request_support, idea_id, read_json(request), accepted_locale(request))
    )


def support_count(participation, request: Request, idea_id: str) -> Response:
    return json_response(200, call(participation.support_count, idea_id))


def _asked_by_link(method, request: Request, answer_page) -> Response:
    """Ask `method` with the link's token: JSON for a client that asks for it, else the page
    `answer_page(state, token)`, or the page that says what was wrong with the link."""
    token = link_token(request)
    if wants_json(request):
        return json_response(200, call(method, {"token": token}))
    try:
        state = call(method, {"token": token})
    except LINK_ERRORS as exc:
        return _error_page(exc)
    return answer_page(state, token)


def _confirmed_page(state: dict, token: str) -> Response:
    return support_page(
        200,
        "Danke für Ihre Unterstützung!",
        f"Ihre Unterstützung ist bestätigt. Diese Idee hat jetzt {state['count']} Unterstützung(en).",
    )


def _withdrawal_form_page(state: dict, token: str) -> Response:
    if not state["supported"]:
        return support_page(200, "Keine Unterstützung", "Sie unterstützen diese Idee zurzeit nicht.")
    form = (
        f'<form method="post" action="{API}/supports/withdraw">'
        f'<input type="hidden" name="token" value="{escape(token)}">'
        '<button type="submit">Unterstützung zurückziehen</button></form>'
    )
    return support_page(
        200, "Unterstützung zurückziehen", f"Möchten Sie Ihre Unterstützung für „{state['title']}“ zurückziehen?", form
    )


def confirm_support(participation, request: Request) -> Response:
    return _asked_by_link(participation.confirm_support, request, _confirmed_page)


def withdrawal_page(participation, request: Request) -> Response:
    """Shows the button that withdraws; withdraws nothing (mail scanners open every link)."""
    return _asked_by_link(participation.withdrawal_state, request, _withdrawal_form_page)


def withdraw_support(participation, request: Request) -> Response:
    if request.mimetype != FORM:
        return json_response(200, call(participation.withdraw_support, read_json(request)))
    try:
        state = call(participation.withdraw_support, {"token": request.form.get("token", "")})
    except LINK_ERRORS as exc:
        return _error_page(exc)
    return support_page(
        200,
        "Unterstützung zurückgezogen",
        f"Ihre Unterstützung ist zurückgezogen. Diese Idee hat jetzt {state['count']} Unterstützung(en).",
    )


def submit_comment(participation, request: Request, idea_id: str) -> Response:
    return json_response(202, call(participation.submit_comment, idea_id, read_json(request)))


def comments(participation, request: Request, idea_id: str) -> Response:
    return json_response(200, call(participation.comments, idea_id))


# --- the OpenAPI description --------------------------------------------------------------------

SCHEMAS = {
    "SupportRequest": SupportRequest,
    "SupportCount": SupportCount,
    "SupportLink": SupportLink,
    "SupportState": SupportState,
    "WithdrawalState": WithdrawalState,
    "ConfirmationSent": ConfirmationSent,
    "CommentSubmission": CommentSubmission,
    "CommentReceipt": CommentReceipt,
    "CommentThreads": CommentThreads,
}
OPERATIONS = {
    ("POST", f"{API}/ideas/{{idea_id}}/supports"): op(
        "Support a published idea",
        "participation",
        {202: ok("A confirmation link was mailed; the support counts once it is followed.", "ConfirmationSent")},
        body="SupportRequest",
        errors=PUBLIC_WRITE_ERRORS + (404, 409),
        headers=(ACCEPT_LANGUAGE,),
        description="One support per person (a confirmed e-mail address, kept only as a keyed hash) and idea; "
        "`409` if the idea is not published (or hidden). The confirmation mail and the pages it links to are in "
        "`locale` (else the best match of Accept-Language, else de).",
    ),
    ("GET", f"{API}/ideas/{{idea_id}}/supports"): op(
        "How many people support an idea",
        "participation",
        {200: ok("The count (never who).", "SupportCount")},
        errors=(404,),
    ),
    ("GET", f"{API}/supports/confirm"): op(
        "Confirm a support (the mailed link)",
        "participation",
        {200: ok("Counted once, however often the link is followed.", "SupportState")},
        query=SupportLink,
        errors=(404, 409, 422),
        description=MAIL_LINK_PAGE,
        also_html=True,
    ),
    ("GET", f"{API}/supports/withdraw"): op(
        "The withdrawal page (the mailed link; withdraws nothing)",
        "participation",
        {
            200: ok(
                "Whether the link's holder supports the idea; the page has the button that withdraws.",
                "WithdrawalState",
            )
        },
        query=SupportLink,
        errors=(404, 422),
        description=MAIL_LINK_PAGE,
        also_html=True,
    ),
    ("POST", f"{API}/supports/withdraw"): op(
        "Withdraw a support",
        "participation",
        {200: ok("Withdrawn (or not supported anyway).", "SupportState")},
        body="SupportLink",
        errors=JSON_BODY_ERRORS + (404,),
        description="JSON `{token}`, or the withdrawal page's form (`token`, urlencoded), which gets a page.",
    ),
    ("POST", f"{API}/ideas/{{idea_id}}/comments"): op(
        "Comment on a published idea",
        "participation",
        {202: ok("Taken in; moderated before it is shown.", "CommentReceipt")},
        body="CommentSubmission",
        errors=PUBLIC_WRITE_ERRORS + (404, 409),
        description="`parent_id` answers a top-level comment; answering a reply is `422` naming `parent_id`.",
    ),
    ("GET", f"{API}/ideas/{{idea_id}}/comments"): op(
        "An idea's visible comments, threaded",
        "participation",
        {200: ok("Oldest first.", "CommentThreads")},
        errors=(404,),
    ),
}
