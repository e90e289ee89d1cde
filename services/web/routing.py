"""A page's entrypoints: one path, served in German at `path` and in English at `/en` + `path`, and the
one place where what went wrong becomes a page (not found, platform unreachable, our own error)."""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from aufbruch.http import http
from services.web import i18n
from services.web.gateway import Answer, GatewayClient
from services.web.pages import Pages, busy_page

log = logging.getLogger(__name__)


class PageGroup:
    """The base of each group of pages that WebService mixes in: the dependencies WebService declares,
    annotated here for the type checker (Nameko injects them into each worker)."""

    gateway: GatewayClient
    pages: Pages


class PageNotFound(Exception):
    """What the page shows does not exist (the API said 404)."""


class PlatformUnavailable(Exception):
    """The gateway could not answer (unreachable, overloaded, or failing)."""


def expect(answer: Answer) -> Any:
    """The body of a successful answer; a 404 or a failing platform as the page it means."""
    if answer.ok:
        return answer.body
    if answer.status == 404:
        raise PageNotFound()
    raise PlatformUnavailable(answer.status)


def ask(gateway, request, method: str, path: str, **kwargs: Any) -> Answer:
    """Call the API for the citizen behind `request`: their address, the page's language."""
    return gateway.request(method, path, client_address=request.remote_addr, locale=i18n.page_locale(request), **kwargs)


def page(method: str, path: str) -> Callable:
    """Serve the decorated method (self, request, ...) at `path` and its English twin; errors become pages."""

    def register(handler: Callable) -> Callable:
        @wraps(handler)
        def shown(self, request, *args, **kwargs):
            try:
                return handler(self, request, *args, **kwargs)
            except PageNotFound:
                return self.pages.message(request, 404, "not_found_title", "not_found_text")
            except PlatformUnavailable:
                return self.pages.message(
                    request, 503, "unavailable_title", "unavailable_text", headers={"Retry-After": "30"}
                )
            except Exception:
                log.exception("unexpected error in %s", handler.__name__)
                return self.pages.message(request, 500, "error_title", "error_text")

        english = i18n.localized("en", path)
        return http(method, english, busy=busy_page)(http(method, path, busy=busy_page)(shown))

    return register
