"""The gateway's OpenAPI 3 document, generated from the marshmallow schemas of aufbruch/contracts.

`openapi_document(categories)` is pure: it needs only the configured idea categories (the enum of
IdeaSubmission's `category`). `OPERATIONS` holds one entry per (method, path) the gateway serves under
/api/v1; a unit test fails when an entrypoint has none (tests/unit/gateway/test_openapi.py).
`OpenApiDocument` is the mixin of GatewayService that serves it at GET /api/v1/openapi.json.
"""

import re
from functools import lru_cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema, fields, validate

from aufbruch.config import categories as configured_categories
from aufbruch.contracts.accounts import ListedUser, NewToken, NewUser, Principal, User
from aufbruch.contracts.ideas import (
    LOCALES,
    MAX_PAGE,
    OFFICIAL_STATUSES,
    PROCESS_ID_PATTERN,
    AnswerList,
    AssistedSubmission,
    IdeaListQuery,
    IdeaSubmission,
    NewAnswer,
    NewProcess,
    ProcessChanges,
    ProcessList,
    PublicAnswer,
    PublicIdea,
    PublicProcess,
    Receipt,
)
from aufbruch.contracts.moderation import Case, CaseWithHistory, Decision, Flag, Hide, Unhide
from aufbruch.contracts.notifications import ConfirmationSent, DigestRequest, Erasure, ErasureRequest, FollowRequest
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
from aufbruch.contracts.reports import INTERVALS, METRICS
from aufbruch.contracts.webhooks import DELIVERY_STATUSES, Delivery, NewWebhook, RegisteredWebhook, Webhook
from aufbruch.http import MAX_BODY_BYTES, answers_errors, http, json_response

API = "/api/v1"
OPENAPI_VERSION = "3.0.3"
DOCUMENT_VERSION = "1"


# --- schemas of answers the contracts do not name ------------------------------------------------


class Error(Schema):
    error = fields.String(required=True)


MESSAGES_OR_NESTED = [{"type": "array", "items": {"type": "string"}}, {"type": "object"}]


class ValidationErrors(Schema):
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(metadata={"oneOf": MESSAGES_OR_NESTED}),
        required=True,
        metadata={
            "description": "Every invalid or unknown field with its messages (a list of"
            " strings), or, for a nested object, its fields' messages."
        },
    )


CategoryLabels = Schema.from_dict({locale: fields.String() for locale in LOCALES}, name="CategoryLabels")


class Category(Schema):
    id = fields.String()
    labels = fields.Nested(CategoryLabels, metadata={"description": "The category's name in each language."})


class CategoryList(Schema):
    items = fields.List(fields.Nested(Category))


SUBSCRIPTIONS = ("follower", "digest")
UNSUBSCRIBE_SCOPES = ("idea", "follower", "digest", "moderator_alerts", "support_confirmations")


class SubscriptionConfirmed(Schema):
    subscription = fields.String(validate=validate.OneOf(SUBSCRIPTIONS))
    idea_id = fields.UUID(metadata={"description": "The followed idea (subscription `follower`)."})
    title = fields.String(metadata={"description": "Its title (subscription `follower`)."})
    category = fields.String(metadata={"description": "The digest's category (subscription `digest`)."})


class UnsubscribeScope(Schema):
    scope = fields.String(
        allow_none=True,
        validate=validate.OneOf(UNSUBSCRIBE_SCOPES),
        metadata={"description": "What the link ends; null: the address is not stored any more (nothing to end)."},
    )


class Unsubscribed(UnsubscribeScope):
    erased = fields.Boolean(metadata={"description": "Whether the address was erased too (`erase=yes`)."})


class IdeaPage(Schema):
    items = fields.List(fields.Nested(PublicIdea))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class FlagReceived(Schema):
    received = fields.Boolean()


class Visibility(Schema):
    idea_id = fields.UUID()
    hidden = fields.Boolean()


class ReviewQueue(Schema):
    items = fields.List(fields.Nested(Case))


class CreatedUser(Schema):
    user = fields.Nested(User)
    token_id = fields.UUID()
    token = fields.String(metadata={"description": "Shown this once."})


class IssuedToken(Schema):
    token_id = fields.UUID()
    token = fields.String(metadata={"description": "Shown this once."})


class UserList(Schema):
    items = fields.List(fields.Nested(ListedUser))


