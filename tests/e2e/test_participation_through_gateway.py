"""End to end, through the gateway with every service running and the real SMTP sink: supporting an
idea by the mailed link (once per person, withdrawable), comments moderated like ideas (posted at
once, reviewed, hidden by flags), and no personal data in any event or public view of them."""

import json
import re
import uuid
from urllib.parse import parse_qs, urlsplit

import eventlet
import pytest
import requests

from aufbruch.contracts.events import CATALOG
from aufbruch_subscriber.subscriber import Subscriber
from tests.support.ideas import distinct_idea
from tests.support.infrastructure import wait_until
from tests.support.staff import bearer

pytestmark = pytest.mark.e2e

NEW_EVENT_TYPES = (
    "idea.supported",
    "idea.support_withdrawn",
    "comment.submitted",
    "comment.moderated",
    "comment.posted",
    "comment.hidden",
    "comment.unhidden",
    "moderation.review_requested",
)
JSON = {"Accept": "application/json"}


@pytest.fixture
def observed_events(platform):
    """Every event of the new types, as a city system bound to them receives it."""
    received = []
    subscriber = Subscriber(
        f"amqp://guest:guest@127.0.0.1:5672/{platform.vhost.name}",
        f"observer.{uuid.uuid4().hex[:8]}",
        [(CATALOG[event_type].exchange, event_type) for event_type in NEW_EVENT_TYPES],
        received.append,
        prefetch=10,
    )
    thread = eventlet.spawn(subscriber.run)
    try:
        wait_until(lambda: subscriber.consuming.is_set() or thread.dead, message="the observer to consume")
        assert not thread.dead, "the observer stopped"
        yield received
    finally:
        subscriber.stop()
        thread.wait()


def api(platform, method: str, path: str, token: str | None = None, **kwargs) -> requests.Response:
    return requests.request(
        method, f"{platform.base_url}{path}", headers=kwargs.pop("headers", {}) | bearer(token), timeout=15, **kwargs
    )


def open_idea(platform) -> str:
    """A published idea that participation knows is published."""
    idea_id = platform.submit(distinct_idea()).json()["id"]
    platform.wait_for_status(idea_id, {"published"})
    wait_until(
        lambda: api(platform, "GET", f"/ideas/{idea_id}/supports").json().get("open"),
        message="participation to learn the idea is published",
    )
    return idea_id


def mailed_token(platform, body: str, page: str, language: str = "") -> str:
    """The token of the mail's link to the platform's web page `page` (German unless `language` is
    `/en`); the page hands it to the API, and so do the tests."""
    url = re.search(rf"{re.escape(platform.web_url)}{language}/unterstuetzung/{page}\?token=\S+", body).group(0)
    [token] = parse_qs(urlsplit(url).query)["token"]
    return token


def count(platform, idea_id: str) -> int:
    return api(platform, "GET", f"/ideas/{idea_id}/supports").json()["count"]


def test_support_by_mailed_link_counts_once_and_can_be_withdrawn(platform, observed_events):
    idea_id = open_idea(platform)
    address = f"fan-{uuid.uuid4().hex[:8]}@example.org"
    assert api(platform, "POST", f"/ideas/{idea_id}/supports", json={"email": address}).status_code == 202
    assert count(platform, idea_id) == 0  # not before the link is followed

    [mail] = wait_until(lambda: platform.mail.messages_to(address), timeout=30, message="the confirmation mail")
    body = mail.get_body(("plain",)).get_content()
    confirm = {"token": mailed_token(platform, body, "bestaetigen")}
    withdraw = {"token": mailed_token(platform, body, "zuruecknehmen")}

    page = api(platform, "GET", "/supports/confirm", params=confirm)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "Danke" in page.text and address not in page.text
    assert count(platform, idea_id) == 1
    again = api(platform, "GET", "/supports/confirm", params=confirm, headers=JSON)
    assert again.json() == {"idea_id": idea_id, "supported": True, "count": 1}
    assert count(platform, idea_id) == 1

    withdrawal_page = api(platform, "GET", "/supports/withdraw", params=withdraw)  # the button; withdraws nothing
    assert withdrawal_page.status_code == 200 and '<form method="post"' in withdrawal_page.text
    assert count(platform, idea_id) == 1
    token = re.search(r'name="token" value="([^"]+)"', withdrawal_page.text).group(1)
    withdrawn = requests.post(f"{platform.base_url}/supports/withdraw", data={"token": token}, timeout=15)
    assert withdrawn.status_code == 200 and "zurückgezogen" in withdrawn.text
    assert count(platform, idea_id) == 0

    types = lambda: [e["type"] for e in observed_events if e["data"].get("idea_id") == idea_id]  # noqa: E731
    wait_until(lambda: {"idea.supported", "idea.support_withdrawn"} <= set(types()), message="the support events")
    assert types().count("idea.supported") == 1
    assert address not in json.dumps(observed_events)


