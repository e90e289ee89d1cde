"""An idea's page and the forms on it: support (then the confirmation mail), comment or reply (shown
after moderation), follow (then the confirmation mail), flag. Each form posts to
`/ideen/{id}/<action>`; success redirects back to the idea with a thank-you notice (Post/Redirect/Get),
a 422 shows the page again with the errors next to the form's fields and the text kept."""

from collections.abc import Callable
from dataclasses import dataclass

from aufbruch.contracts.ideas import STANDING_PROCESS
from aufbruch.contracts.moderation import FLAG_REASONS
from services.web import forms, i18n
from services.web.routing import PageGroup, PageNotFound, ask, expect, page


@dataclass(frozen=True)
class IdeaForm:
    name: str  # the part of the idea's page it is on (its anchor), and its key in the template
    endpoint: str  # under /api/v1/ideas/{id}
    thanks: str  # ?danke=…
    payload: Callable[[dict, str], dict]  # (form, page locale) → the API's request body
    fields: Callable[[dict], dict[str, str]]  # form → {API field: field id on the page}


def _comment_fields(form: dict) -> dict[str, str]:
    prefix = f"reply_{form['parent_id']}_" if form.get("parent_id") else "comment_"
    return {"body": f"{prefix}body", "author_name": f"{prefix}author_name"}


def _address_for_mails(form: dict, locale: str) -> dict:
    """A support or follow request: its mails (and the pages they link to) in the page's language."""
    return {"email": form.get("email", ""), "locale": locale}


IDEA_FORMS = {
    "unterstuetzen": IdeaForm(
        "support", "supports", "unterstuetzung", _address_for_mails, lambda form: {"email": "support_email"}
    ),
    "kommentieren": IdeaForm(
        "comment", "comments", "kommentar", lambda form, locale: forms.comment_submission(form), _comment_fields
    ),
    "folgen": IdeaForm("follow", "followers", "folgen", _address_for_mails, lambda form: {"email": "follow_email"}),
    "melden": IdeaForm(
        "flag",
        "flags",
        "meldung",
        lambda form, locale: {"reason": form.get("reason", ""), "email": form.get("email", "")},
        lambda form: {"reason": "flag_reason", "email": "flag_email"},
    ),
}


class ParticipationForms(PageGroup):
    """Mixed into WebService through IdeaPages."""

    def _idea_page(self, request, idea_id, status=200, notice=None, form=None, values=None, errors=None, busy=False):
        answer = ask(self.gateway, request, "GET", f"/ideas/{idea_id}")
        if answer.status == 422:  # not an idea's id at all
            raise PageNotFound()
        idea = expect(answer)
        published = idea["status"] == "published"
        supports = comments = process = None
        if published:
            supports = expect(ask(self.gateway, request, "GET", f"/ideas/{idea_id}/supports"))
            comments = expect(ask(self.gateway, request, "GET", f"/ideas/{idea_id}/comments"))
        if idea.get("process_id") not in (None, STANDING_PROCESS):
            process = ask(self.gateway, request, "GET", f"/processes/{idea['process_id']}").body
        return self.pages.render(
            request,
            "idea.html",
            status,
            page_path=f"/ideen/{idea_id}",
            idea=idea,
            supports=supports,
            comments=comments,
            process=process,
            notice=notice,
            form=form,
            values=values or {},
            errors=errors or {},
            busy=busy,
            flag_reasons=FLAG_REASONS,
        )

    @page("POST", "/ideen/<idea_id>/<action>")
    def idea_form(self, request, idea_id, action):
        idea_form = IDEA_FORMS.get(action)
        if idea_form is None:
            raise PageNotFound()
        form = request.form.to_dict()
        locale = i18n.page_locale(request)
        answer = ask(
            self.gateway,
            request,
            "POST",
            f"/ideas/{idea_id}/{idea_form.endpoint}",
            json=idea_form.payload(form, locale),
        )
        if answer.ok:
            return self.pages.redirect(request, f"/ideen/{idea_id}?danke={idea_form.thanks}#{idea_form.name}")
        fields = idea_form.fields(form)
        values = {fields.get(name, name): value for name, value in form.items()}
        if answer.busy:
            return self._idea_page(request, idea_id, answer.status, form=idea_form.name, values=values, busy=True)
        if answer.status == 409:
            return self._idea_page(request, idea_id, 409, notice="closed_for_participation")
        if answer.status != 422:
            expect(answer)
        errors = forms.field_errors(answer.field_errors, fields, locale)
        return self._idea_page(request, idea_id, 422, form=idea_form.name, values=values, errors=errors)
