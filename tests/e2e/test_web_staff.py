"""The staff pages (/verwaltung) in a real browser against the whole platform: a moderator approves a
queued idea and it appears in /ideen, staff answer an idea and the answer shows on its page, an idea is
entered for a citizen, an admin creates and changes a process; a form without the CSRF token is refused,
signing out and a revoked token end the session. Every page visited is checked with axe-core (WCAG 2.1
A/AA) and photographed at phone and desktop width (tests/support/browser.py)."""

import re
import uuid

import pytest
import requests

from tests.support.browser import PageVisits
from tests.support.ideas import distinct_idea
from tests.support.infrastructure import wait_until

pytestmark = pytest.mark.e2e


def sign_in(visits: PageVisits, web_url: str, token: str, language: str = "") -> None:
    visits.open(f"{web_url}{language}/verwaltung", "sign-in")
    assert visits.page.url.endswith(f"{language}/verwaltung/anmelden")
    visits.page.get_by_label("Access key" if language else "Zugangsschlüssel").fill(token)
    visits.page.get_by_role("button", name="Sign in" if language else "Anmelden").click()
    visits.check("staff-start")
    assert visits.page.url.startswith(f"{web_url}{language}/verwaltung?")


def fits_at_320_px(visits: PageVisits) -> bool:
    """WCAG 1.4.10 Reflow: the page reads without scrolling sideways at 320 CSS pixels."""
    visits.page.set_viewport_size({"width": 320, "height": 700})
    return visits.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def published_idea(platform, **fields) -> dict:
    idea = distinct_idea(**fields)
    idea_id = platform.submit(idea).json()["id"]
    platform.wait_for_status(idea_id, {"published"})
    return idea | {"id": idea_id}


def test_a_moderator_signs_in_approves_a_queued_idea_and_it_appears_in_the_ideas(platform, moderator_token, visits):
    idea = distinct_idea(description="Bitte den Bolzplatz mähen, erreichbar unter 0171 2345678 abends.")
    idea_id = platform.submit(idea).json()["id"]
    assert platform.wait_for_status(idea_id)["status"] == "in_review"
    web = platform.web_url
    page = visits.page

    sign_in(visits, web, moderator_token)
    wait_until(
        lambda: page.goto(f"{web}/verwaltung/pruefung") and idea["title"] in page.content(),
        message="the queued idea in the review queue page",
    )
    visits.check("queue")
    assert fits_at_320_px(visits)
    card = page.locator(".case-card", has_text=idea["title"])
    assert card.locator("mark").first.inner_text() == "0171 2345678"
    assert "Persönliche Daten" in card.locator(".finding-name").first.inner_text()

    card.get_by_role("link", name=re.compile("Fall öffnen")).click()
    visits.check("case")
    assert fits_at_320_px(visits)
    assert page.get_by_role("table").locator("tbody tr").count() >= 2  # automatic decision, case opened
    approve = page.locator("form", has=page.locator('input[name="decision"][value="approve"]'))
    approve.get_by_label("Grund").select_option("acceptable")
    approve.get_by_label("Notiz").fill("Nummer der Stadtwerke")
    approve.get_by_role("button", name="Freigeben").click()
    visits.check("queue-after-decision")
    assert "Entschieden: freigegeben." in page.locator('[role="status"]').inner_text()

    assert platform.wait_for_status(idea_id, {"published"})["status"] == "published"
    wait_until(
        lambda: page.goto(f"{web}/ideen") and idea["title"] in page.content(),
        message="the approved idea in /ideen",
    )
    visits.check("ideas-after-approval")


