"""Moderators' pages: the review queue with the automatic findings marked in the text, and a case
with its audit trail, the decision and hiding or unhiding what it is about."""

import uuid

from werkzeug.wrappers import Response

from aufbruch.contracts.moderation import DECISION_REASONS, HIDE_REASONS, UNHIDE_REASONS
from services.web.routing import expect, page
from services.web.staff import forms
from services.web.staff.highlight import highlighted
from services.web.staff.visit import MODERATORS, STAFF, Refusal, Visit, form_state, staff_page

QUEUE = f"{STAFF}/pruefung"
QUEUE_PAGE_SIZE = 50  # the cases the moderation service returns per page
LAST_PAGE = 100_000  # the API's


class ModerationPages:
    """Mixed into the web service (StaffPages)."""

    @page("GET", QUEUE)
    @staff_page(*MODERATORS)
    def staff_review_queue(self, visit: Visit) -> Response:
        asked = visit.request.args.get("seite", "1")
        number = int(asked) if asked.isdigit() and 1 <= int(asked) <= LAST_PAGE else 1
        cases = expect(visit.api("GET", "/moderation/queue", params={"page": number}))["items"]
        for case in cases:
            case["pieces"] = highlighted(case.get("text") or "", case.get("findings"))
        return visit.render("staff/queue.html", cases=cases, page_number=number, more=len(cases) >= QUEUE_PAGE_SIZE)

    @page("GET", f"{QUEUE}/<uuid:case_id>")
    @staff_page(*MODERATORS)
    def staff_case(self, visit: Visit, case_id: uuid.UUID) -> Response:
        return case_page(visit, case_id)

    @page("POST", f"{QUEUE}/<uuid:case_id>")
    @staff_page(*MODERATORS)
    def staff_decide_case(self, visit: Visit, case_id: uuid.UUID) -> Response:
        decided = visit.api("POST", f"/moderation/cases/{case_id}/decision", json=forms.decision(visit.request.form))
        if decided.ok:
            return visit.redirect(QUEUE, notice=f"decided_{decided.body.get('decision')}")
        return case_page(
            visit, case_id, Refusal(f"decision_{visit.request.form.get('decision')}", decided, forms.REASON_FIELDS)
        )


def case_page(visit: Visit, case_id: uuid.UUID, refused: Refusal | None = None) -> Response:
    """A case, its text with the findings marked, its trail, and the forms to decide it and to hide or
    unhide what it is about (for an idea only the one that applies now)."""
    case = expect(visit.api("GET", f"/moderation/cases/{case_id}"))
    case["pieces"] = highlighted(case.get("text") or "", case.get("findings"))
    idea = None
    if case.get("subject_type") != "comment":
        idea = visit.api("GET", f"/ideas/{case['idea_id']}").body
    return visit.render(
        "staff/case.html",
        status=refused.status if refused else 200,
        case=case,
        idea=idea if isinstance(idea, dict) else None,
        decision_reasons=DECISION_REASONS,
        hide_reasons=HIDE_REASONS,
        unhide_reasons=UNHIDE_REASONS,
        **form_state(visit, refused),
    )
