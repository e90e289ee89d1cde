"""End to end, through the gateway: following an idea with double opt-in, the mail's links (to the web's
confirmation and unsubscribe pages, whose tokens the API takes; the RFC 8058 one-click POST to the API),
the mail's language, and an admin erasing an address."""

import time
import uuid

import pytest
import requests

from aufbruch.config import load_config
from tests.support.ideas import distinct_idea
from tests.support.infrastructure import wait_until
from tests.support.notifications import (
    confirmation_url,
    html_of,
    link_token,
    links_in,
    text_of,
    unsubscribe_url,
    wait_for_mails,
)
from tests.support.staff import bearer

pytestmark = pytest.mark.e2e
WAIT = 30
QUIET_PERIOD = 3


def unique_address(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}@example.org"


def web_url(platform) -> str:
    """PUBLIC_WEB_URL as the platform's services read it (deploy/config.yaml, from their environment)."""
    return platform.env.get("PUBLIC_WEB_URL") or load_config()["PUBLIC_WEB_URL"]


def on_platform(platform, url: str) -> str:
    """A List-Unsubscribe URL (under PUBLIC_BASE_URL) as the URL of the running gateway."""
    return url.replace(platform.env["PUBLIC_BASE_URL"] + "/api/v1", platform.base_url)


def moderate(platform, token: str, idea_id: str, action: str) -> int:
    return requests.post(
        f"{platform.base_url}/moderation/ideas/{idea_id}/{action}",
        headers=bearer(token),
        json={"reason": "legal_review" if action == "hide" else "corrected"},
        timeout=15,
    ).status_code


def test_a_follower_confirms_hears_of_a_change_and_unsubscribes_with_one_click(platform, moderator_token):
    idea = distinct_idea()
    idea_id = platform.submit(idea).json()["id"]
    platform.wait_for_status(idea_id, {"published"})
    follower = unique_address("follower")

    response = requests.post(
        f"{platform.base_url}/ideas/{idea_id}/followers",
        json={"email": follower},
        headers={"Accept-Language": "en"},
        timeout=15,
    )

    assert response.status_code == 202 and response.json() == {"status": "confirmation_sent"}
    [confirmation] = wait_for_mails(platform.mail, follower, 1, timeout=WAIT)
    assert confirmation["Subject"] == f"Please confirm: news about the idea “{idea['title']}”"
    link = confirmation_url(confirmation)
    assert link.startswith(web_url(platform) + "/en/abo/bestaetigen?token=")  # the web's page
    confirmed = requests.get(  # what that page asks of the API
        f"{platform.base_url}/subscriptions/confirm", params={"token": link_token(link)}, timeout=15
    )
    assert confirmed.status_code == 200 and "bestätigt" in confirmed.text
    assert confirmed.headers["Content-Type"].startswith("text/html")

    wait_until(
        lambda: moderate(platform, moderator_token, idea_id, "hide") == 200,
        timeout=WAIT,
        message="moderation to know the idea and hide it",
    )
    [_, update] = wait_for_mails(platform.mail, follower, 2, timeout=WAIT)
    assert update["Subject"] == f"News about the idea “{idea['title']}”: hidden"
    assert "It is under legal review." in text_of(update) and "legal_review" not in html_of(update)
    assert update["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [page] = [found for found in links_in(update) if found.startswith(web_url(platform) + "/en/abmelden?")]
    assert link_token(page) == link_token(unsubscribe_url(update))  # the web's page acts like the header's URL

    link = on_platform(platform, unsubscribe_url(update))
    unsubscribe_page = requests.get(link, timeout=15)
    assert unsubscribe_page.status_code == 200 and '<form method="post"' in unsubscribe_page.text
    one_click = requests.post(link, data={"List-Unsubscribe": "One-Click"}, timeout=15)  # as a mail client does
    assert one_click.status_code == 200 and "Abbestellt" in one_click.text

    assert moderate(platform, moderator_token, idea_id, "unhide") == 200
    platform.wait_for_status(idea_id, {"published"})
    time.sleep(QUIET_PERIOD)
    assert len(platform.mail.messages_to(follower)) == 2  # nothing after unsubscribing


def test_following_answers_what_is_wrong(platform):
    assert (
        requests.post(
            f"{platform.base_url}/ideas/{uuid.uuid4()}/followers", json={"email": "a@example.org"}, timeout=15
        ).status_code
        == 404
    )
    response = requests.post(f"{platform.base_url}/ideas/{uuid.uuid4()}/followers", json={"mail": "x"}, timeout=15)
    assert response.status_code == 422 and set(response.json()["errors"]) == {"email", "mail"}
    forged = requests.post(f"{platform.base_url}/unsubscribe", params={"token": "forged.token"}, timeout=15)
    assert forged.status_code == 400 and "ungültig" in forged.text


def test_a_submitter_writing_in_english_gets_english_mails(platform):
    address = unique_address("english")
    idea = distinct_idea(author={"email": address})
    idea_id = platform.submit(idea, **{"Accept-Language": "en-GB,en;q=0.9"}).json()["id"]
    platform.wait_for_status(idea_id, {"published"})

    subjects = sorted(mail["Subject"] for mail in wait_for_mails(platform.mail, address, 2, timeout=WAIT))

    assert subjects == sorted([f"Your idea has arrived: {idea['title']}", f"Your idea is published: {idea['title']}"])


def test_an_admin_erases_an_address_from_the_whole_platform(platform, admin):
    address = unique_address("erase-me")
    idea_id = platform.submit(distinct_idea(author={"name": "Erika Löschen", "email": address})).json()["id"]
    wait_for_mails(platform.mail, address, 2, timeout=WAIT)

    assert admin.request("DELETE", "/people", token=None, params={"email": address}).status_code == 401
    response = admin.request("DELETE", "/people", params={"email": address})

    assert response.status_code == 200, response.text
    assert response.json()["submissions_erased"] == 1 and response.json()["mails_erased"] == 2
    rows = platform.database.query("select count(*) from ideas.contacts where idea_id = %s", (idea_id,))
    assert rows == [(0,)]
    assert admin.request("DELETE", "/people", params={"email": "not-an-address"}).status_code == 422
