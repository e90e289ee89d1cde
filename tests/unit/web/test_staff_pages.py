"""The staff pages rendered by their real entrypoints and templates against a fake gateway: sign-in and
sign-out, the CSRF check, roles, a revoked token, the queue's marked findings, decisions, answers and
the API's refusals shown on the page."""

import re
import uuid
from types import SimpleNamespace

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from aufbruch.contracts.moderation import DECISION_REASONS, FLAG_REASONS, HIDE_REASONS, UNHIDE_REASONS
from aufbruch.labels import MODERATION_REASON_LABELS
from services.web.gateway import Answer
from services.web.session import COOKIE_NAME, CSRF_FIELD, SessionCookie, StaffUser, signed_in_session
from services.web.staff import StaffPages
from services.web.staff.texts import STAFF_TEXTS
from tests.unit.web.fakes import IDEA_ID, SETTINGS, FakeGateway, pages

SECRET = SETTINGS.session_secret
CASE_ID = str(uuid.uuid4())
TEXT = "Spielplatz reparieren\n\nBitte abends anrufen unter 0171 2345678, danke."
PHONE = [TEXT.index("0171"), TEXT.index("0171") + 12]
CASE = {
    "id": CASE_ID,
    "idea_id": IDEA_ID,
    "subject_type": "idea",
    "comment_id": None,
    "kind": "review",
    "status": "open",
    "reasons": ["personal_data"],
    "findings": [{"reason": "personal_data", "outcome": "review", "detail": "phone number", "spans": [PHONE]}],
    "text": TEXT,
    "opened_at": "2026-12-03T10:00:00+00:00",
    "decided_at": None,
    "decision": None,
    "decision_reason": None,
}
HISTORY = [
    {"at": "2026-12-03T10:00:00+00:00", "actor_kind": "automatic", "actor_name": None, "action": "automatic_decision",
     "outcome": "review", "reasons": ["personal_data"], "findings": None, "note": None, "case_id": None},
]  # fmt: skip
STAFF_ANSWERS = {
    ("GET", "/moderation/queue"): Answer(200, {"items": [CASE]}),
    ("GET", f"/moderation/cases/{CASE_ID}"): Answer(200, CASE | {"history": HISTORY}),
}


def staff_gateway(answers: dict | None = None) -> FakeGateway:
    return FakeGateway(STAFF_ANSWERS | (answers or {}))


def service(gateway: FakeGateway | None = None) -> SimpleNamespace:
    """What the staff entrypoints use of the web service: its pages, gateway and session cookies."""
    return SimpleNamespace(
        pages=pages(), gateway=gateway or staff_gateway(), session_cookies=SessionCookie(SECRET, https_site=False)
    )


def cookie_for(role: str, token: str = "aufb_secret") -> tuple[str, str]:
    """A signed-in session cookie and its CSRF token."""
    session = signed_in_session(token, StaffUser("u-1", f"{role}-1", f"Eine {role}", role))
    response = Response()
    SessionCookie(SECRET, https_site=False).write(request("/"), response, session)
    return response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1], session.csrf_token


def request(path: str, method: str = "GET", cookie: str | None = None, form: dict | None = None) -> Request:
    headers = {"Cookie": f"{COOKIE_NAME}={cookie}"} if cookie else {}
    return Request(EnvironBuilder(path, method=method, headers=headers, data=form).get_environ())


def html(response: Response) -> str:
    return response.get_data(as_text=True)


def test_the_sign_in_page_carries_a_csrf_token_that_its_cookie_holds():
    response = StaffPages.staff_sign_in_form(service(), request("/verwaltung/anmelden"))

    assert response.status_code == 200
    [token] = re.findall(rf'name="{CSRF_FIELD}" value="([^"]+)"', html(response))
    session = SessionCookie(SECRET, https_site=False).read(request("/", cookie=_set_cookie(response)))
    assert session is not None and session.csrf_token == token and not session.signed_in
    assert 'type="password"' in html(response) and 'for="token"' in html(response)


def _set_cookie(response: Response) -> str:
    return response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]


