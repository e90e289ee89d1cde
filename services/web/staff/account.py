"""Signing in with an API token, the staff start page, signing out."""

from werkzeug.wrappers import Response

from services.web.routing import page
from services.web.session import StaffUser, signed_in_session
from services.web.staff.visit import EVERY_ROLE, SIGN_IN, STAFF, Visit, staff_page


class AccountPages:
    """Mixed into the web service (StaffPages)."""

    @page("GET", STAFF)
    @staff_page(*EVERY_ROLE)
    def staff_start(self, visit: Visit) -> Response:
        return visit.render("staff/start.html")

    @page("GET", SIGN_IN)
    @staff_page()
    def staff_sign_in_form(self, visit: Visit) -> Response:
        if visit.session.signed_in:
            return visit.redirect(STAFF)
        return visit.render("staff/sign_in.html", errors={})

    @page("POST", SIGN_IN)
    @staff_page()
    def staff_sign_in(self, visit: Visit) -> Response:
        token = (visit.request.form.get("token") or "").strip()
        if not token:
            return _sign_in_refused(visit, "error_token_missing", 422)
        me = visit.gateway.request("GET", "/me", token=token, client_address=visit.request.remote_addr)
        if me.status in (401, 403):
            return _sign_in_refused(visit, "error_token_refused", 422)
        if not me.ok or not isinstance(me.body, dict):
            return _sign_in_refused(visit, "error_busy", 503)
        user = StaffUser(
            user_id=str(me.body["user_id"]),
            username=str(me.body["username"]),
            display_name=me.body.get("display_name"),
            role=str(me.body["role"]),
        )
        visit.begin(signed_in_session(token, user))
        return visit.redirect(STAFF, notice="signed_in")

    @page("POST", f"{STAFF}/abmelden")
    @staff_page()
    def staff_sign_out(self, visit: Visit) -> Response:
        visit.end()
        return visit.redirect(SIGN_IN, notice="signed_out")


def _sign_in_refused(visit: Visit, error: str, status: int) -> Response:
    """The sign-in form again, its error beside the token field (the token itself is not shown again)."""
    return visit.render("staff/sign_in.html", status=status, errors={"token": visit.text(error)})
