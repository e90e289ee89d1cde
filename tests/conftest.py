"""Fixtures giving each test (or the e2e run) its own vhost, database and mail server."""

import os
import warnings

warnings.filterwarnings("ignore", r"\s*Eventlet is deprecated")
import eventlet  # noqa: E402

eventlet.monkey_patch()  # as `nameko run` does, before anything opens a socket

import pytest  # noqa: E402

from aufbruch.config import development_environment, load_config  # noqa: E402
from tests.support.infrastructure import SmtpSink, TestDatabase, Vhost, ensure_management_api, unique_name  # noqa: E402
from tests.support.proxy import CuttableProxy  # noqa: E402

# deploy/config.yaml gives the secrets no default: the tests (and the services and tools they start)
# use the development values, unless the environment sets its own.
for name, value in development_environment().items():
    os.environ.setdefault(name, value)


@pytest.fixture(scope="session")
def management_api():
    ensure_management_api()


@pytest.fixture
def vhost(management_api):
    created = Vhost(unique_name("aufbruch-test")).create()
    yield created
    created.delete()


@pytest.fixture
def database():
    created = TestDatabase(unique_name("aufbruch_test")).create()
    yield created
    created.drop()


@pytest.fixture(scope="session")
def smtp_sink(tmp_path_factory):
    sink = SmtpSink(tmp_path_factory.mktemp("mail")).start()
    yield sink
    sink.stop()


@pytest.fixture
def config(vhost, database, smtp_sink):
    """The services' configuration, pointed at this test's vhost, database and mail server."""
    return load_config() | {
        "AMQP_URI": vhost.amqp_uri,
        "DATABASE_URL": database.url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": smtp_sink.port,
        "DB_POOL_SIZE": 5,
        "BACKGROUND_NICENESS": 0,  # services run inside the test process: it keeps its priority
    }


@pytest.fixture
def broker_proxy(vhost):
    """A cuttable path to this test's vhost: `broker_proxy.amqp_uri`, `.cut()`, `.restore()`."""
    proxy = CuttableProxy(5672).start()
    proxy.amqp_uri = vhost.amqp_uri.replace(":5672/", f":{proxy.port}/")
    yield proxy
    proxy.stop()


@pytest.fixture
def container_factory(vhost, database, container_factory):
    """Nameko's container_factory, set up after (so torn down before) the database. Its vhost goes
    first: the broker then cancels every consumer, which ends their wait for the next message at once
    instead of after up to a second (nameko's own `fast_teardown` does the same)."""
    yield container_factory
    vhost.delete()
