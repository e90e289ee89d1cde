"""HTTP plumbing shared by the services that serve HTTP: reading JSON bodies safely, writing JSON
responses, and the `http` entrypoint, which answers every exception of its method from one table
(ERROR_RESPONSES) and turns requests away at once when the service already holds more than it can
work off soon.

    @http("GET", "/api/v1/ideas/<idea_id>")
    def get_idea(self, request, idea_id): ...   # raise NotFound(...): the client gets its 404
"""

import json
import logging
from collections.abc import Callable
from functools import wraps

from nameko.exceptions import RpcTimeout, UnknownService
from nameko.extensions import SharedExtension
from nameko.web.handlers import HttpRequestHandler
from werkzeug.wrappers import Request, Response

from aufbruch.contracts.errors import Conflict, InvalidInput, NotFound, Unavailable
from aufbruch.contracts.ideas import LOCALES

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = "5"

MAX_BODY_BYTES = 64 * 1024
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}


class HttpError(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def json_response(status: int, body, headers: dict | None = None) -> Response:
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")
    response.headers.update(SECURITY_HEADERS)
    response.headers.update(headers or {})
    return response


def _is_json(mimetype: str) -> bool:
    return mimetype == "application/json" or (mimetype.startswith("application/") and mimetype.endswith("+json"))


def read_body(request: Request) -> bytes:
    """The raw body of a JSON request, or an HttpError if it is not JSON or too large."""
    if not _is_json(request.mimetype):
        raise HttpError(415, "Content-Type must be application/json.")
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise HttpError(413, f"Request body must not exceed {MAX_BODY_BYTES} bytes.")
    raw = request.stream.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise HttpError(413, f"Request body must not exceed {MAX_BODY_BYTES} bytes.")
    return raw


def parse_json(raw: bytes):
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise HttpError(400, "Request body is not valid UTF-8.") from None
    except RecursionError:
        raise HttpError(400, "Request body is nested too deeply.") from None
    except ValueError as exc:
        raise HttpError(400, f"Request body is not valid JSON: {exc}") from None


def accepted_locale(request: Request) -> str | None:
    """The platform's language the client prefers (Accept-Language), None if it accepts neither."""
    return request.accept_languages.best_match(LOCALES)


def wants_json(request: Request) -> bool:
    """Whether the client prefers JSON to HTML (`Accept: application/json`): pages opened from a mail
    answer browsers in HTML and programs such as the web front end in JSON."""
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def read_json(request: Request):
    """The request's JSON document, or an HttpError with the status the problem deserves."""
    return parse_json(read_body(request))


class ServiceTimeout(Exception):
    """A service did not answer in time."""


class ServiceUnreachable(Exception):
    """A service could not be reached at all."""


class Unauthorized(Exception):
    """No credentials, or credentials nobody issued (or that were revoked)."""


class Forbidden(Exception):
    """Valid credentials whose role does not allow this."""


def _unavailable(exc):
    return json_response(
        503, {"error": "The service is temporarily unavailable. Please retry."}, {"Retry-After": RETRY_AFTER_SECONDS}
    )


ERROR_RESPONSES = {
    HttpError: lambda exc: json_response(exc.status, {"error": exc.message}, exc.headers),
    InvalidInput: lambda exc: json_response(422, {"errors": exc.errors}),
    NotFound: lambda exc: json_response(404, {"error": str(exc)}),
    Conflict: lambda exc: json_response(409, {"error": str(exc)}),
    Unavailable: _unavailable,
    UnknownService: _unavailable,
    RpcTimeout: _unavailable,
    ServiceTimeout: _unavailable,
    ServiceUnreachable: _unavailable,
    Unauthorized: lambda exc: json_response(
        401, {"error": str(exc) or "Authentication required."}, {"WWW-Authenticate": 'Bearer realm="aufbruch"'}
    ),
    Forbidden: lambda exc: json_response(403, {"error": str(exc) or "Your role does not allow this."}),
}


def error_response(exc: Exception, where: str) -> Response:
    """The answer to an exception an HTTP entrypoint's method raised; never a stack trace."""
    for kind, answer in ERROR_RESPONSES.items():
        if isinstance(exc, kind):
            return answer(exc)
    log.error("unexpected error in %s", where, exc_info=exc)
    return json_response(500, {"error": "Internal error."})


def answers_errors(handler):
    """`handler`, answering every exception it raises with its error response. `http` applies it to
    every entrypoint; applying it again (a method with two `http` routes) changes nothing."""
    if getattr(handler, "answers_errors", False):
        return handler

    @wraps(handler)
    def wrapper(*args, **kwargs):
        try:
            return handler(*args, **kwargs)
        except Exception as exc:
            return error_response(exc, handler.__name__)

    wrapper.answers_errors = True  # type: ignore[attr-defined]
    return wrapper


class Admission(SharedExtension):
    """The requests one service process holds, at work or waiting for a worker, and how many it
    may: `max_workers` plus `HTTP_MAX_QUEUED_REQUESTS` waiting."""

    def setup(self):
        config = self.container.config
        self.limit = int(config.get("max_workers", 10)) + int(config.get("HTTP_MAX_QUEUED_REQUESTS", 200))
        self.held = 0


def busy_json(request: Request) -> Response:
    """The API's answer to a request shed under load."""
    return json_response(
        503,
        {"error": "The platform is busy right now. Please retry shortly."},
        {"Retry-After": RETRY_AFTER_SECONDS},
    )


class AdmittingHttpRequestHandler(HttpRequestHandler):
    """Nameko's `http`, with load shedding: beyond the Admission limit a request gets 503 with
    Retry-After at once instead of waiting behind all the others for a worker, however many there
    are. What is admitted keeps a bounded wait; a retried POST is safe with its Idempotency-Key.

    `busy(request)` makes that answer (the API's JSON by default; the web pages answer a page). It runs
    outside any worker, in the busiest moment: it must be cheap and need no dependency."""

    admission = Admission()

    def __init__(self, method: str, url: str, busy: Callable[[Request], Response] = busy_json, **kwargs):
        super().__init__(method, url, **kwargs)
        self.busy = busy

    def handle_request(self, request):
        # Checked and counted without yielding to another green thread: no race between the two.
        if self.admission.held >= self.admission.limit:
            return self.busy(request)
        self.admission.held += 1
        try:
            return super().handle_request(request)
        finally:
            self.admission.held -= 1


def http(method: str, url: str, **kwargs):
    """The HTTP entrypoint: Nameko's `http`, with load shedding (`busy=` the answer to a request it
    sheds), whose method's exceptions get their answers from ERROR_RESPONSES. They are answered inside
    the worker, so that a 404 is a worker that answered, not one that failed: Nameko logs no stack
    trace for it, and dependency providers (a database's commit, say) see the request as handled."""
    entrypoint = AdmittingHttpRequestHandler.decorator(method, url, **kwargs)

    def decorate(handler):
        return entrypoint(answers_errors(handler))

    return decorate
