"""One request to a staff page: its session, the CSRF check, who may see the page, and the API
called with the signed-in token. `staff_page(...)` wraps every staff entrypoint with these rules, so
that no page can forget one of them; `routing.page` outside it serves both languages and turns a
missing resource or a failing platform into its page."""

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from nameko.extensions import DependencyProvider
from werkzeug.wrappers import Request, Response

from aufbruch.contracts.errors import NotFound, resource_id
from aufbruch.labels import moderation_reason_label
from aufbruch.settings import SharedSettings
from services.web import i18n
from services.web.forms import field_errors
from services.web.gateway import Answer, GatewayClient
from services.web.pages import Pages, translator
from services.web.session import CSRF_FIELD, Session, SessionCookie
from services.web.settings import WebSettings
from services.web.staff.forms import lists_as_fields
from services.web.staff.texts import STAFF_TEXTS

STAFF = "/verwaltung"
SIGN_IN = f"{STAFF}/anmelden"
MODERATORS = ("moderator", "admin")
ANSWERERS = ("staff", "admin")  # the city's official answers and assisted submissions
ADMINS = ("admin",)
EVERY_ROLE = ("moderator", "staff", "admin")
WARNINGS = ("session_ended",)  # notices that something went other than the visitor asked


class SessionCookies(DependencyProvider):
    """The session cookie's key and flags, from the settings at start-up."""

    settings = SharedSettings(WebSettings.from_config)

    def setup(self) -> None:
        settings = self.settings.value
        self.cookie = SessionCookie(settings.session_secret, https_site=settings.public_web_url.startswith("https:"))

    def get_dependency(self, worker_ctx) -> SessionCookie:
        return self.cookie


class SessionEnded(Exception):
    """The API answered 401: the token was revoked or its user disabled since signing in."""


@dataclass
class Visit:
    request: Request
    session: Session
    pages: Pages
    gateway: GatewayClient
    ended: bool = False
    renewed: bool = False

    @property
    def locale(self) -> str:
        return i18n.page_locale(self.request)

    @property
    def role(self) -> str | None:
        return self.session.user.role if self.session.user else None

    def api(self, method: str, path: str, **kwargs: Any) -> Answer:
        """The gateway's answer to a call with this session's token; a 401 ends the session."""
        answer = self.gateway.request(
            method,
            path,
            token=self.session.api_token,
            client_address=self.request.remote_addr,
            locale=self.locale,
            **kwargs,
        )
        if answer.status == 401 and self.session.api_token:
            raise SessionEnded
        return answer

    def text(self, key: str, **values: Any) -> str:
        return translator(self.locale, STAFF_TEXTS)(key, **values)

    def label(self, kind: str, code: str) -> str:
        """What a code (a reason, an audit action, a role) is called; an unknown code as itself."""
        if kind == "reason":
            return moderation_reason_label(self.locale, code)
        return STAFF_TEXTS[self.locale].get(f"{kind}_{code}", code)

    def notice(self) -> str | None:
        """The text of the notice a redirect asked for (`?hinweis=`), if it is one of ours."""
        return STAFF_TEXTS[self.locale].get(f"notice_{self.request.args.get('hinweis')}")

    def begin(self, session: Session) -> None:
        self.session, self.renewed = session, True

    def end(self) -> None:
        self.ended = True

    def render(self, template: str, status: int = 200, **context: Any) -> Response:
        return self.pages.render(
            self.request,
            template,
            status=status,
            texts=STAFF_TEXTS,
            session=self.session,
            csrf_field=CSRF_FIELD,
            role=self.role,
            notice=self.notice(),
            notice_kind="warning" if self.request.args.get("hinweis") in WARNINGS else "success",
            label=self.label,
            **context,
        )

    def redirect(self, german_path: str, notice: str | None = None) -> Response:
        """303 to a staff page, with a notice code (staff/texts.py: notice_<code>) to show there."""
        return self.pages.redirect(self.request, german_path + ("?" + urlencode({"hinweis": notice}) if notice else ""))


def staff_page(*roles: str) -> Callable:
    """The entrypoint of a staff page that `roles` may see (none: also the signed-out); it is called
    as `page(self, visit, **url_values)`. Every POST must carry the session's CSRF token (403 page
    otherwise); a visitor not signed in is sent to the sign-in page, a role not among `roles` gets a 403
    page, and a 401 from the API ends the session."""

    def decorate(page: Callable) -> Callable:
        @wraps(page)
        def entrypoint(service, request: Request, **values: Any) -> Response:
            cookies: SessionCookie = service.session_cookies
            session = cookies.read(request)
            visit = Visit(request, session or Session(), service.pages, service.gateway, renewed=session is None)
            response = _answer(service, visit, page, roles, values)
            if visit.ended:
                cookies.clear(request, response)
            elif visit.renewed:
                cookies.write(request, response, visit.session)
            return response

        return entrypoint

    return decorate


def _answer(service, visit: Visit, page: Callable, roles: tuple[str, ...], values: dict) -> Response:
    if visit.request.method == "POST" and not visit.session.accepts(visit.request.form):
        return visit.render("staff/refused.html", status=403)
    if roles and not visit.session.signed_in:
        return visit.redirect(SIGN_IN)
    if roles and visit.role not in roles:
        return visit.render("staff/forbidden.html", status=403)
    try:
        return page(service, visit, **values)
    except SessionEnded:
        visit.end()
        return visit.redirect(SIGN_IN, notice="session_ended")


@dataclass(frozen=True)
class Refusal:
    """A form the API refused: `form` names it on the page, `answer` says why."""

    form: str
    answer: Answer
    fields: Mapping[str, str]  # the API's field → the form's field (staff/forms.py)

    @property
    def status(self) -> int:
        """The page's status: the API's for what the visitor can act on, 502 for anything else."""
        return self.answer.status if self.answer.status in (403, 404, 409, 422, 429, 503) else 502


def form_state(visit: Visit, refused: Refusal | None) -> dict:
    """What a page with forms shows of a refused one: `failed_form`, its `errors` by field, `problem`
    (a 409 or another refusal in words) and the `values` entered, to show them again."""
    if refused is None:
        return {"failed_form": None, "errors": {}, "problem": None, "values": {}}
    answer = refused.answer
    problem = None
    if answer.status == 409:
        problem = visit.text(f"conflict_{refused.form.split('_', 1)[0]}")
    elif answer.busy:
        problem = visit.text("error_busy")
    elif answer.status != 422:
        problem = visit.text("error_403" if answer.status == 403 else "error_other")
    return {
        "failed_form": refused.form,
        "errors": field_errors(lists_as_fields(answer.field_errors), refused.fields, visit.locale),
        "problem": problem,
        "values": dict(visit.request.form),
    }


def form_id(form: Mapping[str, str], name: str, what: str) -> uuid.UUID | None:
    """The id of a `what` in a form's hidden field `name`; None if it is missing or no id."""
    try:
        return resource_id(form[name], what) if form.get(name) else None
    except NotFound:
        return None
