"""Staff enter an idea for a citizen at a service desk, once the citizen agreed (`POST /assisted-ideas`)."""

import uuid

from werkzeug.wrappers import Response

from services.web.routing import expect, page
from services.web.staff import forms
from services.web.staff.visit import ANSWERERS, STAFF, Refusal, Visit, form_state, staff_page

ASSISTED = f"{STAFF}/ideen/neu"


class AssistedIdeaPages:
    """Mixed into the web service (StaffPages)."""

    @page("GET", ASSISTED)
    @staff_page(*ANSWERERS)
    def staff_assisted_idea_form(self, visit: Visit) -> Response:
        return assisted_form(visit)

    @page("POST", ASSISTED)
    @staff_page(*ANSWERERS)
    def staff_submit_assisted_idea(self, visit: Visit) -> Response:
        key = visit.request.form.get("idempotency_key") or str(uuid.uuid4())
        submitted = visit.api(
            "POST",
            "/assisted-ideas",
            json=forms.assisted_idea(visit.request.form),
            headers={"Idempotency-Key": key},
        )
        if submitted.ok:
            return visit.render("staff/assisted_done.html", idea_id=submitted.body["id"])
        return assisted_form(visit, Refusal("assisted", submitted, forms.ASSISTED_FIELDS), key)


def assisted_form(visit: Visit, refused: Refusal | None = None, key: str | None = None) -> Response:
    """The form, with the configured categories and the processes that take ideas now; a refused
    submission keeps its text and its Idempotency-Key (the same idea, however often it is sent)."""
    processes = expect(visit.api("GET", "/processes"))["items"]
    state = form_state(visit, refused)
    if "consent" in state["errors"]:  # the one field the citizens' form lacks: said in the page's words
        state["errors"]["consent"] = visit.text("field_consent_missing")
    return visit.render(
        "staff/assisted.html",
        status=refused.status if refused else 200,
        categories=category_options(visit),
        processes=[(each["id"], each["title"]) for each in processes if each["state"] == "open"],
        idempotency_key=key or str(uuid.uuid4()),
        **state,
    )


def category_options(visit: Visit) -> list[tuple[str, str]]:
    """The configured categories as (code, name in the page's language)."""
    categories = expect(visit.api("GET", "/categories"))["items"]
    return [(each["id"], each["labels"].get(visit.locale, each["id"])) for each in categories]
