"""The citizens' web pages (services/web) in a real browser against the whole platform: submitting an
idea through the form, a field error, a support confirmed from the mailed link, a comment after
moderation, the English pages and the explaining pages. Every page visited is checked with axe-core
(WCAG 2.1 A/AA) and photographed at phone and desktop width (tests/support/browser.py)."""

import random
import re
import uuid
from urllib.parse import urlsplit

import pytest
import requests

from services.web.pages import PAGE_CSP
from tests.support.browser import PageVisits, accessibility_violations
from tests.support.ideas import distinct_idea, distinct_text
from tests.support.infrastructure import wait_until
from tests.support.notifications import link_token
from tests.support.staff import bearer

pytestmark = pytest.mark.e2e
SUPPORT_CONFIRMATION_LINK = re.compile(r"\S+(?:/unterstuetzung/bestaetigen|/api/v1/supports/confirm)\?token=\S+")


@pytest.fixture
def open_idea(platform) -> str:
    """A published idea that participation knows is published."""
    idea_id = platform.submit(distinct_idea("environment", district="Innenstadt")).json()["id"]
    platform.wait_for_status(idea_id, {"published"})
    wait_until(
        lambda: requests.get(f"{platform.base_url}/ideas/{idea_id}/supports", timeout=10).json().get("open"),
        message="participation to learn the idea is published",
    )
    return idea_id


def reload_until(visits: PageVisits, text: str, timeout: float = 30) -> None:
    def shown():
        visits.page.reload(wait_until="load")
        return text in visits.page.inner_text("main")

    wait_until(shown, timeout=timeout, interval=0.5, message=f"{text!r} on {visits.page.url}")


def test_a_citizen_submits_an_idea_through_the_form_and_finds_it_published(platform, visits):
    title = f"Trinkbrunnen am Dreiecksplatz {uuid.uuid4().hex[:6]}"
    start = visits.open(f"{platform.web_url}/", "start")
    assert start.status == 200 and start.headers["content-security-policy"] == PAGE_CSP
    assert visits.page.locator("html").get_attribute("lang") == "de"

    visits.page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Idee einreichen").click()
    visits.check("form")
    visits.page.get_by_label("Titel").fill(title)
    visits.page.get_by_label("Beschreibung").fill(distinct_text(12, random.Random()))
    visits.page.get_by_label("Kategorie").select_option("environment")
    visits.page.get_by_label("Stadtteil").fill("Innenstadt")
    visits.page.get_by_label("E-Mail-Adresse").fill(f"brunnen-{uuid.uuid4().hex[:6]}@example.org")
    visits.page.get_by_role("button", name="Idee absenden").click()

    assert re.search(r"/ideen/[0-9a-f-]{36}\?danke=idee$", visits.page.url), visits.page.url
    idea_id = urlsplit(visits.page.url).path.rsplit("/", 1)[1]
    platform.accepted.add(idea_id)
    assert "Ihre Idee ist eingegangen" in visits.page.inner_text("main")
    visits.check("submitted")
    reload_until(visits, "veröffentlicht")
    assert visits.page.locator("h1").inner_text() == title
    visits.check("published")
    assert {urlsplit(url).hostname for url in visits.requested} == {"127.0.0.1"}


def test_a_field_error_stands_next_to_its_field_with_the_text_kept(platform, visits):
    description = "Eine Beschreibung, die lang genug ist, mit <b>Zeichen</b> & Umlauten: Größe."
    visits.open(f"{platform.web_url}/ideen/neu", "form")
    visits.page.get_by_label("Titel").fill("Bank")  # one character too short
    visits.page.get_by_label("Beschreibung").fill(description)
    visits.page.get_by_label("Kategorie").select_option("mobility")
    visits.page.get_by_role("button", name="Idee absenden").click()

    visits.check("field-error")
    title = visits.page.get_by_label("Titel")
    assert title.input_value() == "Bank" and title.get_attribute("aria-invalid") == "true"
    assert "title-fehler" in (title.get_attribute("aria-describedby") or "")
    assert visits.page.locator("#title-fehler").inner_text() == "Fehler: Bitte 5 bis 140 Zeichen."
    assert visits.page.get_by_label("Beschreibung").input_value() == description
    assert visits.page.get_by_label("Kategorie").input_value() == "mobility"
    summary = visits.page.get_by_role("alert")
    summary.get_by_role("link").first.click()
    assert visits.page.evaluate("document.activeElement.id") == "title"


def answer(platform, token: str, idea_id: str, status: str, text: str) -> None:
    answered = requests.post(
        f"{platform.base_url}/ideas/{idea_id}/answers",
        json={"status": status, "text": text},
        headers=bearer(token),
        timeout=15,
    )
    assert answered.status_code == 201, answered.text