def test_signing_in_checks_the_token_with_me_and_starts_a_session():
    gateway = staff_gateway(
        {
            ("GET", "/me"): Answer(
                200, {"user_id": "u-9", "username": "mona", "display_name": "Mona", "role": "moderator"}
            )
        }
    )
    page = service(gateway)
    form_page = StaffPages.staff_sign_in_form(page, request("/verwaltung/anmelden"))
    anonymous, csrf = _set_cookie(form_page), re.findall(r'value="([^"]{40,})"', html(form_page))[0]

    response = StaffPages.staff_sign_in(
        page, request("/verwaltung/anmelden", "POST", anonymous, {CSRF_FIELD: csrf, "token": " aufb_mona "})
    )

    assert response.status_code == 303 and response.headers["Location"] == "/verwaltung?hinweis=signed_in"
    assert gateway.sent("GET", "/me")["token"] == "aufb_mona"
    session = page.session_cookies.read(request("/", cookie=_set_cookie(response)))
    assert session.signed_in and session.api_token == "aufb_mona" and session.user.role == "moderator"
    assert session.csrf_token != csrf


@pytest.mark.parametrize(("status", "expected"), [(401, "gilt nicht"), (503, "überlastet")])
def test_a_refused_token_or_a_busy_platform_is_said_next_to_the_field(status, expected):
    page = service(staff_gateway({("GET", "/me"): Answer(status, {"error": "no"})}))
    cookie, csrf = cookie_for("moderator")

    response = StaffPages.staff_sign_in(
        page, request("/verwaltung/anmelden", "POST", cookie, {CSRF_FIELD: csrf, "token": "aufb_wrong"})
    )

    assert response.status_code in (422, 503)
    assert 'id="token-fehler"' in html(response) and expected in html(response)
    assert 'aria-invalid="true"' in html(response) and "aufb_wrong" not in html(response)


def test_a_post_without_the_sessions_csrf_token_is_refused_with_a_403_page_and_nothing_is_sent():
    gateway = staff_gateway()
    cookie, _ = cookie_for("moderator")

    response = StaffPages.staff_decide_case(
        service(gateway),
        request(f"/verwaltung/pruefung/{CASE_ID}", "POST", cookie, {"decision": "approve", "reason": "acceptable"}),
        case_id=CASE_ID,
    )

    assert response.status_code == 403 and "Formular abgelaufen" in html(response)
    assert gateway.requests == []


def test_a_visitor_not_signed_in_is_sent_to_the_sign_in_page():
    response = StaffPages.staff_review_queue(service(), request("/en/verwaltung/pruefung"))

    assert response.status_code == 303 and response.headers["Location"] == "/en/verwaltung/anmelden"


def test_a_role_without_the_page_gets_a_403_page():
    cookie, _ = cookie_for("staff")

    response = StaffPages.staff_review_queue(service(), request("/verwaltung/pruefung", cookie=cookie))

    assert response.status_code == 403 and "Kein Zugriff" in html(response)


def test_the_queue_marks_the_findings_in_the_text_and_names_them():
    cookie, _ = cookie_for("moderator")
    gateway = staff_gateway()

    response = StaffPages.staff_review_queue(service(gateway), request("/verwaltung/pruefung", cookie=cookie))

    assert response.status_code == 200
    assert '<mark>0171 2345678</mark><span class="finding-name"> [Fund: Persönliche Daten]</span>' in html(response)
    assert gateway.sent("GET", "/moderation/queue")["token"] == "aufb_secret"
    assert f'href="/verwaltung/pruefung/{CASE_ID}"' in html(response)


def test_a_revoked_token_ends_the_session():
    cookie, _ = cookie_for("moderator")
    gateway = staff_gateway({("GET", "/moderation/queue"): Answer(401, {"error": "Authentication required."})})

    response = StaffPages.staff_review_queue(service(gateway), request("/verwaltung/pruefung", cookie=cookie))

    assert response.status_code == 303
    assert response.headers["Location"] == "/verwaltung/anmelden?hinweis=session_ended"
    assert "Max-Age=0" in response.headers["Set-Cookie"]
    shown = StaffPages.staff_sign_in_form(service(), request("/verwaltung/anmelden?hinweis=session_ended"))
    assert 'class="notice notice-warning" role="status"' in html(shown) and "nicht mehr gilt" in html(shown)


