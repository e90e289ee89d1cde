"""Admins' pages for the participation processes: the list, a new one, changing one."""

from werkzeug.wrappers import Response

from services.web.routing import expect, page
from services.web.staff import forms
from services.web.staff.assisted import category_options
from services.web.staff.visit import ADMINS, STAFF, Refusal, Visit, form_state, staff_page

PROCESSES = f"{STAFF}/prozesse"
NEW = f"{PROCESSES}/neu"


class ProcessPages:
    """Mixed into the web service (StaffPages)."""

    @page("GET", PROCESSES)
    @staff_page(*ADMINS)
    def staff_processes(self, visit: Visit) -> Response:
        return visit.render("staff/processes.html", processes=expect(visit.api("GET", "/processes"))["items"])

    @page("GET", NEW)
    @staff_page(*ADMINS)
    def staff_new_process_form(self, visit: Visit) -> Response:
        return process_form(visit, None, {"categories": []})

    @page("POST", NEW)
    @staff_page(*ADMINS)
    def staff_create_process(self, visit: Visit) -> Response:
        payload = forms.process(visit.request.form, new=True, categories=visit.request.form.getlist("categories"))
        created = visit.api("POST", "/admin/processes", json=payload)
        if created.ok:
            return visit.redirect(PROCESSES, notice="process_created")
        return process_form(visit, None, _entered(visit), Refusal("process", created, forms.PROCESS_FIELDS))

    @page("GET", f"{PROCESSES}/<process_id>")
    @staff_page(*ADMINS)
    def staff_edit_process_form(self, visit: Visit, process_id: str) -> Response:
        process = expect(visit.api("GET", f"/processes/{process_id}"))
        return process_form(visit, process, forms.process_values(process))

    @page("POST", f"{PROCESSES}/<process_id>")
    @staff_page(*ADMINS)
    def staff_change_process(self, visit: Visit, process_id: str) -> Response:
        payload = forms.process(visit.request.form, new=False, categories=visit.request.form.getlist("categories"))
        changed = visit.api("PATCH", f"/admin/processes/{process_id}", json=payload)
        if changed.ok:
            return visit.redirect(PROCESSES, notice="process_changed")
        process = expect(visit.api("GET", f"/processes/{process_id}"))
        return process_form(visit, process, _entered(visit), Refusal("process", changed, forms.PROCESS_FIELDS))


def _entered(visit: Visit) -> dict:
    return dict(visit.request.form) | {"categories": visit.request.form.getlist("categories")}


def process_form(visit: Visit, process: dict | None, values: dict, refused: Refusal | None = None) -> Response:
    """The form for a new process (`process` None) or for changing one, with `values` in its fields."""
    state = form_state(visit, refused) | {"values": values}
    if "categories" in state["errors"] and not values["categories"]:  # the API's "length" means items here
        state["errors"]["categories"] = visit.text("field_categories_missing")
    return visit.render(
        "staff/process_form.html",
        status=refused.status if refused else 200,
        process=process,
        categories=category_options(visit),
        **state,
    )