class WebhookList(Schema):
    items = fields.List(fields.Nested(Webhook))


class DeliveryPage(Schema):
    items = fields.List(fields.Nested(Delivery))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class Health(Schema):
    status = fields.String(validate=validate.OneOf(("ok", "degraded")))
    checks = fields.Dict(keys=fields.String(), values=fields.String())


class TimeseriesPoint(Schema):
    period = fields.Date()
    value = fields.Integer()


class Timeseries(Schema):
    metric = fields.String(validate=validate.OneOf(METRICS))
    interval = fields.String(validate=validate.OneOf(INTERVALS))
    points = fields.List(fields.Nested(TimeseriesPoint))


class License(Schema):
    id = fields.String()
    name = fields.String()
    url = fields.String()


class IdeasExport(Schema):
    license = fields.Nested(License)
    columns = fields.List(fields.String())
    items = fields.List(fields.Dict())


REPORT_SUMMARY = {  # reporting's summary is wide and grows; documented loosely (README, "Reports")
    "type": "object",
    "properties": {
        "total": {"type": "integer"},
        "by_status": {"type": "object"},
        "by_category": {"type": "object"},
        "by_district": {"type": "object"},
        "per_day": {"type": "array", "items": {"type": "object"}},
        "turnaround": {"type": "object"},
    },
    "additionalProperties": True,
}


# --- query parameters (schemas whose fields become `in: query` parameters) -----------------------


class PeriodQuery(Schema):
    from_ = fields.Date(data_key="from", metadata={"description": "First city day (inclusive)."})
    to = fields.Date(metadata={"description": "Last city day (inclusive)."})


class TimeseriesParams(PeriodQuery):
    metric = fields.String(required=True, validate=validate.OneOf(METRICS))
    interval = fields.String(load_default="day", validate=validate.OneOf(INTERVALS))


class IdeaListParameters(IdeaListQuery):
    """GET /api/v1/ideas's query parameters: the ideas service's, with the filters the web front end needs
    (brief, "API additions"; the ideas service validates them)."""

    district = fields.String(metadata={"description": "Only ideas of this district (exact match)."})
    process_id = fields.String(
        validate=validate.Regexp(PROCESS_ID_PATTERN), metadata={"description": "Only ideas of this process."}
    )
    official_status = fields.String(
        validate=validate.OneOf((*OFFICIAL_STATUSES, "none")),
        metadata={"description": "Only ideas with this official status; `none`: not answered by the city yet."},
    )


class PageQuery(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))


class LinkQuery(Schema):
    token = fields.String(required=True, metadata={"description": "The signed token of the link in the mail."})


SCHEMAS = {
    "Error": Error,
    "ValidationErrors": ValidationErrors,
    "PublicAnswer": PublicAnswer,
    "PublicIdea": PublicIdea,
    "Receipt": Receipt,
    "IdeaPage": IdeaPage,
    "Flag": Flag,
    "FlagReceived": FlagReceived,
    "Decision": Decision,
    "Hide": Hide,
    "Unhide": Unhide,
    "Visibility": Visibility,
    "Case": Case,
    "CaseWithHistory": CaseWithHistory,
    "ReviewQueue": ReviewQueue,
    "NewUser": NewUser,
    "NewToken": NewToken,
    "User": User,
    "ListedUser": ListedUser,
    "CreatedUser": CreatedUser,
    "IssuedToken": IssuedToken,
    "UserList": UserList,
    "NewWebhook": NewWebhook,
    "Webhook": Webhook,
    "RegisteredWebhook": RegisteredWebhook,
    "WebhookList": WebhookList,
    "Delivery": Delivery,
    "DeliveryPage": DeliveryPage,
    "Health": Health,
    "Timeseries": Timeseries,
    "IdeasExport": IdeasExport,
    "FollowRequest": FollowRequest,
    "ConfirmationSent": ConfirmationSent,
    "Erasure": Erasure,
    "AnswerList": AnswerList,
    "NewAnswer": NewAnswer,
    "PublicProcess": PublicProcess,
    "ProcessList": ProcessList,
    "Principal": Principal,
    "CategoryList": CategoryList,
    "SubscriptionConfirmed": SubscriptionConfirmed,
    "UnsubscribeScope": UnsubscribeScope,
    "Unsubscribed": Unsubscribed,
}
# Schemas that enumerate the configured categories, built per document like IdeaSubmission.
CATEGORY_SCHEMAS = {
    "IdeaSubmission": IdeaSubmission,
    "AssistedSubmission": AssistedSubmission,
    "NewProcess": NewProcess,
    "ProcessChanges": ProcessChanges,
    "DigestRequest": DigestRequest,
}
# Path parameters that are not UUIDs.
TEXT_PATH_PARAMETERS = {"process_id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{2,59}$"}}

