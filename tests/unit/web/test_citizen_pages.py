import pytest
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
from nameko.testing.services import worker_factory

from services.web.gateway import Answer
from services.web.pages import PAGE_CSP, busy_page
from services.web.service import WebService
from tests.unit.web.fakes import COMMENT_ID, IDEA_ID, PUBLISHED, FakeGateway, pages, request


def web(gateway=None):
    return worker_factory(WebService, gateway=gateway or FakeGateway(), pages=pages())


def html(response) -> str:
    return response.get_data(as_text=True)


def test_the_start_page_shows_open_processes_and_the_newest_ideas_with_strict_headers():
    response = web().start(request("/"))

    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == PAGE_CSP
    assert response.headers["X-Frame-Options"] == "DENY"
    page = html(response)
    assert '<html lang="de">' in page
    assert "Radwege 2027" in page and "Ideen jederzeit" not in page  # the standing process is no consultation
    assert "Mehr Bänke im Stadtpark" in page
    assert 'href="/en/"' in page  # the other language
    assert 'href="#inhalt"' in page and '<main id="inhalt"' in page
    assert "<script" not in page and "style=" not in page  # the policy allows neither


def test_the_start_page_sends_an_english_browser_to_english_unless_german_was_chosen():
    english = web().start(request("/", **{"Accept-Language": "en-GB,en;q=0.9"}))
    chosen = web().start(request("/?lang=de", **{"Accept-Language": "en-GB,en;q=0.9"}))

    assert english.status_code == 303 and english.headers["Location"] == "/en/"
    assert chosen.status_code == 200 and '<html lang="de">' in html(chosen)


def test_english_pages_speak_english_and_link_back_to_german():
    page = html(web().start(request("/en/")))

    assert '<html lang="en">' in page and "Newest ideas" in page
    assert 'href="/?lang=de"' in page
    assert f'href="/en/ideen/{IDEA_ID}"' in page


def test_the_idea_page_shows_answers_in_order_supports_comments_and_escapes_text():
    page = html(web().idea(request(f"/ideen/{IDEA_ID}"), IDEA_ID))

    assert page.index("Wir prüfen.") < page.index("Machen wir.")
    assert "7 Unterstützungen" in page
    assert "Gute Idee!" in page and "Finde ich auch." in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    for action in ("unterstuetzen", "kommentieren", "folgen", "melden"):
        assert f'action="/ideen/{IDEA_ID}/{action}"' in page
    assert f'name="parent_id" value="{COMMENT_ID}"' in page


def test_a_hidden_idea_shows_only_what_the_api_shows():
    hidden = {"id": IDEA_ID, "status": "hidden", "category": "mobility", "submitted_at": "2026-12-01T09:30:00+00:00"}
    gateway = FakeGateway({("GET", f"/ideas/{IDEA_ID}"): Answer(200, hidden)})

    page = html(web(gateway).idea(request(f"/ideen/{IDEA_ID}"), IDEA_ID))

    assert "ausgeblendet" in page and "Mobilität" in page
    assert "Unterstützen" not in page and "Kommentare" not in page
    assert [each["path"] for each in gateway.requests] == [f"/ideas/{IDEA_ID}"]


def test_an_unknown_idea_is_a_404_page_and_an_unreachable_gateway_a_503_page():
    missing = web().idea(request("/ideen/nope"), "nope")
    down = web(FakeGateway({("GET", f"/ideas/{IDEA_ID}"): Answer(503)})).idea(request(f"/ideen/{IDEA_ID}"), IDEA_ID)

    assert missing.status_code == 404 and "Seite nicht gefunden" in html(missing)
    assert down.status_code == 503 and "Gerade nicht erreichbar" in html(down)