def test_staff_answer_an_idea_and_the_answer_shows_on_its_page(platform, staff_member, visits):
    idea = published_idea(platform)
    web = platform.web_url
    page = visits.page
    answer = f"Wir prüfen das im Bauausschuss am 12. März ({uuid.uuid4().hex[:6]})."

    sign_in(visits, web, staff_member["token"])
    visits.open(f"{web}/verwaltung/ideen", "staff-ideas")
    visits.open(f"{web}/verwaltung/ideen/{idea['id']}", "staff-idea")
    page.get_by_label("Neuer Stand").select_option("under_evaluation")
    page.get_by_role("button", name="Antwort veröffentlichen").click()
    visits.check("answer-field-error")
    assert "Fehler:" in page.locator("#text-fehler").inner_text()

    page.get_by_label("Neuer Stand").select_option("under_evaluation")
    page.get_by_label("Antworttext").fill(answer)
    page.get_by_role("button", name="Antwort veröffentlichen").click()
    visits.check("staff-idea-answered")
    assert "Ihre Antwort ist veröffentlicht." in page.locator('[role="status"]').inner_text()

    visits.open(f"{web}/ideen/{idea['id']}", "public-idea-with-answer")
    assert answer in page.content()


def test_staff_enter_an_idea_for_a_citizen_with_consent(platform, staff_member, visits):
    web = platform.web_url
    page = visits.page
    idea = distinct_idea()

    sign_in(visits, web, staff_member["token"], language="/en")
    visits.open(f"{web}/en/verwaltung/ideen/neu", "assisted-form")
    page.get_by_label("Title").fill(idea["title"])
    page.get_by_label("Description").fill(idea["description"])
    page.get_by_role("button", name="Submit the idea").click()
    visits.check("assisted-without-consent")
    assert "consent" in page.locator("#consent-fehler").inner_text()
    assert page.get_by_label("Title").input_value() == idea["title"]

    page.get_by_label(re.compile("The person agreed")).check()
    page.get_by_role("button", name="Submit the idea").click()
    visits.check("assisted-done")
    idea_id = page.locator("code").inner_text()
    assert platform.wait_for_status(idea_id, {"published"})["assisted"] is True


def test_an_admin_creates_and_changes_a_process(platform, admin, visits):
    web = platform.web_url
    page = visits.page
    process_id = f"gipfel-{uuid.uuid4().hex[:8]}"

    sign_in(visits, web, admin.token)
    visits.open(f"{web}/verwaltung/prozesse", "processes")
    visits.open(f"{web}/verwaltung/prozesse/neu", "process-new")
    page.get_by_label("Kennung").fill(process_id)
    page.get_by_label("Titel").fill("Digitalgipfel der Stadt")
    page.get_by_label("Beschreibung").fill("Ideen für die digitale Verwaltung.")
    page.get_by_label("Erster Tag").fill("2026-01-01")
    page.get_by_role("button", name="Speichern").click()
    visits.check("process-new-error")
    assert page.locator("#categories-fehler").count() == 1  # no category ticked

    page.get_by_label("Mobilität").check()
    page.get_by_role("button", name="Speichern").click()
    visits.check("processes-created")
    page.get_by_role("link", name="Digitalgipfel der Stadt").click()
    visits.check("process-edit")
    page.get_by_label("Titel").fill("Digitalgipfel 2027")
    page.get_by_role("button", name="Speichern").click()
    visits.check("processes-changed")
    assert (
        requests.get(f"{platform.base_url}/processes/{process_id}", timeout=10).json()["title"] == "Digitalgipfel 2027"
    )


def test_a_form_without_the_sessions_csrf_token_is_refused(platform, moderator_token):
    web = platform.web_url
    client = requests.Session()
    form_page = client.get(f"{web}/verwaltung/anmelden", timeout=10)
    [csrf] = re.findall(r'name="csrf_token" value="([^"]+)"', form_page.text)

    refused = client.post(f"{web}/verwaltung/anmelden", data={"token": moderator_token}, timeout=10)
    assert refused.status_code == 403 and "Formular abgelaufen" in refused.text
    forged = client.post(f"{web}/verwaltung/anmelden", data={"token": moderator_token, "csrf_token": "x"}, timeout=10)
    assert forged.status_code == 403

    signed_in = client.post(
        f"{web}/verwaltung/anmelden", data={"token": moderator_token, "csrf_token": csrf}, timeout=10
    )
    assert signed_in.status_code == 200 and "Sie sind angemeldet." in signed_in.text
    cookie = next(cookie for cookie in client.cookies if cookie.name == "aufbruch_staff")
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie.get_nonstandard_attr("SameSite") == "Strict"
    signed_out = client.post(f"{web}/verwaltung/abmelden", data={}, timeout=10)
    assert signed_out.status_code == 403
    assert client.get(f"{web}/verwaltung/pruefung", timeout=10).status_code == 200  # still signed in


