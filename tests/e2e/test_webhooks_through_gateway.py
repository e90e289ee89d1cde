"""End to end, through the gateway: an admin registers a webhook for idea.published on a local
receiver; a citizen's idea arrives there as a signed CloudEvent without personal data, and the
delivery shows in the log. Only admins may manage webhooks."""

import json

import pytest
import requests
from standardwebhooks import Webhook

from aufbruch.contracts.webhooks import CONTENT_TYPE
from tests.support.ideas import distinct_idea
from tests.support.infrastructure import wait_until
from tests.support.staff import bearer
from tests.support.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.e2e
AUTHOR = {"name": "Erika Webhook", "email": "erika.webhook@example.org"}


def test_an_admin_registers_a_webhook_that_receives_signed_published_ideas(platform, admin, moderator_token):
    receiver = WebhookReceiver().start()
    url = f"{platform.base_url}/webhooks"
    try:
        registration = {"url": receiver.url("/city-map"), "event_types": ["idea.published"]}
        assert requests.post(url, json=registration, timeout=15).status_code == 401
        assert requests.post(url, json=registration, headers=bearer(moderator_token), timeout=15).status_code == 403
        assert requests.get(url, headers=bearer(moderator_token), timeout=15).status_code == 403
        refused = requests.post(
            url, json={"url": "ftp://x", "event_types": ["idea.deleted"]}, headers=bearer(admin.token), timeout=15
        )
        assert refused.status_code == 422 and set(refused.json()["errors"]) == {"url", "event_types"}

        created = requests.post(url, json=registration, headers=bearer(admin.token), timeout=15)
        assert created.status_code == 201, created.text
        webhook = created.json()
        secret = webhook["secret"]
        shown = requests.get(f"{url}/{webhook['id']}", headers=bearer(admin.token), timeout=15).json()
        assert shown["url"] == registration["url"] and "secret" not in shown
        assert webhook["signature_scheme"] == shown["signature_scheme"] == "standard-webhooks"

        submitted = platform.submit(distinct_idea("mobility") | {"author": AUTHOR})
        assert submitted.status_code == 202, submitted.text
        idea_id = submitted.json()["id"]
        wait_until(lambda: receiver.requests_to("/city-map"), timeout=30, message="the webhook delivery")

        [request] = receiver.requests_to("/city-map")
        assert request["headers"]["Content-Type"] == CONTENT_TYPE
        event = Webhook(secret).verify(request["body"], request["headers"])  # Standard Webhooks' library
        assert "Webhook-Legacy-Signature" not in request["headers"]
        assert event == json.loads(request["body"])
        assert (event["type"], event["data"]["idea_id"]) == ("idea.published", idea_id)
        text = request["body"].decode("utf-8")
        assert AUTHOR["email"] not in text and AUTHOR["name"] not in text

        log = wait_until(
            lambda: (
                items := requests.get(
                    f"{url}/{webhook['id']}/deliveries", timeout=15, headers=bearer(admin.token)
                ).json()["items"]
            )
            and items[0]["status"] == "delivered"
            and items,
            timeout=10,
            message="the log",
        )
        assert log[0]["id"] == request["headers"]["Webhook-Id"] and log[0]["event_id"] == event["id"]

        deleted = requests.delete(f"{url}/{webhook['id']}", headers=bearer(admin.token), timeout=15)
        assert deleted.status_code == 204
        assert requests.get(f"{url}/{webhook['id']}", headers=bearer(admin.token), timeout=15).status_code == 404
    finally:
        receiver.stop()
