"""The whole platform for the end-to-end tests (tests/support/platform.py starts it), its staff, and the
browser the web pages' tests drive (tests/support/browser.py)."""

import subprocess
import sys

import pytest

from tests.support.browser import PageVisits, launched_browser
from tests.support.infrastructure import REPO_ROOT, TestDatabase, Vhost, unique_name
from tests.support.platform import Platform
from tests.support.staff import Admin, unique_username


@pytest.fixture(scope="session")
def platform(management_api, smtp_sink, tmp_path_factory):
    vhost = Vhost(unique_name("aufbruch-e2e")).create()
    database = TestDatabase(unique_name("aufbruch_e2e")).create()
    running = Platform(vhost, database, smtp_sink, tmp_path_factory.mktemp("logs"))
    try:
        yield running.start()
    finally:
        running.stop()
        database.drop()
        vhost.delete()


@pytest.fixture(scope="session")
def admin(platform) -> Admin:
    """The first admin, made by the admin command against the platform's database."""
    created = subprocess.run(
        [
            sys.executable,
            "-m",
            "services.accounts.cli",
            "create-user",
            "--username",
            unique_username("admin"),
            "--role",
            "admin",
            "--display-name",
            "Erste Admin",
        ],
        cwd=REPO_ROOT,
        env=platform.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "cannot be shown again" in created.stdout
    [token] = [line for line in created.stdout.splitlines() if line.startswith("aufb_")]
    return Admin(platform, token)


@pytest.fixture(scope="session")
def moderator_token(admin) -> str:
    return admin.create_user("moderator")["token"]


@pytest.fixture(scope="session")
def staff_member(admin) -> dict:
    """A digital guide of the administration (role `staff`): {user, token_id, token}."""
    return admin.create_user("staff", display_name="Lena Lotsin")


@pytest.fixture(scope="module")
def browser():
    """Chromium, one per test module: starting it costs about a second, a context per test is cheap."""
    with launched_browser() as launched:
        yield launched


@pytest.fixture
def visits(browser, request):
    """The test's own browser context: every page it visits is checked with axe-core and photographed."""
    visiting = PageVisits(browser, request.node.name)
    yield visiting
    visiting.close()