def test_a_submitted_idea_is_sent_with_its_idempotency_key_and_the_citizens_address_then_redirected():
    gateway = FakeGateway({("POST", "/ideas"): Answer(202, {"id": IDEA_ID, "status": "submitted"})})
    form = {
        "idempotency_key": "k-123",
        "title": "Mehr Bänke",
        "description": "Im Stadtpark fehlen Bänke.",
        "category": "environment",
        "district": "",
        "process_id": "",
        "name": "",
        "email": "erika@example.org",
        "locale": "de",
    }

    response = web(gateway).submit_idea(request("/ideen/neu", "POST", form))

    assert response.status_code == 303
    assert response.headers["Location"] == f"/ideen/{IDEA_ID}?danke=idee"
    sent = gateway.sent("POST", "/ideas")
    assert sent["headers"] == {"Idempotency-Key": "k-123"}
    assert sent["client_address"] == "203.0.113.9"
    assert sent["json"] == {
        "title": "Mehr Bänke",
        "description": "Im Stadtpark fehlen Bänke.",
        "category": "environment",
        "district": None,
        "locale": "de",
        "author": {"name": None, "email": "erika@example.org"},
    }


def test_field_errors_stand_next_to_their_fields_in_german_with_the_text_kept():
    errors = {
        "errors": {"title": ["Length must be between 5 and 140."], "author": {"email": ["Not a valid email address."]}}
    }
    gateway = FakeGateway({("POST", "/ideas"): Answer(422, errors)})
    form = {
        "idempotency_key": "k",
        "title": "Bank",
        "description": "Eine <b>lange</b> Beschreibung",
        "category": "mobility",
        "email": "erika@",
        "locale": "de",
    }

    response = web(gateway).submit_idea(request("/ideen/neu", "POST", form))

    page = html(response)
    assert response.status_code == 422
    assert 'id="title-fehler"' in page and "Bitte 5 bis 140 Zeichen." in page
    assert 'aria-describedby="title-hinweis title-fehler" aria-invalid="true"' in page
    assert "Bitte geben Sie eine gültige E-Mail-Adresse an." in page and 'href="#email"' in page
    assert 'value="Bank"' in page and "Eine &lt;b&gt;lange&lt;/b&gt; Beschreibung</textarea>" in page
    assert '<option value="mobility" selected>' in page
    assert 'name="idempotency_key" value="k"' not in page  # a new key for the corrected form


@pytest.mark.parametrize("status", [429, 503])
def test_a_busy_platform_is_a_friendly_message_that_keeps_the_text(status):
    gateway = FakeGateway({("POST", "/ideas"): Answer(status, {"error": "busy"}, {"Retry-After": "5"})})
    form = {"title": "Mehr Bänke", "description": "Im Stadtpark fehlen Bänke.", "category": "mobility"}

    response = web(gateway).submit_idea(request("/ideen/neu", "POST", form))

    assert response.status_code == status and response.headers["Retry-After"] == "5"
    assert "Gerade ist sehr viel los" in html(response) and "Im Stadtpark fehlen Bänke.</textarea>" in html(response)


def test_a_reply_with_an_error_shows_it_at_the_reply_form_with_the_text_kept():
    errors = {"errors": {"body": ["Length must be between 2 and 2000."]}}
    gateway = FakeGateway({("POST", f"/ideas/{IDEA_ID}/comments"): Answer(422, errors)})
    form = {"parent_id": COMMENT_ID, "body": "x", "author_name": "Erika"}

    response = web(gateway).idea_form(request(f"/ideen/{IDEA_ID}/kommentieren", "POST", form), IDEA_ID, "kommentieren")

    page = html(response)
    assert response.status_code == 422
    assert f'href="/en/ideen/{IDEA_ID}" hreflang="en"' in page  # the idea's page, not the form's address
    assert f'id="reply_{COMMENT_ID}_body-fehler"' in page and f'href="#reply_{COMMENT_ID}_body"' in page
    assert f'id="reply_{COMMENT_ID}_author_name" name="author_name" type="text" value="Erika"' in page
    assert gateway.sent("POST", f"/ideas/{IDEA_ID}/comments")["json"] == {
        "body": "x",
        "parent_id": COMMENT_ID,
        "author_name": "Erika",
    }


