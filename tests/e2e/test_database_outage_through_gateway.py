"""PostgreSQL unreachable (the services that answer the gateway are restarted with a proxy in front
of their database, which is then cut): the gateway answers `503` with `Retry-After` and a JSON error,
never a stack trace or a hang, and the platform recovers by itself when the database is back: no
restart, nothing already accepted lost."""

import uuid

import pytest
import requests

from aufbruch.contracts.topology import DEAD_LETTER_QUEUE
from tests.support.ideas import distinct_idea
from tests.support.infrastructure import wait_until
from tests.support.proxy import CuttableProxy
from tests.support.staff import bearer

pytestmark = pytest.mark.e2e
BEHIND_THE_PROXY = ("ideas", "moderation", "reporting", "accounts")
LEAKS = ("Traceback", "psycopg", "OperationalError", "postgres", "5432", 'File "')


def assert_unavailable(response: requests.Response) -> None:
    assert response.status_code == 503, response.text
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "error" in response.json()
    assert not any(leak in response.text for leak in LEAKS), response.text


@pytest.fixture
def database_proxy(platform):
    proxy = CuttableProxy(5432).start()
    platform.restart_services(*BEHIND_THE_PROXY, DATABASE_URL=platform.database_url_through(proxy))
    yield proxy
    platform.restart_services(*BEHIND_THE_PROXY)
    proxy.stop()


def test_the_gateway_answers_503_while_the_database_is_down_and_recovers_without_restart(
    platform, moderator_token, database_proxy
):
    address = f"db-outage-{uuid.uuid4().hex[:8]}@example.org"
    before = platform.submit(distinct_idea()).json()["id"]
    platform.wait_for_status(before, {"published"})
    url = platform.base_url

    database_proxy.cut()
    try:
        assert_unavailable(requests.post(f"{url}/ideas", json=distinct_idea(author={"email": address}), timeout=30))
        assert_unavailable(requests.get(f"{url}/ideas/{before}", timeout=30))
        assert_unavailable(requests.get(f"{url}/ideas", timeout=30))
        assert_unavailable(requests.get(f"{url}/reports/summary", timeout=30))
        assert_unavailable(
            requests.post(
                f"{url}/ideas/{before}/flags", timeout=30, json={"reason": "spam", "email": "flagger@example.org"}
            )
        )
        assert_unavailable(requests.get(f"{url}/moderation/queue", headers=bearer(moderator_token), timeout=30))
        health = requests.get(f"{url}/health", timeout=30)
        assert health.status_code == 503
        assert health.json()["checks"]["ideas"] != "ok" and health.json()["checks"]["reporting"] != "ok"
    finally:
        database_proxy.restore()

    # Every service finds its database again by itself.
    wait_until(platform.healthy, timeout=60, interval=0.5, message="every service to reach the database again")
    accepted = wait_until(
        lambda: (response := platform.submit(distinct_idea(author={"email": address}))).status_code == 202 and response,
        timeout=30,
        interval=0.5,
        message="a 202 again",
    )
    assert platform.wait_for_status(accepted.json()["id"], {"published"}, timeout=60)["status"] == "published"
    wait_until(lambda: len(platform.mail.messages_to(address)) == 2, timeout=60, message=f"both mails to {address}")
    assert platform.idea(before)["status"] == "published"
    assert platform.vhost.ready_messages(DEAD_LETTER_QUEUE) == 0
