"""The `http` entrypoint (aufbruch/http.py) in a running service: what a method raises is answered
from the one error table, inside the worker, so the worker counts as having answered (Nameko logs no
failed worker for a 404) while a real failure is a logged JSON 500."""

import logging

import pytest
import requests
from nameko.extensions import DependencyProvider

from aufbruch.contracts.errors import NotFound
from aufbruch.http import SECURITY_HEADERS, http
from tests.support.infrastructure import free_port

seen_results = []


class WorkerResults(DependencyProvider):
    """Notes the exception (or None) each worker ended with, as a database provider would see it."""

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        seen_results.append(exc_info)


class AnsweringService:
    name = "answering"
    results = WorkerResults()

    @http("GET", "/ideas/<idea_id>")
    def get_idea(self, request, idea_id):
        raise NotFound(f"There is no idea {idea_id}.")

    @http("GET", "/broken")
    def broken(self, request):
        raise ZeroDivisionError("secret detail")


@pytest.fixture
def base_url(container_factory, config):
    port = free_port()
    container_factory(AnsweringService, config | {"WEB_SERVER_ADDRESS": f"127.0.0.1:{port}"}).start()
    seen_results.clear()
    return f"http://127.0.0.1:{port}"


def test_a_raised_error_is_its_json_answer_and_the_worker_counts_as_answered(base_url, caplog):
    with caplog.at_level(logging.WARNING):
        response = requests.get(f"{base_url}/ideas/42", timeout=5)

    assert response.status_code == 404 and response.json() == {"error": "There is no idea 42."}
    assert all(response.headers[name] == value for name, value in SECURITY_HEADERS.items())
    assert seen_results == [None]
    assert not [record for record in caplog.records if record.name.startswith("nameko")]


def test_an_unexpected_error_is_a_logged_500_without_its_details(base_url, caplog):
    with caplog.at_level(logging.ERROR, logger="aufbruch.http"):
        response = requests.get(f"{base_url}/broken", timeout=5)

    assert response.status_code == 500 and response.json() == {"error": "Internal error."}
    assert "secret detail" not in response.text
    assert [record.exc_info[0] for record in caplog.records if record.name == "aufbruch.http"] == [ZeroDivisionError]