def test_a_support_request_asks_for_the_mail_in_the_pages_language_and_redirects_with_a_notice():
    gateway = FakeGateway({("POST", f"/ideas/{IDEA_ID}/supports"): Answer(202, {"status": "confirmation_sent"})})

    response = web(gateway).idea_form(
        request(f"/en/ideen/{IDEA_ID}/unterstuetzen", "POST", {"email": "a@example.org"}), IDEA_ID, "unterstuetzen"
    )
    page = html(web(gateway).idea(request(f"/en/ideen/{IDEA_ID}?danke=unterstuetzung"), IDEA_ID))

    assert gateway.sent("POST", f"/ideas/{IDEA_ID}/supports")["json"] == {"email": "a@example.org", "locale": "en"}
    assert response.status_code == 303
    assert response.headers["Location"] == f"/en/ideen/{IDEA_ID}?danke=unterstuetzung#support"
    assert "please confirm your support" in page


def test_a_support_request_from_the_german_page_asks_for_a_german_mail():
    gateway = FakeGateway({("POST", f"/ideas/{IDEA_ID}/supports"): Answer(202, {"status": "confirmation_sent"})})

    response = web(gateway).idea_form(
        request(f"/ideen/{IDEA_ID}/unterstuetzen", "POST", {"email": "a@example.org"}), IDEA_ID, "unterstuetzen"
    )

    assert response.status_code == 303
    assert gateway.sent("POST", f"/ideas/{IDEA_ID}/supports")["json"] == {"email": "a@example.org", "locale": "de"}


def test_the_list_passes_the_filters_and_keeps_them_across_pages():
    listing = {"items": [PUBLISHED] * 20, "page": 1, "per_page": 20, "total": 45}
    gateway = FakeGateway({("GET", "/ideas"): Answer(200, listing)})

    page = html(web(gateway).ideas(request("/ideen?category=mobility&official_status=none&district=Avenwedde")))

    assert gateway.sent("GET", "/ideas")["params"] == {
        "category": "mobility",
        "district": "Avenwedde",
        "process_id": "",
        "official_status": "none",
        "page": 1,
        "per_page": 20,
    }
    assert "Seite 1 von 3" in page
    assert 'href="/ideen?category=mobility&amp;district=Avenwedde&amp;official_status=none&amp;page=2"' in page


def test_an_invalid_filter_is_shown_at_its_field():
    gateway = FakeGateway({("GET", "/ideas"): Answer(422, {"errors": {"official_status": ["Must be one of: a, b."]}})})

    response = web(gateway).ideas(request("/ideen?official_status=bogus"))

    assert response.status_code == 422 and 'id="official_status-fehler"' in html(response)


def test_the_support_confirmation_page_shows_the_new_count_and_links_the_idea():
    gateway = FakeGateway(
        {("GET", "/supports/confirm"): Answer(200, {"idea_id": IDEA_ID, "count": 8, "open": True, "supported": True})}
    )

    response = web(gateway).confirm_support(request("/unterstuetzung/bestaetigen?token=abc"))

    assert gateway.sent("GET", "/supports/confirm")["params"] == {"token": "abc"}
    assert "Unterstützungen jetzt: 8." in html(response) and f'href="/ideen/{IDEA_ID}"' in html(response)


def test_a_bad_link_is_its_own_page():
    gateway = FakeGateway({("GET", "/supports/confirm"): Answer(422, {"errors": {"token": ["bad"]}})})

    response = web(gateway).confirm_support(request("/unterstuetzung/bestaetigen?token=x"))

    assert response.status_code == 422 and "Link ungültig" in html(response)


def test_unsubscribing_asks_first_then_erases_when_ticked():
    gateway = FakeGateway(
        {
            ("GET", "/unsubscribe"): Answer(200, {"scope": "follower"}),
            ("POST", "/unsubscribe"): Answer(200, {"scope": "follower", "erased": True}),
        }
    )

    asked = html(web(gateway).unsubscribe_page(request("/abmelden?token=t1")))
    done = html(web(gateway).unsubscribe(request("/abmelden", "POST", {"token": "t1", "erase": "yes"})))

    assert 'name="erase" type="checkbox"' in asked and 'name="token" value="t1"' in asked
    assert gateway.sent("POST", "/unsubscribe")["form"] == {"erase": "yes"}
    assert gateway.sent("POST", "/unsubscribe")["params"] == {"token": "t1"}
    assert "Ihre E-Mail-Adresse ist bei uns gelöscht." in done


