"""The ideas: the list with its filters, the submission form, and an idea's page with what citizens do
there (support, comment, follow, flag: participation.py)."""

import uuid

from services.web import forms, i18n
from services.web.participation import ParticipationForms
from services.web.routing import ask, expect, page

PER_PAGE = 20
LIST_FILTERS = ("category", "district", "process_id", "official_status")
THANKS = {  # ?danke=… after a successful form (Post/Redirect/Get): the notice the idea's page shows
    "idee": "idea_received",
    "unterstuetzung": "support_requested",
    "kommentar": "comment_received",
    "folgen": "follow_requested",
    "meldung": "flag_received",
}


def new_idempotency_key() -> str:
    """One per rendering of a form: a second click on the same form sends the same key, so one idea."""
    return uuid.uuid4().hex


class IdeaPages(ParticipationForms):
    """Mixed into WebService (services/web/service.py names its dependencies)."""

    def _choices(self, request) -> tuple[list, list]:
        """The configured categories and the processes, for the forms' and filters' lists."""
        categories = expect(ask(self.gateway, request, "GET", "/categories"))["items"]
        processes = expect(ask(self.gateway, request, "GET", "/processes"))["items"]
        return categories, processes

    @page("GET", "/ideen")
    def ideas(self, request):
        chosen = {name: request.args.get(name, "") for name in LIST_FILTERS}
        page_number = request.args.get("page", type=int, default=1)
        answer = ask(
            self.gateway, request, "GET", "/ideas", params=chosen | {"page": page_number, "per_page": PER_PAGE}
        )
        errors = forms.field_errors(
            answer.field_errors, {name: name for name in LIST_FILTERS}, i18n.page_locale(request)
        )
        listing: dict = {"items": [], "total": 0, "page": 1} if errors else expect(answer)
        categories, processes = self._choices(request)
        return self.pages.render(
            request,
            "ideas.html",
            422 if errors else 200,
            listing=listing,
            pages=max(1, -(-listing["total"] // PER_PAGE)),
            values=chosen,
            errors=errors,
            categories=categories,
            processes=processes,
        )

    @page("GET", "/ideen/neu")
    def new_idea(self, request):
        values = {"process_id": request.args.get("process_id", ""), "locale": i18n.page_locale(request)}
        return self._submission_form(request, values)

    def _submission_form(self, request, values, status=200, errors=None, busy=False, headers=None):
        categories, processes = self._choices(request)
        return self.pages.render(
            request,
            "idea_form.html",
            status,
            headers=headers,
            values=values,
            errors=errors or {},
            busy=busy,
            categories=categories,
            processes=[each for each in processes if each["state"] == "open" and not each["standing"]],
            idempotency_key=new_idempotency_key(),
        )

    @page("POST", "/ideen/neu")
    def submit_idea(self, request):
        answer = ask(
            self.gateway,
            request,
            "POST",
            "/ideas",
            json=forms.idea_submission(request.form),
            headers={"Idempotency-Key": request.form.get("idempotency_key", "")[:200] or new_idempotency_key()},
        )
        if answer.ok:
            return self.pages.redirect(request, f"/ideen/{answer.body['id']}?danke=idee")
        values = request.form.to_dict()
        if answer.busy:
            retry = {"Retry-After": answer.headers["Retry-After"]} if "Retry-After" in answer.headers else None
            return self._submission_form(request, values, answer.status, busy=True, headers=retry)
        if answer.status == 422:
            errors = forms.field_errors(answer.field_errors, forms.IDEA_FIELDS, i18n.page_locale(request))
        elif answer.status == 409:  # the process stopped taking ideas
            errors = {"process_id": self.pages.translate(request, "process_closed")}
        else:
            expect(answer)
        return self._submission_form(request, values, answer.status, errors=errors)

    @page("GET", "/ideen/<idea_id>")
    def idea(self, request, idea_id):
        thanks = THANKS.get(request.args.get("danke", ""))
        return self._idea_page(request, idea_id, notice=thanks)
