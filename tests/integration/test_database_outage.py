"""While PostgreSQL is unreachable a service answers Unavailable (the gateway's 503 with Retry-After)
instead of hanging or crashing, and it recovers by itself when the database returns."""
import pytest
from nameko.testing.services import entrypoint_hook

from aufbruch.contracts.errors import Unavailable
from services.ideas.service import IdeasService
from tests.support.proxy import CuttableProxy

IDEA = {"title": "Trinkbrunnen am Markt", "description": "Im Sommer fehlt am Marktplatz frisches Wasser.",
        "category": "health"}


@pytest.fixture
def database_proxy():
    proxy = CuttableProxy(5432).start()
    yield proxy
    proxy.stop()


def test_ideas_answers_unavailable_during_an_outage_and_recovers(container_factory, config, database,
                                                                  database_proxy):
    url = database.url.replace(":5432/", f":{database_proxy.port}/")
    container = container_factory(IdeasService, config | {"DATABASE_URL": url})
    container.start()
    with entrypoint_hook(container, "submit") as submit:
        assert submit(IDEA)["status"] == "submitted"

        database_proxy.cut()
        with pytest.raises(Unavailable):
            submit(IDEA)

        database_proxy.restore()
        assert submit(IDEA)["status"] == "submitted"
    assert database.query("select count(*) from ideas.ideas") == [(2,)]
