"""The web: Aufbruch's pages for citizens (and, under /verwaltung, for the city's staff), rendered on
the server with Jinja2. It owns no data and reaches the platform only through the gateway's public HTTP
API (GATEWAY_URL), as any other frontend would; what it needs that the API lacks is added to the API.

German pages at `/…`, English at `/en/…` (routing.page registers both). The pages need no JavaScript
and load nothing from elsewhere (pages.PAGE_CSP).

How the parts hook in: each group of pages is a mixin of `WebService` with its `@page` (or `@http`)
entrypoints, using the dependencies declared here: `self.settings` (WebSettings), `self.gateway`
(GatewayClient: `self.gateway.request(method, path, token=..., json=..., params=..., client_address=...)`
→ Answer) and `self.pages` (Pages: `render`, `message`, `redirect`). The staff pages are `StaffPages`
from services/web/staff/; the citizens' are `IdeaPages` (ideas, supports, comments, follows, flags),
`LinkPages` (the pages mails link to) and `InfoPages` (start, Leichte Sprache, accessibility).
"""

from pathlib import Path

from werkzeug.wrappers import Response

from aufbruch.http import SECURITY_HEADERS, http
from aufbruch.settings import Settings
from services.web.gateway import GatewayClient
from services.web.idea_pages import IdeaPages
from services.web.info_pages import InfoPages
from services.web.link_pages import LinkPages
from services.web.pages import Pages
from services.web.routing import PageNotFound, page
from services.web.settings import WebSettings
from services.web.staff import StaffPages

STATIC = Path(__file__).parent / "static"
STATIC_TYPES = {".css": "text/css", ".svg": "image/svg+xml"}
STATIC_MAX_AGE_SECONDS = 3600


class WebService(StaffPages, IdeaPages, LinkPages, InfoPages):
    name = "web"

    settings = Settings(WebSettings.from_config)
    gateway = GatewayClient()
    pages = Pages()

    @http("GET", "/static/<name>")
    def static(self, request, name):
        file = STATIC / name
        if file.suffix not in STATIC_TYPES or not file.is_file():
            return Response("Not found", status=404, headers=SECURITY_HEADERS)
        headers = SECURITY_HEADERS | {"Cache-Control": f"public, max-age={STATIC_MAX_AGE_SECONDS}"}
        return Response(file.read_bytes(), mimetype=STATIC_TYPES[file.suffix], headers=headers)

    @page("GET", "/<path:unknown>")
    def unknown_page(self, request, unknown):
        raise PageNotFound()
