"""Rendering a page: the Jinja2 templates (autoescaped) with the site's layout, texts and headers.

Every template gets `locale`, `t` (the page's texts: `t("key")`, `t("key", n=3)` formats), `link`
(a German path in the page's language: `link("/ideen")`), `date` (an API date as the city's day),
`other_language_url`, `dashboard_url`, `accessibility_contact` and `path` (the German path of this
page). Staff pages render through the same `Pages.render`; their own texts come as
`texts={"de": {...}, "en": {...}}`, looked up before the site's.
"""

import logging
from collections.abc import Mapping
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from nameko.extensions import DependencyProvider
from werkzeug.wrappers import Request, Response

from aufbruch.contracts.ideas import OFFICIAL_STATUSES
from aufbruch.http import RETRY_AFTER_SECONDS, SECURITY_HEADERS
from aufbruch.labels import category_label, official_status_label
from aufbruch.settings import SharedSettings
from services.web import i18n
from services.web.settings import WebSettings
from services.web.texts import TEXTS

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).parent / "templates"
# Nothing from another origin, no script, no inline style; forms post only here.
PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'"
PAGE_HEADERS = SECURITY_HEADERS | {"Content-Security-Policy": PAGE_CSP}


MONTHS = {
    "de": (
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
CITY_TIMEZONE = ZoneInfo("Europe/Berlin")


def city_date(locale: str, value: str | None) -> str:
    """An API date or timestamp as the city's day, written out: "3. Dezember 2026", "3 December 2026"."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value)
    day = moment.astimezone(CITY_TIMEZONE).date() if moment.tzinfo else moment.date()
    month = MONTHS[locale][day.month - 1]
    return f"{day.day}. {month} {day.year}" if locale == "de" else f"{day.day} {month} {day.year}"


def translator(locale: str, extra: Mapping[str, Mapping[str, str]] | None = None):
    tables = [table[locale] for table in (extra or {}, TEXTS) if locale in table]

    def t(key: str, **values: Any) -> str:
        text = next((table[key] for table in tables if key in table), None)
        if text is None:
            raise KeyError(f"no {locale} text {key!r}")
        return text.format(**values) if values else text

    return t


def query(values: Mapping[str, Any], **more: Any) -> str:
    """A query string of the values given (empty ones left out): the filters kept across pages."""
    return urlencode({key: value for key, value in (dict(values) | more).items() if value not in (None, "")})


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals |= {
        "category_label": category_label,
        "official_status_label": official_status_label,
        "official_statuses": OFFICIAL_STATUSES,
        "query": query,
    }
    return env


def busy_pages() -> dict[str, bytes]:
    """The page for a request shed under load, in each language, rendered once."""
    template = environment().get_template("busy.html")
    return {
        locale: template.render(locale=locale, t=translator(locale), link=partial(i18n.localized, locale)).encode()
        for locale in TEXTS
    }


BUSY_PAGES = busy_pages()


def busy_page(request: Request) -> Response:
    """The web's answer to a request shed under load (aufbruch.http's `busy=`): a page, not the API's JSON."""
    headers = PAGE_HEADERS | {"Retry-After": RETRY_AFTER_SECONDS}
    return Response(BUSY_PAGES[i18n.page_locale(request)], status=503, mimetype="text/html", headers=headers)


class Pages(DependencyProvider):
    """`self.pages.render(request, "idea.html", status=200, idea=...)`, `self.pages.redirect(request, "/ideen")`."""

    settings = SharedSettings(WebSettings.from_config)

    def setup(self) -> None:
        self.env = environment()

    def get_dependency(self, worker_ctx) -> "Pages":
        return self

    def render(
        self,
        request: Request,
        template: str,
        status: int = 200,
        texts: Mapping[str, Mapping[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
        page_path: str | None = None,
        **context: Any,
    ) -> Response:
        """`page_path`: the German path of the page shown, when the request was a form sent to another."""
        locale = i18n.page_locale(request)
        html = self.env.get_template(template).render(
            locale=locale,
            t=translator(locale, texts),
            link=lambda path: i18n.localized(locale, path),
            date=lambda value: city_date(locale, value),
            other_language_url=i18n.other_language_url(request, page_path),
            dashboard_url=f"{self.settings.value.public_base_url}/dashboard",
            accessibility_contact=self.settings.value.accessibility_contact,
            path=page_path or i18n.german_path(request.path),
            **context,
        )
        response = Response(html, status=status, mimetype="text/html")
        response.headers.update(PAGE_HEADERS)
        response.headers.update(headers or {})
        return response

    def translate(self, request: Request, key: str, **values: Any) -> str:
        return translator(i18n.page_locale(request))(key, **values)

    def message(
        self,
        request: Request,
        status: int,
        heading_key: str,
        *paragraph_keys: str,
        headers: Mapping[str, str] | None = None,
        idea_id: str | None = None,
        **values: Any,
    ) -> Response:
        """A page that says one thing (confirmed, not found, unavailable, ...): the texts' keys, formatted
        with `values`; `idea_id` adds a link to the idea."""
        t = translator(i18n.page_locale(request))
        return self.render(
            request,
            "message.html",
            status,
            headers=headers,
            heading=t(heading_key, **values),
            paragraphs=[t(key, **values) for key in paragraph_keys],
            idea_id=idea_id,
        )

    def redirect(self, request: Request, german_path: str) -> Response:
        """303 See Other to `german_path` in the page's language: the Get after a successful Post."""
        response = Response(status=303, headers={"Location": i18n.localized(i18n.page_locale(request), german_path)})
        response.headers.update(PAGE_HEADERS)
        return response