ERROR_RESPONSES = {  # status -> (component name, description, schema)
    400: ("BadRequest", "Malformed JSON or invalid UTF-8.", "Error"),
    401: ("Unauthorized", "No bearer token, or one nobody issued (or that was revoked).", "Error"),
    403: ("Forbidden", "The token's role does not allow this.", "Error"),
    404: ("NotFound", "No such resource.", "Error"),
    409: ("Conflict", "Conflicts with the resource's current state.", "Error"),
    413: ("PayloadTooLarge", f"The body exceeds {MAX_BODY_BYTES} bytes.", "Error"),
    415: ("UnsupportedMediaType", "Content-Type is not application/json.", "Error"),
    422: ("ValidationFailed", "Names every invalid or unknown field.", "ValidationErrors"),
    429: ("TooManyRequests", "Too many public writes from this client: retry after Retry-After seconds.", "Error"),
    503: (
        "Unavailable",
        "A service behind the gateway is unavailable, or the gateway holds more requests than"
        " it can answer soon: retry after Retry-After seconds.",
        "Error",
    ),
}
JSON_BODY_ERRORS = (400, 413, 415, 422)
AUTH_ERRORS = (401, 403)
PUBLIC_WRITE_ERRORS = JSON_BODY_ERRORS + (429,)  # rate limited per client (aufbruch/rate_limit.py)


def op(
    summary,
    tag,
    answers,
    *,
    body=None,
    body_required=True,
    errors=(),
    auth=False,
    query=None,
    headers=(),
    description=None,
    also_html=False,
):
    """One operation: `answers` maps a success status to (description, schema name, media type).
    `also_html`: a page opened from a mail, which answers browsers (every status) in HTML."""
    return {
        "summary": summary,
        "tag": tag,
        "answers": answers,
        "body": body,
        "body_required": body_required,
        "errors": tuple(errors),
        "auth": auth,
        "query": query,
        "headers": tuple(headers),
        "description": description,
        "also_html": also_html,
    }


def ok(description, schema=None, media="application/json", headers=None):
    return (description, schema, media, headers or {})


CSV = "text/csv"
HTML = "text/html"
ACCEPT_LANGUAGE = {
    "in": "header",
    "name": "Accept-Language",
    "required": False,
    "schema": {"type": "string"},
    "description": "The mails' language (de or en) when the body names no `locale`; else de.",
}
IDEMPOTENCY_KEY = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string"},
    "description": "A retry with the same key and content returns the same idea.",
}

MAIL_LINK_PAGE = (
    "Opened from a mail: a short German HTML page, unless the client prefers `application/json` (Accept), "
    "which gets the JSON below with the same status."
)