def test_signing_out_clears_the_cookie():
    cookie, csrf = cookie_for("admin")

    response = StaffPages.staff_sign_out(service(), request("/verwaltung/abmelden", "POST", cookie, {CSRF_FIELD: csrf}))

    assert response.status_code == 303 and response.headers["Location"] == "/verwaltung/anmelden?hinweis=signed_out"
    assert (
        response.headers["Set-Cookie"].startswith(f"{COOKIE_NAME}=;") and "Max-Age=0" in response.headers["Set-Cookie"]
    )


def test_a_case_shows_its_marked_text_trail_and_both_decision_forms():
    cookie, _ = cookie_for("moderator")

    response = StaffPages.staff_case(
        service(), request(f"/verwaltung/pruefung/{CASE_ID}", cookie=cookie), case_id=CASE_ID
    )

    page = html(response)
    assert response.status_code == 200 and "<mark>0171 2345678</mark>" in page
    assert "Automatische Entscheidung" in page and "<caption" in page
    assert 'value="approve"' in page and 'value="reject"' in page and 'value="false_positive"' in page
    assert f'action="/verwaltung/ideen/{IDEA_ID}/ausblenden"' in page


def test_deciding_sends_the_decision_and_goes_back_to_the_queue():
    cookie, csrf = cookie_for("moderator")
    gateway = staff_gateway(
        {("POST", f"/moderation/cases/{CASE_ID}/decision"): Answer(200, CASE | {"decision": "approve"})}
    )
    form = {CSRF_FIELD: csrf, "decision": "approve", "reason": "acceptable", "note": ""}

    response = StaffPages.staff_decide_case(
        service(gateway), request(f"/verwaltung/pruefung/{CASE_ID}", "POST", cookie, form), case_id=CASE_ID
    )

    assert (
        response.status_code == 303 and response.headers["Location"] == "/verwaltung/pruefung?hinweis=decided_approve"
    )
    assert gateway.sent("POST", f"/moderation/cases/{CASE_ID}/decision")["json"] == {
        "decision": "approve",
        "reason": "acceptable",
        "note": None,
    }


def test_a_case_decided_meanwhile_is_explained_in_words():
    cookie, csrf = cookie_for("moderator")
    gateway = staff_gateway(
        {
            ("POST", f"/moderation/cases/{CASE_ID}/decision"): Answer(
                409, {"error": "This case has been decided already."}
            )
        }
    )
    form = {CSRF_FIELD: csrf, "decision": "reject", "reason": "personal_data"}

    response = StaffPages.staff_decide_case(
        service(gateway), request(f"/verwaltung/pruefung/{CASE_ID}", "POST", cookie, form), case_id=CASE_ID
    )

    assert response.status_code == 409
    assert 'role="alert"' in html(response) and "schon entschieden" in html(response)


def test_an_answers_field_error_is_shown_next_to_its_field_with_the_text_kept():
    cookie, csrf = cookie_for("staff")
    gateway = staff_gateway(
        {("POST", f"/ideas/{IDEA_ID}/answers"): Answer(422, {"errors": {"text": ["Shorter than minimum length 1."]}})}
    )
    form = {CSRF_FIELD: csrf, "status": "accepted", "text": "   "}

    response = StaffPages.staff_answer_idea(
        service(gateway), request(f"/verwaltung/ideen/{IDEA_ID}/antwort", "POST", cookie, form), idea_id=IDEA_ID
    )

    page = html(response)
    assert response.status_code == 422
    assert 'id="text-fehler"' in page and "Bitte mindestens 1 Zeichen." in page  # the API's words in German
    assert '<option value="accepted" selected>' in page


def test_an_answer_is_sent_and_the_idea_page_shown_again():
    cookie, csrf = cookie_for("staff")
    gateway = staff_gateway({("POST", f"/ideas/{IDEA_ID}/answers"): Answer(201, {"id": "a-1"})})
    form = {CSRF_FIELD: csrf, "status": "accepted", "text": " Wir reparieren die Schaukel. "}

    response = StaffPages.staff_answer_idea(
        service(gateway), request(f"/en/verwaltung/ideen/{IDEA_ID}/antwort", "POST", cookie, form), idea_id=IDEA_ID
    )

    assert response.headers["Location"] == f"/en/verwaltung/ideen/{IDEA_ID}?hinweis=answered"
    assert gateway.sent("POST", f"/ideas/{IDEA_ID}/answers")["json"] == {
        "status": "accepted",
        "text": "Wir reparieren die Schaukel.",
    }


