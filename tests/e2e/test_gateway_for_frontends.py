"""End to end, through the gateway: what front ends such as the web service need from the API (brief,
"API additions"): who a staff token belongs to, the categories with their names, and the mailed links'
answers in JSON when the client asks for JSON."""

import uuid

import pytest
import requests

from aufbruch.config import categories, load_config
from aufbruch.labels import category_label
from tests.support.notifications import confirmation_url, link_token, unsubscribe_url, wait_for_mails
from tests.support.staff import bearer

pytestmark = pytest.mark.e2e
WAIT = 30
JSON = {"Accept": "application/json"}


def test_me_names_the_account_behind_a_staff_token(platform, admin, staff_member):
    signed_in = requests.get(f"{platform.base_url}/me", headers=bearer(staff_member["token"]), timeout=15)
    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.json() == {
        "user_id": staff_member["user"]["id"],
        "username": staff_member["user"]["username"],
        "display_name": "Lena Lotsin",
        "role": "staff",
    }
    assert requests.get(f"{platform.base_url}/me", headers=bearer(admin.token), timeout=15).json()["role"] == "admin"


@pytest.mark.parametrize("token", [None, "not-a-token", "aufb_" + "A" * 43])
def test_me_without_a_valid_token_is_401_as_every_staff_endpoint(platform, token):
    response = requests.get(f"{platform.base_url}/me", headers=bearer(token), timeout=15)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_categories_in_their_configured_order_with_their_names(platform):
    response = requests.get(f"{platform.base_url}/categories", timeout=15)
    assert response.status_code == 200
    assert response.json()["items"] == [
        {"id": code, "labels": {"de": category_label("de", code), "en": category_label("en", code)}}
        for code in categories(load_config())
    ]


def test_a_digest_confirmed_and_ended_through_its_links_in_json(platform):
    address = f"digest-{uuid.uuid4().hex[:8]}@example.org"
    subscribed = requests.post(
        f"{platform.base_url}/subscriptions/digest", json={"email": address, "category": "mobility"}, timeout=15
    )
    assert subscribed.status_code == 202, subscribed.text
    [mail] = wait_for_mails(platform.mail, address, 1, timeout=WAIT)
    confirm = {"token": link_token(confirmation_url(mail))}
    unsubscribe = {"token": link_token(unsubscribe_url(mail))}

    confirmed = requests.get(f"{platform.base_url}/subscriptions/confirm", params=confirm, headers=JSON, timeout=15)
    assert confirmed.status_code == 200 and confirmed.json() == {"subscription": "digest", "category": "mobility"}
    asked = requests.get(f"{platform.base_url}/unsubscribe", params=unsubscribe, headers=JSON, timeout=15)
    assert asked.status_code == 200 and asked.json() == {"scope": "digest"}
    ended = requests.post(
        f"{platform.base_url}/unsubscribe", params=unsubscribe, data={"erase": "yes"}, headers=JSON, timeout=15
    )
    assert ended.status_code == 200 and ended.json() == {"scope": "digest", "erased": True}

    gone = requests.get(f"{platform.base_url}/unsubscribe", params=unsubscribe, headers=JSON, timeout=15)
    assert gone.status_code == 200 and gone.json() == {"scope": None}
    outdated = requests.get(f"{platform.base_url}/subscriptions/confirm", params=confirm, headers=JSON, timeout=15)
    assert outdated.status_code == 404 and outdated.json() == {"error": "This subscription no longer exists."}


@pytest.mark.parametrize(
    "method, path", [("GET", "/subscriptions/confirm"), ("GET", "/unsubscribe"), ("POST", "/unsubscribe")]
)
def test_a_forged_link_is_400_in_json(platform, method, path):
    response = requests.request(
        method, f"{platform.base_url}{path}", params={"token": "forged.token"}, headers=JSON, timeout=15
    )
    assert response.status_code == 400
    assert response.json() == {"error": "The link is invalid or has expired."}