# (method, OpenAPI path) -> operation; every /api/v1 entrypoint of GatewayService needs one.
OPERATIONS = {
    ("POST", f"{API}/ideas"): op(
        "Submit an idea",
        "ideas",
        {
            202: ok(
                "Taken in; moderated before it is published.",
                "Receipt",
                headers={"Location": "The idea's URL.", "Idempotent-Replayed": "true on a replayed retry."},
            )
        },
        body="IdeaSubmission",
        errors=PUBLIC_WRITE_ERRORS + (409,),
        headers=(IDEMPOTENCY_KEY,),
    ),
    ("GET", f"{API}/ideas"): op(
        "Published ideas, newest first",
        "ideas",
        {200: ok("One page of published ideas.", "IdeaPage")},
        query=IdeaListParameters,
        errors=(422,),
    ),
    ("GET", f"{API}/ideas/{{idea_id}}"): op(
        "One idea's public view", "ideas", {200: ok("The idea (no personal data).", "PublicIdea")}, errors=(404,)
    ),
    ("POST", f"{API}/ideas/{{idea_id}}/flags"): op(
        "Flag a published idea",
        "moderation",
        {202: ok("Flag received.", "FlagReceived")},
        body="Flag",
        errors=PUBLIC_WRITE_ERRORS + (404, 409),
    ),
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
    ("GET", f"{API}/me"): op(
        "Who the bearer token belongs to (any staff role)",
        "admin",
        {200: ok("The signed-in account.", "Principal")},
        auth=True,
        errors=AUTH_ERRORS,
    ),
    ("GET", f"{API}/categories"): op(
        "The idea categories, in order, with their names",
        "ideas",
        {200: ok("The configured categories, each named in every language of the platform.", "CategoryList")},
    ),
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
        errors=JSON_BODY_ERRORS + AUTH_ERRORS + (404, 409),
    ),
    ("POST", f"{API}/moderation/ideas/{{idea_id}}/hide"): op(
        "Hide an idea",
        "moderation",
        {200: ok("Hidden.", "Visibility")},
        body="Hide",
        auth=True,
        errors=JSON_BODY_ERRORS + AUTH_ERRORS + (404, 409),
    ),
    ("POST", f"{API}/moderation/ideas/{{idea_id}}/unhide"): op(
        "Unhide an idea",
        "moderation",
        {200: ok("Visible again.", "Visibility")},
        body="Unhide",
        auth=True,
        errors=JSON_BODY_ERRORS + AUTH_ERRORS + (404, 409),
    ),
    ("POST", f"{API}/admin/users"): op(
        "Create a staff account",
        "admin",
        {201: ok("The account and its first token (shown once).", "CreatedUser")},
        body="NewUser",
        auth=True,
        errors=JSON_BODY_ERRORS + AUTH_ERRORS + (409,),
    ),
    ("GET", f"{API}/admin/users"): op(
        "Every staff account with its tokens",
        "admin",
        {200: ok("The accounts.", "UserList")},
        auth=True,
        errors=AUTH_ERRORS,
    ),
    ("POST", f"{API}/admin/users/{{user_id}}/tokens"): op(
        "Issue a token",
        "admin",
        {201: ok("The token (shown once).", "IssuedToken")},
        body="NewToken",
        body_required=False,
        auth=True,
        errors=JSON_BODY_ERRORS + AUTH_ERRORS + (404, 409),
    ),
    ("DELETE", f"{API}/admin/tokens/{{token_id}}"): op(
        "Revoke a token", "admin", {204: ok("Revoked.")}, auth=True, errors=AUTH_ERRORS + (404,)
    ),
    ("POST", f"{API}/admin/users/{{user_id}}/disable"): op(
        "Disable a staff account",
        "admin",
        {204: ok("Disabled; its tokens fail from now on.")},
        auth=True,
        errors=AUTH_ERRORS + (404, 409),
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
    ("POST", f"{API}/webhooks"): op(
        "Register a webhook",
        "webhooks",
        {
            201: ok(
                "The webhook with its signing secret (shown once).",
                "RegisteredWebhook",
                headers={"Location": "The webhook's URL."},
            )
        },
        body="NewWebhook",
        auth=True,
        errors=JSON_BODY_ERRORS + AUTH_ERRORS,
    ),
    ("GET", f"{API}/webhooks"): op(
        "Every webhook",
        "webhooks",
        {200: ok("The webhooks (never a secret).", "WebhookList")},
        auth=True,
        errors=AUTH_ERRORS,
    ),
    ("GET", f"{API}/webhooks/{{subscription_id}}"): op(
        "One webhook",
        "webhooks",
        {200: ok("The webhook (never its secret).", "Webhook")},
        auth=True,
        errors=AUTH_ERRORS + (404,),
    ),
    ("DELETE", f"{API}/webhooks/{{subscription_id}}"): op(
        "Delete a webhook and its log", "webhooks", {204: ok("Deleted.")}, auth=True, errors=AUTH_ERRORS + (404,)
    ),
    ("GET", f"{API}/webhooks/{{subscription_id}}/deliveries"): op(
        "A webhook's delivery log, newest first",
        "webhooks",
        {200: ok(f"One page of deliveries; status one of {', '.join(DELIVERY_STATUSES)}.", "DeliveryPage")},
        query=PageQuery,
        auth=True,
        errors=AUTH_ERRORS + (404, 422),
    ),
    ("GET", f"{API}/reports/summary"): op(
        "Figures for a period", "reports", {200: ok("The figures.", "ReportSummary")}, query=PeriodQuery, errors=(422,)
    ),
    ("GET", f"{API}/reports/timeseries"): op(
        "A time series",
        "reports",
        {200: ok("Every period from the first to the last, zeros included.", "Timeseries")},
        query=TimeseriesParams,
        errors=(422,),
    ),
    ("GET", f"{API}/reports/ideas.csv"): op(
        "Open data: the published ideas (CSV)",
        "reports",
        {200: ok("Licence dl-de/zero-2-0 (X-License, Link).", None, CSV)},
    ),
    ("GET", f"{API}/reports/ideas.json"): op(
        "Open data: the published ideas (JSON)",
        "reports",
        {200: ok("Licence dl-de/zero-2-0 (X-License, Link).", "IdeasExport")},
    ),
    ("GET", f"{API}/reports/moderation.csv"): op(
        "Moderation export (CSV)", "reports", {200: ok("One row per idea.", None, CSV)}, auth=True, errors=AUTH_ERRORS
    ),
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
        {
            202: ok(
                "Taken in, marked assisted; moderated like every idea.",
                "Receipt",
                headers={"Location": "The idea's URL.", "Idempotent-Replayed": "true on a replayed retry."},
            )
        },
        body="AssistedSubmission",
        auth=True,
        errors=JSON_BODY_ERRORS + AUTH_ERRORS + (409,),
        headers=(IDEMPOTENCY_KEY,),
    ),
    ("GET", f"{API}/health"): op(
        "Health of the broker and every service",
        "operations",
        {200: ok("Everything answers.", "Health"), 503: ok("Something failed; named in checks.", "Health")},
    ),
    ("GET", f"{API}/openapi.json"): op("This document", "operations", {200: ok("The OpenAPI document.", None)}),
}