def test_an_assisted_idea_is_sent_with_the_citizens_consent_and_its_idempotency_key():
    cookie, csrf = cookie_for("staff")
    gateway = staff_gateway({("POST", "/assisted-ideas"): Answer(202, {"id": IDEA_ID, "status": "submitted"})})
    form = {
        CSRF_FIELD: csrf,
        "idempotency_key": "key-1",
        "title": "Mehr Bänke",
        "description": "Im Stadtpark fehlen Bänke für ältere Menschen.",
        "category": "other",
        "email": "buerger@example.org",
        "locale": "de",
        "consent": "yes",
    }

    response = StaffPages.staff_submit_assisted_idea(
        service(gateway), request("/verwaltung/ideen/neu", "POST", cookie, form)
    )

    assert response.status_code == 200 and IDEA_ID in html(response)
    sent = gateway.sent("POST", "/assisted-ideas")
    assert sent["headers"] == {"Idempotency-Key": "key-1"}
    assert sent["json"] == {
        "title": "Mehr Bänke",
        "description": "Im Stadtpark fehlen Bänke für ältere Menschen.",
        "category": "other",
        "district": None,
        "locale": "de",
        "author": {"name": None, "email": "buerger@example.org"},
        "consent": True,
    }


def test_a_process_form_shows_list_item_errors_at_the_categories():
    cookie, csrf = cookie_for("admin")
    errors = {
        "errors": {"categories": {"0": ["Must be one of: other."]}, "id": ["String does not match expected pattern."]}
    }
    gateway = staff_gateway({("POST", "/admin/processes"): Answer(422, errors)})
    form = {
        CSRF_FIELD: csrf,
        "id": "X",
        "title": "Digitalgipfel",
        "description": "d",
        "opens_on": "2027-01-01",
        "categories": "mobility",
    }

    response = StaffPages.staff_create_process(
        service(gateway), request("/verwaltung/prozesse/neu", "POST", cookie, form)
    )

    page = html(response)
    assert response.status_code == 422
    assert 'id="categories-fehler"' in page and "Bitte wählen Sie einen Eintrag der Liste." in page
    assert 'id="id-fehler"' in page
    assert 'value="Digitalgipfel"' in page


@pytest.mark.parametrize(
    ("page_name", "path", "role", "values"),
    [
        ("staff_start", "/verwaltung", "admin", {}),
        ("staff_ideas", "/verwaltung/ideen", "staff", {}),
        ("staff_idea", f"/verwaltung/ideen/{IDEA_ID}", "admin", {"idea_id": IDEA_ID}),
        ("staff_assisted_idea_form", "/verwaltung/ideen/neu", "staff", {}),
        ("staff_processes", "/verwaltung/prozesse", "admin", {}),
        ("staff_new_process_form", "/verwaltung/prozesse/neu", "admin", {}),
    ],
)
@pytest.mark.parametrize("language", ["", "/en"])
def test_every_staff_page_renders_in_both_languages_with_one_h1_and_the_sign_out_form(
    page_name, path, role, values, language
):
    cookie, _ = cookie_for(role)

    response = getattr(StaffPages, page_name)(service(), request(language + path, cookie=cookie), **values)

    page = html(response)
    assert response.status_code == 200
    assert page.count("<h1>") == 1 and f'<html lang="{"en" if language else "de"}">' in page
    assert 'action="' + language + '/verwaltung/abmelden"' in page


def test_every_staff_text_and_every_moderation_reason_has_both_languages():
    reasons = {code for codes in DECISION_REASONS.values() for code in codes} | {
        *HIDE_REASONS,
        *UNHIDE_REASONS,
        *FLAG_REASONS,
    }

    assert set(STAFF_TEXTS["de"]) == set(STAFF_TEXTS["en"])
    assert set(MODERATION_REASON_LABELS["de"]) == set(MODERATION_REASON_LABELS["en"])
    assert reasons <= set(MODERATION_REASON_LABELS["de"])


