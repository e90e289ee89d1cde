"""The gateway's answer to a request no entrypoint takes: JSON `404`, or `405` with `Allow` when the
path exists for other methods, with the security headers like every other answer (Nameko's web
server would send Werkzeug's bare HTML page without them).

Werkzeug prefers every other rule to this catch-all, so it only sees what nothing else matched.
"""

from functools import lru_cache

from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
from nameko.web.handlers import HttpRequestHandler
from werkzeug.routing import Map, Rule

from aufbruch.http import HttpError

ANY_METHOD = "GET,POST,PUT,PATCH,DELETE,OPTIONS"
CATCH_ALL = "/<path:unknown_path>"
CATCH_ALL_ROUTES = ("/", CATCH_ALL)  # the routes of the entrypoint that answers with unknown_route


@lru_cache(maxsize=4)
def _served_routes(service_cls) -> Map:
    rules = [
        Rule(entrypoint.url, methods=entrypoint.method.split(","))
        for name in dir(service_cls)
        for entrypoint in getattr(getattr(service_cls, name), ENTRYPOINT_EXTENSIONS_ATTR, ())
        if isinstance(entrypoint, HttpRequestHandler) and entrypoint.url not in CATCH_ALL_ROUTES
    ]
    return Map(rules)


def allowed_methods(service_cls, path: str) -> list[str]:
    """The methods `service_cls` serves at `path` (none: the path is unknown)."""
    return sorted(_served_routes(service_cls).bind("localhost").allowed_methods(path))


def unknown_route(service_cls, request):
    methods = allowed_methods(service_cls, request.path)
    if methods:
        raise HttpError(
            405,
            f"{request.method} is not allowed here; allowed: {', '.join(methods)}.",
            {"Allow": ", ".join(methods)},
        )
    raise HttpError(404, "There is nothing at this address.")