def test_withdrawing_takes_a_button():
    state = {"idea_id": IDEA_ID, "count": 3, "open": True, "supported": True, "title": "Mehr Bänke"}
    gateway = FakeGateway(
        {
            ("GET", "/supports/withdraw"): Answer(200, state),
            ("POST", "/supports/withdraw"): Answer(200, state | {"count": 2, "supported": False}),
        }
    )

    asked = html(web(gateway).withdrawal(request("/unterstuetzung/zuruecknehmen?token=w")))
    done = html(web(gateway).withdraw(request("/unterstuetzung/zuruecknehmen", "POST", {"token": "w"})))

    assert "„Mehr Bänke“" in asked and 'method="post"' in asked
    assert gateway.sent("POST", "/supports/withdraw")["json"] == {"token": "w"}
    assert "Unterstützungen jetzt: 2." in done


def test_a_confirmed_follow_names_the_idea():
    confirmed = {"subscription": "follower", "idea_id": IDEA_ID, "title": "Mehr Bänke"}
    gateway = FakeGateway({("GET", "/subscriptions/confirm"): Answer(200, confirmed)})

    page = html(web(gateway).confirm_subscription(request("/en/abo/bestaetigen?token=s")))

    assert "about the idea “Mehr Bänke”" in page


@pytest.mark.parametrize(
    "path", ["/leichte-sprache", "/barrierefreiheit", "/en/leichte-sprache", "/en/barrierefreiheit"]
)
def test_the_explaining_pages_render(path):
    worker = web()
    response = (worker.easy_read if "leichte" in path else worker.accessibility)(request(path))

    assert response.status_code == 200 and "<h1>" in html(response)
    assert 'href="mailto:barrierefreiheit@guetersloh.test"' in html(response)  # ACCESSIBILITY_CONTACT


@pytest.mark.parametrize(
    ("action", "path", "form", "sent"),
    [
        ("folgen", "followers", {"email": "f@example.org"}, {"email": "f@example.org", "locale": "en"}),
        ("melden", "flags", {"reason": "spam", "email": "m@example.org"}, {"reason": "spam", "email": "m@example.org"}),
    ],
)
def test_follow_and_flag_forms_send_what_the_api_takes(action, path, form, sent):
    gateway = FakeGateway({("POST", f"/ideas/{IDEA_ID}/{path}"): Answer(202, {})})

    response = web(gateway).idea_form(request(f"/en/ideen/{IDEA_ID}/{action}", "POST", form), IDEA_ID, action)

    assert response.status_code == 303
    assert gateway.sent("POST", f"/ideas/{IDEA_ID}/{path}")["json"] == sent


def test_an_unknown_form_action_is_not_found():
    response = web().idea_form(request(f"/ideen/{IDEA_ID}/loeschen", "POST", {}), IDEA_ID, "loeschen")

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("path", "locale", "heading"), [("/ideen/neu", "de", "Gerade ist sehr viel los"), ("/en/ideen/neu", "en", "A lot")]
)
def test_a_request_shed_under_load_gets_a_page_in_its_language_with_retry_after(path, locale, heading):
    response = busy_page(request(path, "POST"))

    assert response.status_code == 503 and response.headers["Retry-After"]
    assert response.mimetype == "text/html" and response.headers["Content-Security-Policy"] == PAGE_CSP
    assert f'<html lang="{locale}">' in html(response) and f"<h1>{heading}" in html(response)
    assert 'href="/static/site.css"' in html(response)  # the site's look


def test_every_page_sheds_with_the_busy_page_not_the_apis_json():
    entrypoints = [
        entrypoint
        for base in WebService.__mro__
        for member in vars(base).values()
        for entrypoint in getattr(member, ENTRYPOINT_EXTENSIONS_ATTR, ())
        if not entrypoint.url.startswith("/static/")  # a stylesheet shed is not a page
    ]

    assert len(entrypoints) > 20
    assert all(entrypoint.busy is busy_page for entrypoint in entrypoints)
