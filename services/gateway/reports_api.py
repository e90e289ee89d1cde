"""The reports part of the gateway's API: figures, a time series, and the exports.

`summary`, `timeseries`, `ideas.csv` and `ideas.json` are public: figures and published ideas,
never personal data. The exports of published ideas are open data under the licence in
aufbruch.contracts.reports.LICENSE, named in an `X-License` and a `Link: <…>; rel="license"` header.
`moderation.csv` is for the city's own evaluation of moderation: admins only.
"""

from functools import partial

from marshmallow import Schema, fields, validate
from werkzeug.wrappers import Request, Response

from aufbruch.contracts.errors import InvalidInput
from aufbruch.contracts.reports import IDEA_EXPORT_COLUMNS, INTERVALS, LICENSE, METRICS, MODERATION_EXPORT_COLUMNS
from aufbruch.http import SECURITY_HEADERS, json_response
from services.gateway.auth import Authentication
from services.gateway.csv_export import to_csv
from services.gateway.documentation import AUTH_ERRORS, CSV, ok, op
from services.gateway.http_helpers import API
from services.gateway.rpc import call

REPORTS = f"{API}/reports"
# HTTP query parameter -> reporting's RPC argument
PERIOD_PARAMS = {"from": "from_date", "to": "to_date"}
TIMESERIES_PARAMS = PERIOD_PARAMS | {"metric": "metric", "interval": "interval"}
LICENSE_HEADERS = {"X-License": LICENSE["id"], "Link": f'<{LICENSE["url"]}>; rel="license"'}


def query_arguments(args, params: dict) -> dict:
    """The request's query parameters as RPC arguments; empty ones count as absent, unknown ones are
    refused (a misspelt `form=` should not silently report everything)."""
    unknown = sorted(set(args) - set(params))
    if unknown:
        raise InvalidInput({name: ["Unknown parameter."] for name in unknown})
    return {params[name]: value for name, value in args.items() if value != ""}


def http_names(errors: dict, params: dict) -> dict:
    """reporting's errors, named by the HTTP parameters the client sent."""
    names = {argument: name for name, argument in params.items()}
    return {names.get(key, key): messages for key, messages in errors.items()}


def csv_response(text: str, filename: str, headers: dict | None = None) -> Response:
    response = Response(text, status=200, content_type="text/csv; charset=utf-8")
    response.headers.update(SECURITY_HEADERS)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers.update(headers or {})
    return response


def _report(reporting, method: str, params: dict, arguments: dict):
    rpc = getattr(reporting, method)
    try:
        return call(partial(rpc, **arguments) if arguments else rpc)
    except InvalidInput as exc:
        raise InvalidInput(http_names(exc.errors, params)) from None


def summary(reporting, request: Request) -> Response:
    arguments = query_arguments(request.args, PERIOD_PARAMS)
    return json_response(200, _report(reporting, "summary", PERIOD_PARAMS, arguments))


def timeseries(reporting, request: Request) -> Response:
    arguments = query_arguments(request.args, TIMESERIES_PARAMS)
    arguments.setdefault("metric", None)  # reporting names it when it is missing
    return json_response(200, _report(reporting, "timeseries", TIMESERIES_PARAMS, arguments))


def ideas_csv(reporting, request: Request) -> Response:
    rows = _report(reporting, "published_ideas", {}, {})
    return csv_response(to_csv(IDEA_EXPORT_COLUMNS, rows), "ideas.csv", LICENSE_HEADERS)


def ideas_json(reporting, request: Request) -> Response:
    rows = _report(reporting, "published_ideas", {}, {})
    items = [{column: row.get(column) for column in IDEA_EXPORT_COLUMNS} for row in rows]
    return json_response(
        200, {"license": LICENSE, "columns": list(IDEA_EXPORT_COLUMNS), "items": items}, LICENSE_HEADERS
    )


def moderation_csv(auth: Authentication, reporting, request: Request) -> Response:
    auth.require(request, "admin")
    rows = _report(reporting, "moderation_rows", {}, {})
    return csv_response(to_csv(MODERATION_EXPORT_COLUMNS, rows), "moderation.csv")


# --- the OpenAPI description --------------------------------------------------------------------


class PeriodQuery(Schema):
    from_ = fields.Date(data_key="from", metadata={"description": "First city day (inclusive)."})
    to = fields.Date(metadata={"description": "Last city day (inclusive)."})


class TimeseriesParams(PeriodQuery):
    metric = fields.String(required=True, validate=validate.OneOf(METRICS))
    interval = fields.String(load_default="day", validate=validate.OneOf(INTERVALS))


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
SCHEMAS = {"Timeseries": Timeseries, "IdeasExport": IdeasExport, "ReportSummary": REPORT_SUMMARY}
OPERATIONS = {
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
}
