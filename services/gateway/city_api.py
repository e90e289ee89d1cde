"""The city's part of the gateway's API (issue 9): participation processes, the city's official
answers to published ideas, and ideas that staff submit for citizens at a service desk.

The public reads (processes, an idea's answers) are forwarded to the ideas service like the rest of
the ideas API (service.py). The staff endpoints are authenticated here and then asked of ideas with
the principal (ideas_client.Ideas): ideas keeps who acted, and never shows it.
"""

from werkzeug.wrappers import Request, Response

from aufbruch.contracts.ideas import (
    AnswerList,
    AssistedSubmission,
    NewAnswer,
    NewProcess,
    ProcessChanges,
    ProcessList,
    PublicAnswer,
    PublicProcess,
    Receipt,
    receipt_headers,
)
from aufbruch.http import json_response, read_json
from services.gateway.auth import Authentication
from services.gateway.documentation import AUTH_ERRORS, IDEMPOTENCY_KEY, JSON_BODY_ERRORS, RECEIPT_HEADERS, ok, op
from services.gateway.http_helpers import API
from services.gateway.ideas_client import Ideas

# Who may answer ideas and submit for citizens: staff (the city's digital guides) and admins, not
# moderators. Processes are an admin's business. Staff get 403 from moderation and admin endpoints.
ANSWERERS = ("staff", "admin")


def create_process(auth: Authentication, ideas: Ideas, request: Request) -> Response:
    auth.require(request, "admin")
    created = ideas.create_process(read_json(request))
    return json_response(201, created, {"Location": f"{API}/processes/{created['id']}"})


def change_process(auth: Authentication, ideas: Ideas, request: Request, process_id: str) -> Response:
    auth.require(request, "admin")
    return json_response(200, ideas.change_process(process_id, read_json(request)))


def answer_idea(auth: Authentication, ideas: Ideas, request: Request, idea_id: str) -> Response:
    principal = auth.require(request, *ANSWERERS)
    return json_response(201, ideas.answer(idea_id, read_json(request), principal))


def submit_assisted_idea(auth: Authentication, ideas: Ideas, request: Request) -> Response:
    principal = auth.require(request, *ANSWERERS)
    taken = ideas.submit_assisted(read_json(request), request.headers.get("Idempotency-Key"), principal)
    return json_response(202, taken["receipt"], receipt_headers(taken["receipt"], taken["created"]))


# --- the OpenAPI description --------------------------------------------------------------------

SCHEMAS = {
    "PublicProcess": PublicProcess,
    "ProcessList": ProcessList,
    "PublicAnswer": PublicAnswer,
    "AnswerList": AnswerList,
    "NewAnswer": NewAnswer,
    "Receipt": Receipt,
}
CATEGORY_SCHEMAS = {
    "AssistedSubmission": AssistedSubmission,
    "NewProcess": NewProcess,
    "ProcessChanges": ProcessChanges,
}
OPERATIONS = {
    ("GET", f"{API}/processes"): op(
        "Participation processes with their figures",
        "processes",
        {200: ok("Every process, the standing one first, then the newest.", "ProcessList")},
        description="Dates are city days (CITY_TIMEZONE), both inclusive: a process takes ideas from the start "
        "of opens_on to the end of closes_on.",
    ),
    ("GET", f"{API}/processes/{{process_id}}"): op(
        "One participation process", "processes", {200: ok("The process.", "PublicProcess")}, errors=(404,)
    ),
    ("POST", f"{API}/admin/processes"): op(
        "Create a participation process",
        "admin",
        {201: ok("The process.", "PublicProcess", headers={"Location": "The process's URL."})},
        body="NewProcess",
        auth=True,
        errors=JSON_BODY_ERRORS + AUTH_ERRORS + (409,),
    ),
    ("PATCH", f"{API}/admin/processes/{{process_id}}"): op(
        "Change a participation process",
        "admin",
        {200: ok("The changed process.", "PublicProcess")},
        body="ProcessChanges",
        auth=True,
        errors=JSON_BODY_ERRORS + AUTH_ERRORS + (404, 409),
        description="409 for the standing process, which never changes.",
    ),
    ("GET", f"{API}/ideas/{{idea_id}}/answers"): op(
        "The city's answers to a published idea, oldest first",
        "answers",
        {200: ok("The public answer history (never who answered).", "AnswerList")},
        errors=(404,),
    ),
    ("POST", f"{API}/ideas/{{idea_id}}/answers"): op(
        "Answer a published idea officially (staff or admin)",
        "answers",
        {201: ok("The answer; announced as idea.status_changed.", "PublicAnswer")},
        body="NewAnswer",
        auth=True,
        errors=JSON_BODY_ERRORS + AUTH_ERRORS + (404, 409),
        description="409 if the idea is not published or the status may not follow its current one.",
    ),
    ("POST", f"{API}/assisted-ideas"): op(
        "Submit an idea for a citizen at a service desk (staff or admin)",
        "ideas",
        {202: ok("Taken in, marked assisted; moderated like every idea.", "Receipt", headers=RECEIPT_HEADERS)},
        body="AssistedSubmission",
        auth=True,
        errors=JSON_BODY_ERRORS + AUTH_ERRORS + (409,),
        headers=(IDEMPOTENCY_KEY,),
    ),
}