def test_a_support_asked_in_english_is_mailed_in_english_linking_the_english_pages(platform):
    idea_id = open_idea(platform)
    address = f"fan-{uuid.uuid4().hex[:8]}@example.org"
    english = {"Accept-Language": "en-GB,en;q=0.8"}
    asked = api(platform, "POST", f"/ideas/{idea_id}/supports", json={"email": address}, headers=english)
    assert asked.status_code == 202

    [mail] = wait_until(lambda: platform.mail.messages_to(address), timeout=30, message="the confirmation mail")
    assert mail["Subject"].startswith("Please confirm your support")
    body = mail.get_body(("plain",)).get_content()
    confirm = {"token": mailed_token(platform, body, "bestaetigen", language="/en")}
    assert api(platform, "GET", "/supports/confirm", params=confirm, headers=JSON).json()["count"] == 1


def test_supports_and_comments_are_refused_for_unknown_ideas_and_bad_input(platform):
    unknown = str(uuid.uuid4())
    assert api(platform, "POST", f"/ideas/{unknown}/supports", json={"email": "a@example.org"}).status_code == 404
    assert api(platform, "POST", f"/ideas/{unknown}/comments", json={"body": "Gute Idee!"}).status_code == 404
    idea_id = open_idea(platform)
    refused = api(platform, "POST", f"/ideas/{idea_id}/supports", json={"email": "kein-at", "locale": "fr", "extra": 1})
    assert refused.status_code == 422 and set(refused.json()["errors"]) == {"email", "locale", "extra"}
    forged = api(platform, "GET", "/supports/confirm?token=forged", headers=JSON)
    assert forged.status_code == 422 and list(forged.json()["errors"]) == ["token"]
    assert api(platform, "GET", "/supports/confirm?token=forged").status_code == 422  # the page says so too


def comments(platform, idea_id: str) -> dict:
    return api(platform, "GET", f"/ideas/{idea_id}/comments").json()


def listed(platform, idea_id: str, comment_id: str) -> bool:
    listing = comments(platform, idea_id)["items"]
    return any(item["id"] == comment_id or any(r["id"] == comment_id for r in item["replies"]) for item in listing)


def submit_comment(platform, idea_id: str, **fields) -> str:
    response = api(platform, "POST", f"/ideas/{idea_id}/comments", json=fields)
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "submitted"
    return response.json()["id"]


def test_comments_are_moderated_like_ideas_end_to_end(platform, moderator_token, observed_events):
    idea_id = open_idea(platform)

    clean = submit_comment(platform, idea_id, body="Gute Idee, am Nordring fehlen auch Bügel.", author_name="Erika")
    wait_until(lambda: listed(platform, idea_id, clean), timeout=30, message="the clean comment to be posted")
    reply = submit_comment(platform, idea_id, body="Finde ich auch.", parent_id=clean)
    wait_until(lambda: listed(platform, idea_id, reply), timeout=30, message="the reply to be posted")
    deeper = api(platform, "POST", f"/ideas/{idea_id}/comments", json={"body": "Noch tiefer.", "parent_id": reply})
    assert deeper.status_code == 422 and list(deeper.json()["errors"]) == ["parent_id"]

    with_phone = submit_comment(platform, idea_id, body="Ruft mich an: 0171 2345678, dann klären wir das.")

    def case():
        queue = api(platform, "GET", "/moderation/queue", moderator_token).json()["items"]
        return next((c for c in queue if c.get("comment_id") == with_phone), None)

    found = wait_until(case, timeout=30, message="the comment's case in the review queue")
    assert found["subject_type"] == "comment" and found["reasons"] == ["personal_data"]
    assert not listed(platform, idea_id, with_phone)
    decided = api(
        platform,
        "POST",
        f"/moderation/cases/{found['id']}/decision",
        moderator_token,
        json={"decision": "approve", "reason": "acceptable"},
    )
    assert decided.status_code == 200
    wait_until(lambda: listed(platform, idea_id, with_phone), timeout=30, message="the approved comment to be posted")

    for n in range(3):  # FLAG_HIDE_THRESHOLD
        flagged = api(
            platform,
            "POST",
            f"/comments/{clean}/flags",
            json={"reason": "offensive", "email": f"flag{n}-{uuid.uuid4().hex[:6]}@example.org"},
        )
        assert flagged.status_code == 202, flagged.text
    wait_until(lambda: not listed(platform, idea_id, clean), timeout=30, message="the flagged comment to be hidden")
    assert not listed(platform, idea_id, reply)  # its thread goes with it

    listing = comments(platform, idea_id)
    assert "@" not in json.dumps(listing) and "Erika" not in json.dumps(listing)  # Erika's comment is hidden

    def new_events():
        return [e for e in observed_events if e["data"].get("idea_id") == idea_id]

    wait_until(
        lambda: {"comment.submitted", "comment.moderated", "comment.posted", "comment.hidden"}
        <= {e["type"] for e in new_events()},
        message="the comment events",
    )
    text = json.dumps(new_events())
    assert "Erika" not in text and "example.org" not in text and "author_name" not in text
