"""Load shedding (aufbruch/http.py): a service that holds `max_workers` requests at work and
`HTTP_MAX_QUEUED_REQUESTS` waiting answers the next one at once with 503 and Retry-After, and takes
requests again as soon as it has room."""

import eventlet
import pytest
import requests
from eventlet.event import Event

from aufbruch.http import RETRY_AFTER_SECONDS, http, json_response
from services.web.pages import busy_page
from tests.support.infrastructure import free_port, wait_until

released = {}


class SlowService:
    name = "slow"

    @http("GET", "/work")
    def work(self, request):
        released["event"].wait()
        return json_response(200, {"done": True})

    @http("GET", "/en/seite", busy=busy_page)
    def page(self, request):
        return json_response(200, {"page": True})


@pytest.fixture
def slow_service(container_factory, config):
    released["event"] = Event()
    port = free_port()
    container = container_factory(
        SlowService,
        config | {"WEB_SERVER_ADDRESS": f"127.0.0.1:{port}", "max_workers": 1, "HTTP_MAX_QUEUED_REQUESTS": 1},
    )
    container.start()
    yield f"http://127.0.0.1:{port}/work", container
    if not released["event"].ready():
        released["event"].send()


def test_beyond_the_workers_and_the_queue_a_request_is_turned_away_at_once_and_later_taken(slow_service):
    url, container = slow_service
    at_work = eventlet.spawn(requests.get, url, timeout=10)
    waiting = eventlet.spawn(requests.get, url, timeout=10)
    admission = next(iter(container.entrypoints)).admission
    wait_until(lambda: admission.held == 2, timeout=5, message="one request at work and one waiting")

    turned_away = requests.get(url, timeout=5)

    assert turned_away.status_code == 503
    assert turned_away.headers["Retry-After"] == RETRY_AFTER_SECONDS
    assert turned_away.headers["X-Content-Type-Options"] == "nosniff"
    assert "retry" in turned_away.json()["error"].lower()
    released["event"].send()
    assert [at_work.wait().status_code, waiting.wait().status_code] == [200, 200]
    assert admission.held == 0
    assert requests.get(url, timeout=5).status_code == 200


def test_a_service_that_chose_its_busy_answer_sheds_with_it(slow_service):
    url, container = slow_service
    page_url = url.replace("/work", "/en/seite")
    held = [eventlet.spawn(requests.get, url, timeout=10) for _ in range(2)]
    admission = next(iter(container.entrypoints)).admission
    wait_until(lambda: admission.held == 2, timeout=5, message="one request at work and one waiting")

    turned_away = requests.get(page_url, timeout=5)

    assert turned_away.status_code == 503 and turned_away.headers["Retry-After"] == RETRY_AFTER_SECONDS
    assert turned_away.headers["Content-Type"].startswith("text/html")
    assert "<h1>A lot is going on right now</h1>" in turned_away.text
    released["event"].send()
    assert [request.wait().status_code for request in held] == [200, 200]
    assert requests.get(page_url, timeout=5).json() == {"page": True}
