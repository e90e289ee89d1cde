"""Unit tests of the gateway's subscription endpoints and pages, with the notifications and accounts
RPC proxies replaced by mocks (worker_factory)."""

import json

import pytest
from nameko.exceptions import deserialize, serialize
from nameko.testing.services import worker_factory
from werkzeug.test import EnvironBuilder

from aufbruch.contracts.errors import InvalidInput, NotFound
from aufbruch.http import Unauthorized
from services.gateway.service import GatewayService

IDEA_ID = "3f2b8f8e-4c1e-4e57-9d4f-0b7d1c7a5e01"
TOKEN = "IjRjNjE0M2Y5In0.signature"


def over_rpc(exc: Exception) -> Exception:
    return deserialize(serialize(exc))


@pytest.fixture
def gateway():
    return worker_factory(GatewayService)


def request(method, path, json_body=None, form=None, query=None, headers=None):
    if json_body is not None:
        return EnvironBuilder(
            method=method,
            path=path,
            data=json.dumps(json_body),
            content_type="application/json",
            headers=headers or {},
            query_string=query,
        ).get_request()
    return EnvironBuilder(method=method, path=path, data=form, query_string=query, headers=headers or {}).get_request()


def html(response) -> str:
    assert response.mimetype == "text/html"
    assert "script-src" not in response.headers["Content-Security-Policy"]
    return response.get_data(as_text=True)


def test_following_passes_the_body_and_the_best_accepted_language(gateway):
    gateway.notifications.follow.return_value = {"status": "confirmation_sent"}
    response = gateway.follow_idea(
        request(
            "POST",
            f"/api/v1/ideas/{IDEA_ID}/followers",
            {"email": "a@example.org"},
            headers={"Accept-Language": "en-GB,en;q=0.8"},
        ),
        IDEA_ID,
    )
    assert response.status_code == 202
    gateway.notifications.follow.assert_called_once_with(IDEA_ID, {"email": "a@example.org"}, "en")


def test_following_an_unknown_idea_is_404(gateway):
    gateway.notifications.follow.side_effect = over_rpc(NotFound("No idea."))
    response = gateway.follow_idea(
        request("POST", f"/api/v1/ideas/{IDEA_ID}/followers", {"email": "a@example.org"}), IDEA_ID
    )
    assert response.status_code == 404


def test_a_digest_subscription_with_a_bad_field_is_422_naming_it(gateway):
    gateway.notifications.subscribe_digest.side_effect = over_rpc(InvalidInput({"category": ["Must be one of"]}))
    response = gateway.subscribe_digest(
        request("POST", "/api/v1/subscriptions/digest", {"email": "a@example.org", "category": "x"})
    )
    assert response.status_code == 422 and "category" in json.loads(response.get_data())["errors"]


def test_confirming_shows_a_german_page(gateway):
    gateway.notifications.confirm.return_value = {
        "subscription": "follower",
        "idea_id": IDEA_ID,
        "title": "Bänke & <Tische>",
    }
    response = gateway.confirm_subscription(request("GET", "/api/v1/subscriptions/confirm", query={"token": TOKEN}))
    assert response.status_code == 200
    page = html(response)
    assert "Vielen Dank, bestätigt" in page and "Bänke &amp; &lt;Tische&gt;" in page
    gateway.notifications.confirm.assert_called_once_with(TOKEN)


@pytest.mark.parametrize("error, status", [(InvalidInput({"token": ["bad"]}), 400), (NotFound("gone"), 404)])
def test_a_bad_or_outdated_confirmation_link_gets_a_page_not_json(gateway, error, status):
    gateway.notifications.confirm.side_effect = over_rpc(error)
    response = gateway.confirm_subscription(request("GET", "/api/v1/subscriptions/confirm", query={"token": "x"}))
    assert response.status_code == status
    assert "<h1>" in html(response)


def test_the_unsubscribe_page_changes_nothing_and_offers_a_button_that_posts_back(gateway):
    gateway.notifications.unsubscribe_scope.return_value = "follower"
    response = gateway.unsubscribe_page(request("GET", "/api/v1/unsubscribe", query={"token": TOKEN}))
    page = html(response)
    assert response.status_code == 200
    assert f'<form method="post" action="/api/v1/unsubscribe?token={TOKEN}">' in page
    assert 'name="List-Unsubscribe" value="One-Click"' in page and 'name="erase" value="yes"' in page
    assert not gateway.notifications.unsubscribe.called


