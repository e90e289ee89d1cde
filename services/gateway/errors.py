"""One table from what went wrong to the HTTP answer a client gets."""
import logging
from functools import wraps

from nameko.exceptions import RpcTimeout, UnknownService

from aufbruch.contracts.errors import Conflict, InvalidInput, NotFound, Unavailable
from services.gateway.http import HttpError, json_response

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = "5"


class ServiceTimeout(Exception):
    """A service did not answer in time."""


def _unavailable(exc):
    return json_response(503, {"error": "The service is temporarily unavailable. Please retry."},
                         {"Retry-After": RETRY_AFTER_SECONDS})


ERROR_RESPONSES = {
    HttpError: lambda exc: json_response(exc.status, {"error": exc.message}, exc.headers),
    InvalidInput: lambda exc: json_response(422, {"errors": exc.errors}),
    NotFound: lambda exc: json_response(404, {"error": str(exc)}),
    Conflict: lambda exc: json_response(409, {"error": str(exc)}),
    Unavailable: _unavailable,
    UnknownService: _unavailable,
    RpcTimeout: _unavailable,
    ServiceTimeout: _unavailable,
}


def answers_errors(handler):
    """Turn every exception of an HTTP entrypoint into its JSON answer; never leak a stack trace."""
    @wraps(handler)
    def wrapper(*args, **kwargs):
        try:
            return handler(*args, **kwargs)
        except tuple(ERROR_RESPONSES) as exc:
            return next(answer(exc) for kind, answer in ERROR_RESPONSES.items() if isinstance(exc, kind))
        except Exception:
            log.exception("unexpected error in %s", handler.__name__)
            return json_response(500, {"error": "Internal error."})
    return wrapper
