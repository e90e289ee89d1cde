"""Ideas as staff see them: the published ones to choose from, and an idea's staff page with the city's
official answer (staff, admins) and hiding or unhiding it and its comments (moderators, admins)."""

import uuid
from functools import partial

from werkzeug.wrappers import Response

from aufbruch.contracts.moderation import HIDE_REASONS, UNHIDE_REASONS
from aufbruch.labels import OFFICIAL_STATUS_LABELS, official_status_label
from services.web.routing import PageNotFound, expect, page
from services.web.staff import forms
from services.web.staff.moderation import QUEUE, case_page
from services.web.staff.visit import (
    ANSWERERS,
    EVERY_ROLE,
    MODERATORS,
    STAFF,
    Refusal,
    Visit,
    form_id,
    form_state,
    staff_page,
)

IDEAS = f"{STAFF}/ideen"
PER_PAGE = 20
OFFICIAL_STATUSES = tuple(OFFICIAL_STATUS_LABELS["de"])
VISIBILITY_CHANGES = "<any(ausblenden, einblenden):change>"  # German path segments: hide, unhide


class StaffIdeaPages:
    """Mixed into the web service (StaffPages)."""

    @page("GET", IDEAS)
    @staff_page(*EVERY_ROLE)
    def staff_ideas(self, visit: Visit) -> Response:
        asked = visit.request.args.get("seite", "1")
        number = int(asked) if asked.isdigit() and int(asked) >= 1 else 1
        answered = visit.request.args.get("antwort", "")
        official_status = answered if answered in (*OFFICIAL_STATUSES, "none") else None
        listed = expect(
            visit.api(
                "GET", "/ideas", params={"page": number, "per_page": PER_PAGE, "official_status": official_status}
            )
        )
        return visit.render(
            "staff/ideas.html",
            ideas=listed["items"],
            page_number=number,
            more=number * PER_PAGE < listed.get("total", 0),
            official_status=official_status or "",
            status_options=status_options(visit),
        )

    @page("GET", f"{IDEAS}/<uuid:idea_id>")
    @staff_page(*EVERY_ROLE)
    def staff_idea(self, visit: Visit, idea_id: uuid.UUID) -> Response:
        return idea_page(visit, idea_id)

    @page("POST", f"{IDEAS}/<uuid:idea_id>/antwort")
    @staff_page(*ANSWERERS)
    def staff_answer_idea(self, visit: Visit, idea_id: uuid.UUID) -> Response:
        answered = visit.api("POST", f"/ideas/{idea_id}/answers", json=forms.answer(visit.request.form))
        if answered.ok:
            return visit.redirect(f"{IDEAS}/{idea_id}", notice="answered")
        return idea_page(visit, idea_id, Refusal("answer", answered, forms.ANSWER_FIELDS))

    @page("POST", f"{IDEAS}/<uuid:idea_id>/{VISIBILITY_CHANGES}")
    @staff_page(*MODERATORS)
    def staff_hide_or_unhide_idea(self, visit: Visit, idea_id: uuid.UUID, change: str) -> Response:
        return _change_visibility(visit, "idea", idea_id, change)

    @page("POST", f"{STAFF}/kommentare/<uuid:comment_id>/{VISIBILITY_CHANGES}")
    @staff_page(*MODERATORS)
    def staff_hide_or_unhide_comment(self, visit: Visit, comment_id: uuid.UUID, change: str) -> Response:
        return _change_visibility(visit, "comment", comment_id, change)


def _change_visibility(visit: Visit, subject: str, subject_id: uuid.UUID, change: str) -> Response:
    """Hide or unhide an idea or a comment with a reason, then back where the form was: the case
    (`case_id` in the form) or the idea's staff page (`idea_id` in a comment's form)."""
    action = "hide" if change == "ausblenden" else "unhide"
    form = visit.request.form
    idea_id = subject_id if subject == "idea" else form_id(form, "idea_id", "idea")
    case_id = form_id(form, "case_id", "case")
    if case_id is not None:
        back, shown_again = f"{QUEUE}/{case_id}", partial(case_page, visit, case_id)
    elif idea_id is not None:
        back, shown_again = f"{IDEAS}/{idea_id}", partial(idea_page, visit, idea_id)
    else:
        raise PageNotFound()  # not a form of ours: each says where it was
    changed = visit.api("POST", f"/moderation/{subject}s/{subject_id}/{action}", json=forms.note_and_reason(form))
    if changed.ok:
        return visit.redirect(back, notice=f"{subject}_{action}")
    return shown_again(Refusal(f"{action}_{subject_id}", changed, forms.REASON_FIELDS))


def idea_page(visit: Visit, idea_id: uuid.UUID, refused: Refusal | None = None) -> Response:
    """The idea as the API shows it (a hidden idea: only what the API shows), its answers and comments,
    and the forms the visitor's role may use."""
    idea = expect(visit.api("GET", f"/ideas/{idea_id}"))
    comments: list[dict] = []
    if idea.get("status") == "published":
        listed = visit.api("GET", f"/ideas/{idea_id}/comments")
        comments = listed.body.get("items", []) if listed.ok else []
    return visit.render(
        "staff/idea.html",
        status=refused.status if refused else 200,
        idea=idea,
        comments=comments,
        status_options=status_options(visit),
        hide_reasons=HIDE_REASONS,
        unhide_reasons=UNHIDE_REASONS,
        may_answer=visit.role in ANSWERERS,
        may_moderate=visit.role in MODERATORS,
        **form_state(visit, refused),
    )


def status_options(visit: Visit) -> list[tuple[str, str]]:
    return [(code, official_status_label(visit.locale, code)) for code in OFFICIAL_STATUSES]