@pytest.mark.parametrize(
    "form, erase", [("List-Unsubscribe=One-Click", False), ("List-Unsubscribe=One-Click&erase=yes", True)]
)
def test_one_click_unsubscribe_and_the_pages_button(gateway, form, erase):
    gateway.notifications.unsubscribe.return_value = {"scope": "idea", "erased": erase}
    response = gateway.unsubscribe(
        request(
            "POST",
            "/api/v1/unsubscribe",
            form=form,
            query={"token": TOKEN},
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    )
    assert response.status_code == 200
    assert "Abbestellt" in html(response)
    assert ("Ihre E-Mail-Adresse ist bei uns gelöscht." in html(response)) is erase
    gateway.notifications.unsubscribe.assert_called_once_with(TOKEN, erase)


def test_a_forged_unsubscribe_link_is_400(gateway):
    gateway.notifications.unsubscribe.side_effect = over_rpc(InvalidInput({"token": ["bad"]}))
    response = gateway.unsubscribe(request("POST", "/api/v1/unsubscribe", query={"token": "forged"}))
    assert response.status_code == 400


def test_erasure_is_for_admins_only(gateway):
    gateway.auth.require.side_effect = Unauthorized("no token")
    erasure = request("DELETE", "/api/v1/admin/people", query={"email": "a@example.org"})
    response = gateway.admin_erase_person(erasure)
    assert response.status_code == 401
    gateway.auth.require.assert_called_once_with(erasure, "admin")
    assert not gateway.notifications.erase_person.called


def test_an_admin_erases_by_the_email_query_parameter(gateway):
    gateway.auth.require.return_value = {"user_id": "u", "username": "anna", "role": "admin"}
    gateway.notifications.erase_person.return_value = {"erasure_id": "e", "submissions_erased": 1}
    response = gateway.admin_erase_person(request("DELETE", "/api/v1/admin/people", query={"email": "a@example.org"}))
    assert response.status_code == 200 and json.loads(response.get_data())["erasure_id"] == "e"
    gateway.notifications.erase_person.assert_called_once_with({"email": "a@example.org"})


# --- JSON for clients that ask for it (the web front end renders its own pages) -------------------

JSON = {"Accept": "application/json"}


def facts(response) -> dict:
    assert response.mimetype == "application/json"
    return json.loads(response.get_data())


def test_confirming_answers_the_confirmed_subscription_as_json(gateway):
    confirmed = {"subscription": "follower", "idea_id": IDEA_ID, "title": "Bänke"}
    gateway.notifications.confirm.return_value = confirmed
    response = gateway.confirm_subscription(
        request("GET", "/api/v1/subscriptions/confirm", query={"token": TOKEN}, headers=JSON)
    )
    assert response.status_code == 200 and facts(response) == confirmed


@pytest.mark.parametrize(
    "error, status, message",
    [
        (InvalidInput({"token": ["bad"]}), 400, "The link is invalid or has expired."),
        (NotFound("gone"), 404, "This subscription no longer exists."),
    ],
)
def test_a_bad_or_outdated_confirmation_link_has_the_pages_status_in_json(gateway, error, status, message):
    gateway.notifications.confirm.side_effect = over_rpc(error)
    response = gateway.confirm_subscription(
        request("GET", "/api/v1/subscriptions/confirm", query={"token": "x"}, headers=JSON)
    )
    assert response.status_code == status and facts(response) == {"error": message}


@pytest.mark.parametrize("scope", ["follower", None])
def test_the_unsubscribe_page_in_json_says_what_the_link_ends_and_changes_nothing(gateway, scope):
    gateway.notifications.unsubscribe_scope.return_value = scope
    response = gateway.unsubscribe_page(request("GET", "/api/v1/unsubscribe", query={"token": TOKEN}, headers=JSON))
    assert response.status_code == 200 and facts(response) == {"scope": scope}
    assert not gateway.notifications.unsubscribe.called


def test_a_forged_unsubscribe_link_is_400_in_json_too(gateway):
    gateway.notifications.unsubscribe_scope.side_effect = over_rpc(InvalidInput({"token": ["bad"]}))
    response = gateway.unsubscribe_page(request("GET", "/api/v1/unsubscribe", query={"token": "x"}, headers=JSON))
    assert response.status_code == 400 and facts(response) == {"error": "The link is invalid or has expired."}


def test_unsubscribing_in_json_says_what_ended_and_whether_the_address_was_erased(gateway):
    gateway.notifications.unsubscribe.return_value = {"scope": "digest", "erased": True}
    response = gateway.unsubscribe(
        request(
            "POST",
            "/api/v1/unsubscribe",
            form="erase=yes",
            query={"token": TOKEN},
            headers=JSON | {"Content-Type": "application/x-www-form-urlencoded"},
        )
    )
    assert response.status_code == 200 and facts(response) == {"scope": "digest", "erased": True}
    gateway.notifications.unsubscribe.assert_called_once_with(TOKEN, True)


def test_a_browser_that_also_accepts_json_gets_the_page(gateway):
    gateway.notifications.unsubscribe_scope.return_value = "digest"
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    response = gateway.unsubscribe_page(request("GET", "/api/v1/unsubscribe", query={"token": TOKEN}, headers=browser))
    assert "Mails abbestellen" in html(response)
