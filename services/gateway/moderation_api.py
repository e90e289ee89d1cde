"""The moderation part of the gateway's API: the review queue, decisions, hiding and unhiding ideas
and comments (moderators and admins), and citizens' flags on ideas and comments, asked of the
moderation service by RPC."""

from marshmallow import Schema, fields
from werkzeug.wrappers import Request, Response

from aufbruch.contracts.moderation import Case, CaseWithHistory, Decision, Flag, Hide, Unhide
from aufbruch.http import json_response, read_json
from services.gateway.auth import Authentication
from services.gateway.documentation import AUTH_ERRORS, JSON_BODY_ERRORS, PUBLIC_WRITE_ERRORS, PageQuery, ok, op
from services.gateway.http_helpers import API, page_number
from services.gateway.rpc import call

MODERATORS = ("moderator", "admin")


def review_queue(auth: Authentication, moderation, request: Request) -> Response:
    auth.require(request, *MODERATORS)
    return json_response(200, {"items": call(moderation.review_queue, page_number(request))})


def case(auth: Authentication, moderation, request: Request, case_id: str) -> Response:
    auth.require(request, *MODERATORS)
    return json_response(200, call(moderation.case, case_id))


def decide_case(auth: Authentication, moderation, request: Request, case_id: str) -> Response:
    principal = auth.require(request, *MODERATORS)
    return json_response(200, call(moderation.decide, case_id, read_json(request), principal))


def _change_visibility(auth: Authentication, change, request: Request, key: str, subject_id: str, hidden: bool):
    principal = auth.require(request, *MODERATORS)
    call(change, subject_id, read_json(request), principal)
    return json_response(200, {key: subject_id, "hidden": hidden})


def hide_idea(auth: Authentication, moderation, request: Request, idea_id: str) -> Response:
    return _change_visibility(auth, moderation.hide, request, "idea_id", idea_id, hidden=True)


def unhide_idea(auth: Authentication, moderation, request: Request, idea_id: str) -> Response:
    return _change_visibility(auth, moderation.unhide, request, "idea_id", idea_id, hidden=False)


def hide_comment(auth: Authentication, moderation, request: Request, comment_id: str) -> Response:
    return _change_visibility(auth, moderation.hide_comment, request, "comment_id", comment_id, hidden=True)


def unhide_comment(auth: Authentication, moderation, request: Request, comment_id: str) -> Response:
    return _change_visibility(auth, moderation.unhide_comment, request, "comment_id", comment_id, hidden=False)


def flag_idea(moderation, request: Request, idea_id: str) -> Response:
    return json_response(202, call(moderation.flag, idea_id, read_json(request)))


def flag_comment(moderation, request: Request, comment_id: str) -> Response:
    return json_response(202, call(moderation.flag_comment, comment_id, read_json(request)))


# --- the OpenAPI description --------------------------------------------------------------------


class ReviewQueue(Schema):
    items = fields.List(fields.Nested(Case))


class Visibility(Schema):
    idea_id = fields.UUID()
    hidden = fields.Boolean()


class CommentVisibility(Schema):
    comment_id = fields.UUID()
    hidden = fields.Boolean()


class FlagReceived(Schema):
    received = fields.Boolean()


SCHEMAS = {
    "Case": Case,
    "CaseWithHistory": CaseWithHistory,
    "ReviewQueue": ReviewQueue,
    "Decision": Decision,
    "Hide": Hide,
    "Unhide": Unhide,
    "Visibility": Visibility,
    "CommentVisibility": CommentVisibility,
    "Flag": Flag,
    "FlagReceived": FlagReceived,
}
MODERATOR_WRITE_ERRORS = JSON_BODY_ERRORS + AUTH_ERRORS + (404, 409)


def _visibility_op(summary: str, answer: str, body: str, schema: str) -> dict:
    return op(summary, "moderation", {200: ok(answer, schema)}, body=body, auth=True, errors=MODERATOR_WRITE_ERRORS)


def _flag_op(summary: str) -> dict:
    return op(
        summary,
        "moderation",
        {202: ok("Flag received.", "FlagReceived")},
        body="Flag",
        errors=PUBLIC_WRITE_ERRORS + (404, 409),
    )


OPERATIONS = {
    ("GET", f"{API}/moderation/queue"): op(
        "Open cases, oldest first",
        "moderation",
        {200: ok("The review queue.", "ReviewQueue")},
        query=PageQuery,
        auth=True,
        errors=AUTH_ERRORS + (422,),
    ),
    ("GET", f"{API}/moderation/cases/{{case_id}}"): op(
        "A case with the idea's audit trail",
        "moderation",
        {200: ok("The case.", "CaseWithHistory")},
        auth=True,
        errors=AUTH_ERRORS + (404,),
    ),
    ("POST", f"{API}/moderation/cases/{{case_id}}/decision"): op(
        "Decide a case",
        "moderation",
        {200: ok("The decided case.", "Case")},
        body="Decision",
        auth=True,
        errors=MODERATOR_WRITE_ERRORS,
    ),
    ("POST", f"{API}/moderation/ideas/{{idea_id}}/hide"): _visibility_op(
        "Hide an idea", "Hidden.", "Hide", "Visibility"
    ),
    ("POST", f"{API}/moderation/ideas/{{idea_id}}/unhide"): _visibility_op(
        "Unhide an idea", "Visible again.", "Unhide", "Visibility"
    ),
    ("POST", f"{API}/moderation/comments/{{comment_id}}/hide"): _visibility_op(
        "Hide a comment", "Hidden.", "Hide", "CommentVisibility"
    ),
    ("POST", f"{API}/moderation/comments/{{comment_id}}/unhide"): _visibility_op(
        "Unhide a comment", "Visible again.", "Unhide", "CommentVisibility"
    ),
    ("POST", f"{API}/ideas/{{idea_id}}/flags"): _flag_op("Flag a published idea"),
    ("POST", f"{API}/comments/{{comment_id}}/flags"): _flag_op("Flag a posted comment"),
}
