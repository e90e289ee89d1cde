"""The reports part of the gateway's API: figures, a time series, and the exports.

`summary`, `timeseries`, `ideas.csv` and `ideas.json` are public: figures and published ideas,
never personal data. The exports of published ideas are open data under the licence in
aufbruch.contracts.reports.LICENSE, named in an `X-License` and a `Link: <…>; rel="license"` header.
`moderation.csv` is for the city's own evaluation of moderation: admins only.
"""

from functools import partial

from nameko.rpc import RpcProxy
from werkzeug.wrappers import Response

from aufbruch.contracts.errors import InvalidInput
from aufbruch.contracts.reports import IDEA_EXPORT_COLUMNS, LICENSE, MODERATION_EXPORT_COLUMNS
from aufbruch.http import SECURITY_HEADERS, answers_errors, http, json_response
from services.gateway.csv_export import to_csv
from services.gateway.rpc import call

REPORTS = "/api/v1/reports"
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


class ReportsApi:
    """Mixed into GatewayService; `self.auth` is the gateway's Authenticator (declared on AdminApi)."""

    reporting = RpcProxy("reporting")

    def _report(self, method: str, params: dict, arguments: dict):
        rpc = getattr(self.reporting, method)
        try:
            return call(partial(rpc, **arguments) if arguments else rpc)
        except InvalidInput as exc:
            raise InvalidInput(http_names(exc.errors, params)) from None

    @http("GET", f"{REPORTS}/summary")
    @answers_errors
    def report_summary(self, request):
        arguments = query_arguments(request.args, PERIOD_PARAMS)
        return json_response(200, self._report("summary", PERIOD_PARAMS, arguments))

    @http("GET", f"{REPORTS}/timeseries")
    @answers_errors
    def report_timeseries(self, request):
        arguments = query_arguments(request.args, TIMESERIES_PARAMS)
        arguments.setdefault("metric", None)  # reporting names it when it is missing
        return json_response(200, self._report("timeseries", TIMESERIES_PARAMS, arguments))

    @http("GET", f"{REPORTS}/ideas.csv")
    @answers_errors
    def report_ideas_csv(self, request):
        rows = self._report("published_ideas", {}, {})
        return csv_response(to_csv(IDEA_EXPORT_COLUMNS, rows), "ideas.csv", LICENSE_HEADERS)

    @http("GET", f"{REPORTS}/ideas.json")
    @answers_errors
    def report_ideas_json(self, request):
        rows = self._report("published_ideas", {}, {})
        items = [{column: row.get(column) for column in IDEA_EXPORT_COLUMNS} for row in rows]
        return json_response(
            200, {"license": LICENSE, "columns": list(IDEA_EXPORT_COLUMNS), "items": items}, LICENSE_HEADERS
        )

    @http("GET", f"{REPORTS}/moderation.csv")
    @answers_errors
    def report_moderation_csv(self, request):
        self.auth.require(request, "admin")
        rows = self._report("moderation_rows", {}, {})
        return csv_response(to_csv(MODERATION_EXPORT_COLUMNS, rows), "moderation.csv")
