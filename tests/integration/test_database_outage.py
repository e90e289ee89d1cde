"""While PostgreSQL is unreachable the ideas service answers 503 with Retry-After (no stack trace,
no hang), and it recovers by itself when the database returns."""

import pytest
import requests

from aufbruch.db import open_pool
from services.ideas.service import IdeasService
from tests.support.infrastructure import free_port, wait_until
from tests.support.proxy import CuttableProxy

IDEA = {
    "title": "Trinkbrunnen am Markt",
    "description": "Im Sommer fehlt am Marktplatz frisches Wasser.",
    "category": "health",
}


@pytest.fixture
def database_proxy():
    proxy = CuttableProxy(5432).start()
    yield proxy
    proxy.stop()


def test_ideas_answers_503_during_a_database_outage_and_recovers(container_factory, config, database, database_proxy):
    port = free_port()
    url = database.url.replace(":5432/", f":{database_proxy.port}/")
    container_factory(IdeasService, config | {"DATABASE_URL": url, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}"}).start()

    def submit() -> requests.Response:
        return requests.post(f"http://127.0.0.1:{port}/api/v1/ideas", json=IDEA, timeout=15)

    assert submit().status_code == 202
    database_proxy.cut()
    refused = submit()
    assert refused.status_code == 503
    assert refused.headers["Retry-After"]
    assert "Traceback" not in refused.text and "psycopg" not in refused.text

    database_proxy.restore()
    wait_until(
        lambda: submit().status_code == 202, timeout=30, interval=0.5, message="the service to reach its database again"
    )
    assert database.query("select count(*) from ideas.ideas")[0][0] >= 2


def test_the_pool_replaces_a_connection_whose_server_ended_without_failing_the_caller(database):
    pool = open_pool(database.url, "public", max_size=1)
    try:
        with pool.connection() as conn:
            first_backend = conn.execute("select pg_backend_pid() as pid").fetchone()["pid"]
        database.query("select pg_terminate_backend(%s)", (first_backend,))
        wait_until(
            lambda: not database.query("select 1 from pg_stat_activity where pid = %s", (first_backend,)),
            message="the backend to end",
        )

        with pool.connection() as conn:
            assert conn.execute("select pg_backend_pid() as pid").fetchone()["pid"] != first_backend
    finally:
        pool.close()