def test_a_support_confirmed_from_the_mailed_link_raises_the_count(platform, visits, open_idea, staff_member):
    address = f"fan-{uuid.uuid4().hex[:8]}@example.org"
    answer(platform, staff_member["token"], open_idea, "under_evaluation", "Das Grünflächenamt prüft den Vorschlag.")
    answer(platform, staff_member["token"], open_idea, "accepted", "Die Bänke werden im Frühjahr aufgestellt.")
    visits.open(f"{platform.web_url}/ideen/{open_idea}", "idea")
    answers = visits.page.locator(".answers li").all_inner_texts()
    assert len(answers) == 2, answers  # in the order given
    assert answers[0].startswith("wird geprüft") and "prüft den Vorschlag" in answers[0]
    assert answers[1].startswith("angenommen") and "im Frühjahr" in answers[1]
    assert "0 Unterstützungen" in visits.page.inner_text("#support")
    visits.page.locator("#support_email").fill(address)
    visits.page.get_by_role("button", name="Idee unterstützen").click()
    assert "Bitte bestätigen Sie Ihre Unterstützung" in visits.page.inner_text("main")
    visits.check("support-requested")

    [mail] = wait_until(lambda: platform.mail.messages_to(address), timeout=30, message="the confirmation mail")
    link = SUPPORT_CONFIRMATION_LINK.search(mail.get_body(("plain",)).get_content()).group(0)
    visits.open(f"{platform.web_url}/unterstuetzung/bestaetigen?token={link_token(link)}", "support-confirmed")
    assert "Unterstützungen jetzt: 1." in visits.page.inner_text("main")

    visits.page.get_by_role("link", name="Zur Idee").click()
    assert "1 Unterstützung" in visits.page.inner_text("#support")
    visits.check("idea-supported")


def test_a_comment_appears_after_moderation(platform, visits, open_idea):
    body = f"Gute Idee, am Nordring fehlt das auch. {uuid.uuid4().hex[:6]}"
    visits.open(f"{platform.web_url}/ideen/{open_idea}", "idea")
    visits.page.get_by_label("Ihr Kommentar").fill(body)
    visits.page.locator("#comment_author_name").fill("Erika")
    visits.page.get_by_role("button", name="Kommentar absenden").click()
    assert "sobald die Moderation ihn geprüft hat" in visits.page.inner_text("main")

    reload_until(visits, body)
    assert "Erika am" in visits.page.inner_text("#comment")
    visits.check("comment-posted")


def test_the_english_pages_and_the_pages_that_explain_the_site(platform, visits):
    visits.open(f"{platform.web_url}/en/", "start-en")
    assert visits.page.locator("html").get_attribute("lang") == "en"
    visits.page.keyboard.press("Tab")
    assert visits.page.evaluate("document.activeElement.textContent") == "Skip to content"
    visits.page.get_by_role("link", name="Diese Seite auf Deutsch").click()
    assert visits.page.locator("h1").inner_text() == "Ideen für Gütersloh"

    visits.open(f"{platform.web_url}/ideen?category=environment&official_status=none", "ideas-filtered")
    assert visits.page.get_by_label("Kategorie").input_value() == "environment"
    for path, heading in [
        ("/en/ideen/neu", "Submit an idea"),
        ("/leichte-sprache", "Aufbruch in Leichter Sprache"),
        ("/barrierefreiheit", "Erklärung zur Barrierefreiheit"),
        ("/en/barrierefreiheit", "Accessibility statement"),
    ]:
        visits.open(f"{platform.web_url}{path}", path.strip("/").replace("/", "-"))
        assert visits.page.locator("h1").inner_text() == heading
    missing = visits.open(f"{platform.web_url}/gibt-es-nicht", "not-found")
    assert missing.status == 404
    visits.open(f"{platform.web_url}/", "start-with-ideas")
    assert visits.page.locator("#neueste ~ ul .card").count() >= 1


def test_the_accessibility_check_finds_what_it_looks_for(browser):
    page = browser.new_page()
    page.set_content('<html><body><img src="x.png"><input type="text"></body></html>')

    violations = " ".join(accessibility_violations(page))

    assert "image-alt" in violations and "label" in violations and "html-has-lang" in violations
    page.close()


def test_a_form_sent_twice_submits_one_idea(platform):
    form_page = requests.get(f"{platform.web_url}/ideen/neu", timeout=15)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', form_page.text).group(1)
    form = {
        "idempotency_key": key,
        "title": f"Zweimal geklickt {uuid.uuid4().hex[:6]}",
        "description": distinct_text(12, random.Random()),
        "category": "other",
        "locale": "de",
    }

    first, second = (
        requests.post(f"{platform.web_url}/ideen/neu", data=form, allow_redirects=False, timeout=15) for _ in range(2)
    )

    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    platform.accepted.add(urlsplit(first.headers["Location"]).path.rsplit("/", 1)[1])