# --- participation: supports and comments ---------------------------------------------------------


class CommentVisibility(Schema):
    comment_id = fields.UUID()
    hidden = fields.Boolean()


SCHEMAS |= {
    "SupportRequest": SupportRequest,
    "SupportCount": SupportCount,
    "SupportLink": SupportLink,
    "SupportState": SupportState,
    "WithdrawalState": WithdrawalState,
    "CommentSubmission": CommentSubmission,
    "CommentReceipt": CommentReceipt,
    "CommentThreads": CommentThreads,
    "CommentVisibility": CommentVisibility,
}
LINK_PAGE = (
    "Opened from the confirmation mail: a short German HTML page, unless the client prefers "
    "`application/json` (Accept), which gets the JSON below."
)
OPERATIONS |= {
    ("POST", f"{API}/ideas/{{idea_id}}/supports"): op(
        "Support a published idea",
        "participation",
        {202: ok("A confirmation link was mailed; the support counts once it is followed.", "ConfirmationSent")},
        body="SupportRequest",
        errors=PUBLIC_WRITE_ERRORS + (404, 409),
        description="One support per person (a confirmed e-mail address, kept only as a keyed hash) and idea; "
        "`409` if the idea is not published (or hidden).",
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
        description=LINK_PAGE,
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
        description=LINK_PAGE,
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
    ("POST", f"{API}/comments/{{comment_id}}/flags"): op(
        "Flag a posted comment",
        "moderation",
        {202: ok("Flag received.", "FlagReceived")},
        body="Flag",
        errors=PUBLIC_WRITE_ERRORS + (404, 409),
    ),
    ("POST", f"{API}/moderation/comments/{{comment_id}}/hide"): op(
        "Hide a comment",
        "moderation",
        {200: ok("Hidden.", "CommentVisibility")},
        body="Hide",
        auth=True,
        errors=JSON_BODY_ERRORS + AUTH_ERRORS + (404, 409),
    ),
    ("POST", f"{API}/moderation/comments/{{comment_id}}/unhide"): op(
        "Unhide a comment",
        "moderation",
        {200: ok("Visible again.", "CommentVisibility")},
        body="Unhide",
        auth=True,
        errors=JSON_BODY_ERRORS + AUTH_ERRORS + (404, 409),
    ),
}


def openapi_path(werkzeug_rule: str) -> str:
    """`/ideas/<idea_id>` (or `<string:idea_id>`) as OpenAPI writes it: `/ideas/{idea_id}`."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", werkzeug_rule)


def ref(name: str) -> dict:
    """A reference to a registered component schema (apispec would read a bare name as a marshmallow
    class name and instantiate it, which IdeaSubmission cannot be without its categories)."""
    return {"$ref": f"#/components/schemas/{name}"}


def _content(schema, media, also_html=False):
    if schema is None:
        content = {media: {"schema": {"type": "object"} if media == "application/json" else {"type": "string"}}}
    else:
        content = {media: {"schema": ref(schema)}}
    if also_html:
        content[HTML] = {"schema": {"type": "string"}}
    return content


def _operation(path: str, spec: dict) -> dict:
    operation = {"summary": spec["summary"], "tags": [spec["tag"]], "responses": {}}
    if spec["description"]:
        operation["description"] = spec["description"]
    parameters = [
        {
            "in": "path",
            "name": name,
            "required": True,
            "schema": TEXT_PATH_PARAMETERS.get(name, {"type": "string", "format": "uuid"}),
        }
        for name in re.findall(r"{([^}]+)}", path)
    ]
    if spec["query"] is not None:
        parameters.append({"in": "query", "schema": spec["query"]})
    parameters.extend(spec["headers"])
    if parameters:
        operation["parameters"] = parameters
    if spec["body"]:
        operation["requestBody"] = {
            "required": spec["body_required"],
            "content": {"application/json": {"schema": ref(spec["body"])}},
        }
    for status, (description, schema, media, headers) in spec["answers"].items():
        answer = {"description": description}
        if schema is not None or status != 204:
            answer["content"] = _content(schema, media, spec["also_html"])
        if headers:
            answer["headers"] = {
                name: {"description": text, "schema": {"type": "string"}} for name, text in headers.items()
            }
        operation["responses"][str(status)] = answer
    # Any operation may be turned away with 503 when the gateway is overloaded (aufbruch/http.py).
    errors = [status for status in dict.fromkeys(spec["errors"] + (503,)) if status not in spec["answers"]]
    for status in errors:
        name, description, schema = ERROR_RESPONSES[status]
        operation["responses"][str(status)] = (
            {"description": description, "content": _content(schema, "application/json", also_html=True)}
            if spec["also_html"]
            else {"$ref": f"#/components/responses/{name}"}
        )
    if spec["auth"]:
        operation["security"] = [{"bearerAuth": []}]
    return operation


def openapi_document(categories: list[str]) -> dict:
    """The gateway's OpenAPI document; `categories` are the configured idea categories."""
    spec = APISpec(
        title="Aufbruch API",
        version=DOCUMENT_VERSION,
        openapi_version=OPENAPI_VERSION,
        plugins=[MarshmallowPlugin()],
        info={"description": "The public HTTP API of the Aufbruch citizens' ideas platform."},
    )
    spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "An API token issued by an admin."}
    )
    for name, schema in CATEGORY_SCHEMAS.items():
        spec.components.schema(name, schema=schema(list(categories)))
    for name, schema in SCHEMAS.items():
        spec.components.schema(name, schema=schema)
    spec.components.schema("ReportSummary", REPORT_SUMMARY)
    for status, (name, description, schema) in ERROR_RESPONSES.items():
        headers = {"Retry-After": {"schema": {"type": "integer"}}} if status in (429, 503) else {}
        headers |= {"WWW-Authenticate": {"schema": {"type": "string"}}} if status == 401 else {}
        response = {"description": description, "content": {"application/json": {"schema": ref(schema)}}}
        spec.components.response(name, response | ({"headers": headers} if headers else {}))
    by_path: dict[str, dict] = {}
    for (method, path), operation in OPERATIONS.items():
        by_path.setdefault(path, {})[method.lower()] = _operation(path, operation)
    for path, operations in by_path.items():
        spec.path(path=path, operations=operations)
    return _empty_query_values_count_as_absent(spec.to_dict())


def _empty_query_values_count_as_absent(document: dict) -> dict:
    """The reports API reads `?from=&to=` as no period at all (reports_api.query_arguments)."""
    for path, operations in document["paths"].items():
        for operation in operations.values() if path.startswith(f"{API}/reports/") else ():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
    return document


@lru_cache(maxsize=8)
def _cached_document(categories: tuple[str, ...]) -> dict:
    return openapi_document(list(categories))


class OpenApiDocument:
    """Mixed into GatewayService; `self.config` is the gateway's Config (IDEA_CATEGORIES)."""

    @http("GET", f"{API}/openapi.json")
    @answers_errors
    def openapi_json(self, request):
        return json_response(200, _cached_document(tuple(configured_categories(self.config))))