def test_signing_out_ends_the_session(platform, moderator_token, visits):
    web = platform.web_url
    page = visits.page

    sign_in(visits, web, moderator_token)
    page.get_by_role("button", name="Abmelden").click()
    visits.check("signed-out")
    assert "Sie sind abgemeldet." in page.locator('[role="status"]').inner_text()

    page.goto(f"{web}/verwaltung/pruefung")
    assert page.url == f"{web}/verwaltung/anmelden"


def test_a_revoked_token_ends_the_session(platform, admin, visits):
    moderator = admin.create_user("moderator")
    web = platform.web_url
    page = visits.page

    sign_in(visits, web, moderator["token"])
    assert admin.request("DELETE", f"/tokens/{moderator['token_id']}").status_code == 204

    page.goto(f"{web}/verwaltung/pruefung")
    visits.check("session-ended")
    assert page.url == f"{web}/verwaltung/anmelden?hinweis=session_ended"
    assert "nicht mehr gilt" in page.locator('[role="status"]').inner_text()


def test_a_moderator_hides_a_comment_and_hides_and_shows_again_an_idea(platform, moderator_token, visits):
    idea = published_idea(platform)
    api = platform.base_url
    wait_until(
        lambda: requests.get(f"{api}/ideas/{idea['id']}/supports", timeout=10).json().get("open"),
        message="the idea to take comments",
    )
    body = f"Gute Idee, am Nordring fehlen auch Bügel ({uuid.uuid4().hex[:6]})."
    comment = requests.post(f"{api}/ideas/{idea['id']}/comments", json={"body": body}, timeout=10)
    assert comment.status_code == 202, comment.text

    def comment_listed() -> bool:
        return body in requests.get(f"{api}/ideas/{idea['id']}/comments", timeout=10).text

    wait_until(comment_listed, message="the comment to be posted")
    web = platform.web_url
    page = visits.page

    sign_in(visits, web, moderator_token)
    visits.open(f"{web}/verwaltung/ideen/{idea['id']}", "staff-idea-moderator")
    page.get_by_text("Kommentar ausblenden", exact=True).first.click()  # opens the <details>
    hide_comment = page.locator("form", has=page.get_by_role("button", name="Kommentar ausblenden"))
    hide_comment.get_by_label("Grund").select_option("spam")
    hide_comment.get_by_role("button", name="Kommentar ausblenden").click()
    visits.check("comment-hidden")
    assert "Der Kommentar ist ausgeblendet." in page.locator('[role="status"]').inner_text()
    wait_until(lambda: not comment_listed(), message="the comment to leave the list")

    hide_idea = page.locator("form", has=page.get_by_role("button", name="Idee ausblenden"))
    hide_idea.get_by_label("Grund").select_option("legal_review")
    hide_idea.get_by_label("Notiz").fill("Prüfung durch das Rechtsamt")
    hide_idea.get_by_role("button", name="Idee ausblenden").click()
    assert "Die Idee ist ausgeblendet." in page.locator('[role="status"]').inner_text()
    platform.wait_for_status(idea["id"], {"hidden"})

    page.reload()
    visits.check("staff-idea-hidden")
    page.get_by_label("Grund").select_option("corrected")
    page.get_by_role("button", name="Idee wieder einblenden").click()
    visits.check("idea-shown-again")
    assert platform.wait_for_status(idea["id"], {"published"})["status"] == "published"