def test_a_hidden_idea_shows_what_the_api_shows_and_the_form_to_show_it_again():
    hidden = {"id": IDEA_ID, "status": "hidden", "category": "other", "submitted_at": "2026-12-01T10:00:00+00:00"}
    cookie, _ = cookie_for("moderator")
    gateway = staff_gateway({("GET", f"/ideas/{IDEA_ID}"): Answer(200, hidden)})

    response = StaffPages.staff_idea(
        service(gateway), request(f"/verwaltung/ideen/{IDEA_ID}", cookie=cookie), idea_id=IDEA_ID
    )

    page = html(response)
    assert response.status_code == 200 and "Ausgeblendete Idee" in page
    assert f'action="/verwaltung/ideen/{IDEA_ID}/einblenden"' in page and 'value="corrected"' in page
    assert "/antwort" not in page


def test_hiding_a_comment_sends_the_reason_and_goes_back_to_its_idea():
    cookie, csrf = cookie_for("moderator")
    comment_id = str(uuid.uuid4())
    gateway = staff_gateway({("POST", f"/moderation/comments/{comment_id}/hide"): Answer(200, {})})
    form = {CSRF_FIELD: csrf, "idea_id": IDEA_ID, "reason": "spam", "note": " Werbung "}

    response = StaffPages.staff_hide_or_unhide_comment(
        service(gateway),
        request(f"/verwaltung/kommentare/{comment_id}/ausblenden", "POST", cookie, form),
        comment_id=comment_id,
        change="ausblenden",
    )

    assert response.headers["Location"] == f"/verwaltung/ideen/{IDEA_ID}?hinweis=comment_hide"
    assert gateway.sent("POST", f"/moderation/comments/{comment_id}/hide")["json"] == {
        "reason": "spam",
        "note": "Werbung",
    }


def test_a_visibility_form_that_names_no_idea_or_case_of_ours_changes_nothing():
    cookie, csrf = cookie_for("moderator")
    gateway = staff_gateway()
    form = {CSRF_FIELD: csrf, "case_id": "../../elsewhere", "reason": "spam"}

    response = StaffPages.staff_hide_or_unhide_comment(
        service(gateway),
        request(f"/verwaltung/kommentare/{CASE_ID}/ausblenden", "POST", cookie, form),
        comment_id=CASE_ID,
        change="ausblenden",
    )

    assert response.status_code == 404 and gateway.requests == []


def test_an_idea_already_hidden_is_explained_on_its_case():
    cookie, csrf = cookie_for("moderator")
    gateway = staff_gateway({("POST", f"/moderation/ideas/{IDEA_ID}/hide"): Answer(409, {"error": "hidden already"})})
    form = {CSRF_FIELD: csrf, "case_id": CASE_ID, "reason": "spam"}

    response = StaffPages.staff_hide_or_unhide_idea(
        service(gateway),
        request(f"/verwaltung/ideen/{IDEA_ID}/ausblenden", "POST", cookie, form),
        idea_id=IDEA_ID,
        change="ausblenden",
    )

    assert response.status_code == 409 and "schon ausgeblendet" in html(response)


def test_a_case_about_a_comment_offers_to_hide_or_show_the_comment_and_comes_back_to_the_case():
    comment_id = str(uuid.uuid4())
    comment_case = CASE | {"subject_type": "comment", "comment_id": comment_id, "kind": "flags", "text": "Kauft bei X!"}
    cookie, _ = cookie_for("admin")
    gateway = staff_gateway(
        {("GET", f"/moderation/cases/{CASE_ID}"): Answer(200, comment_case | {"findings": [], "history": HISTORY})}
    )

    response = StaffPages.staff_case(
        service(gateway), request(f"/en/verwaltung/pruefung/{CASE_ID}", cookie=cookie), case_id=CASE_ID
    )

    page = html(response)
    assert response.status_code == 200 and "Case about a comment" in page and "Kauft bei X!" in page
    assert f'action="/en/verwaltung/kommentare/{comment_id}/ausblenden"' in page
    assert f'action="/en/verwaltung/kommentare/{comment_id}/einblenden"' in page
    assert page.count(f'name="case_id" value="{CASE_ID}"') == 2
    assert ("GET", f"/ideas/{IDEA_ID}") not in [(each["method"], each["path"]) for each in gateway.requests]
