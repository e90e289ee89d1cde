"""While PostgreSQL is unreachable the ideas service answers 503 with Retry-After (no stack trace,
no hang), and it recovers by itself when the database returns."""
import pytest
import requests

from services.ideas.service import IdeasService
from tests.support.infrastructure import free_port, wait_until
from tests.support.proxy import CuttableProxy

IDEA = {"title": "Trinkbrunnen am Markt", "description": "Im Sommer fehlt am Marktplatz frisches Wasser.",
        "category": "health"}


@pytest.fixture
def database_proxy():
    proxy = CuttableProxy(5432).start()
    yield proxy
    proxy.stop()


def test_ideas_answers_503_during_a_database_outage_and_recovers(container_factory, config, database,
                                                                  database_proxy):
    port = free_port()
    url = database.url.replace(":5432/", f":{database_proxy.port}/")
    container_factory(IdeasService, config | {"DATABASE_URL": url,
                                              "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}"}).start()

    def submit() -> requests.Response:
        return requests.post(f"http://127.0.0.1:{port}/api/v1/ideas", json=IDEA, timeout=15)

    assert submit().status_code == 202
    database_proxy.cut()
    refused = submit()
    assert refused.status_code == 503
    assert refused.headers["Retry-After"]
    assert "Traceback" not in refused.text and "psycopg" not in refused.text

    database_proxy.restore()
    wait_until(lambda: submit().status_code == 202, timeout=30, interval=0.5,
               message="the service to reach its database again")
    assert database.query("select count(*) from ideas.ideas")[0][0] >= 2
