"""The accounts service against a real database and broker: tokens that sign in until revoked or their
user is disabled, only hashes stored, errors that cross RPC as themselves, and the admin command."""

import subprocess
import sys

import pytest
from nameko.standalone.rpc import ServiceRpcProxy
from nameko.testing.services import entrypoint_hook

from aufbruch.contracts.errors import Conflict, InvalidInput, NotFound
from services.accounts.service import AccountsService
from tests.support.infrastructure import REPO_ROOT


class Accounts:
    def __init__(self, container):
        self.container = container

    def __getattr__(self, method):
        def call(*args, **kwargs):
            with entrypoint_hook(self.container, method) as hook:
                return hook(*args, **kwargs)

        return call


@pytest.fixture
def accounts(container_factory, config):
    container = container_factory(AccountsService, config)
    container.start()
    return Accounts(container)


def test_a_created_user_signs_in_with_the_token_shown_once(accounts, database):
    created = accounts.create_user("Anna", "admin", display_name="Anna K.")

    assert created["user"]["username"] == "anna"
    assert created["user"]["role"] == "admin" and created["user"]["display_name"] == "Anna K."
    assert created["token"].startswith("aufb_")
    assert accounts.authenticate(created["token"]) == {
        "user_id": created["user"]["id"],
        "username": "anna",
        "display_name": "Anna K.",
        "role": "admin",
    }
    assert accounts.authenticate(created["token"] + "x") is None
    assert accounts.authenticate("aufb_" + "A" * 43) is None

    stored = database.query("select token_hash::text, label, last_used_at from accounts.tokens")
    assert len(stored) == 1 and stored[0][2] is not None  # last_used_at noted
    dump = database.query("select t::text from accounts.tokens t")[0][0] + str(
        database.query("select u::text from accounts.users u")
    )
    assert created["token"] not in dump and created["token"][5:] not in dump


def test_list_users_shows_tokens_but_never_the_token(accounts):
    created = accounts.create_user("max", "moderator")
    second = accounts.issue_token(created["user"]["id"], label="laptop")

    [user] = accounts.list_users()
    assert user["username"] == "max" and user["disabled_at"] is None
    assert [(t["id"], t["label"]) for t in user["tokens"]] == [
        (created["token_id"], "initial"),
        (second["token_id"], "laptop"),
    ]
    assert created["token"] not in str(user) and second["token"] not in str(user)


def test_a_revoked_token_no_longer_signs_in_and_other_tokens_still_do(accounts):
    created = accounts.create_user("max", "moderator")
    second = accounts.issue_token(created["user"]["id"])
    assert accounts.authenticate(second["token"])["username"] == "max"

    accounts.revoke_token(second["token_id"])
    accounts.revoke_token(second["token_id"])  # revoking twice changes nothing

    assert accounts.authenticate(second["token"]) is None
    assert accounts.authenticate(created["token"])["username"] == "max"


def test_a_disabled_user_no_longer_signs_in_and_gets_no_new_token(accounts):
    created = accounts.create_user("max", "moderator")

    accounts.disable_user(created["user"]["id"])

    assert accounts.authenticate(created["token"]) is None
    with pytest.raises(Conflict):
        accounts.issue_token(created["user"]["id"])
    assert accounts.list_users()[0]["disabled_at"] is not None


def test_a_taken_username_is_a_conflict_whatever_its_case(accounts):
    accounts.create_user("anna", "admin")
    with pytest.raises(Conflict):
        accounts.create_user("ANNA", "moderator")


def test_an_invalid_role_is_invalid_input_naming_the_field(accounts):
    with pytest.raises(InvalidInput) as raised:
        accounts.create_user("anna", "superuser")
    assert list(raised.value.errors) == ["role"]


@pytest.mark.parametrize("method", ["issue_token", "revoke_token", "disable_user"])
@pytest.mark.parametrize("unknown", ["3f2b8f8e-4c1e-4e57-9d4f-0b7d1c7a5e01", "no-uuid"])
def test_unknown_ids_are_not_found(accounts, method, unknown):
    with pytest.raises(NotFound):
        getattr(accounts, method)(unknown)


def test_errors_and_answers_cross_rpc_as_themselves(accounts, config):
    with ServiceRpcProxy("accounts", config) as rpc:
        created = rpc.create_user("anna", "admin")
        assert rpc.authenticate(created["token"])["role"] == "admin"
        with pytest.raises(Conflict):
            rpc.create_user("anna", "admin")
        with pytest.raises(InvalidInput) as raised:
            rpc.create_user("a", "admin")
        assert list(raised.value.errors) == ["username"]
        with pytest.raises(NotFound):
            rpc.revoke_token("3f2b8f8e-4c1e-4e57-9d4f-0b7d1c7a5e01")
        assert rpc.ping() == "ok"


def run_cli(database, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "services.accounts.cli", *args],
        cwd=REPO_ROOT,
        env={"DATABASE_URL": database.url, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def token_in(output: str) -> str:
    [token] = [line for line in output.splitlines() if line.startswith("aufb_")]
    return token


def test_the_admin_command_prints_a_token_that_signs_in(accounts, database):
    created = run_cli(database, "create-user", "--username", "anna", "--role", "admin", "--display-name", "Anna K.")
    assert created.returncode == 0, created.stderr
    assert "cannot be shown again" in created.stdout
    token = token_in(created.stdout)
    assert accounts.authenticate(token)["username"] == "anna"

    issued = run_cli(database, "issue-token", "--username", "anna", "--label", "laptop")
    assert issued.returncode == 0, issued.stderr
    second = token_in(issued.stdout)
    assert accounts.authenticate(second)["username"] == "anna"

    listed = run_cli(database, "list-users")
    assert listed.returncode == 0 and "anna\tadmin\tactive" in listed.stdout
    assert token not in listed.stdout and second not in listed.stdout

    token_id = accounts.list_users()[0]["tokens"][1]["id"]
    assert run_cli(database, "revoke-token", "--token-id", token_id).returncode == 0
    assert accounts.authenticate(second) is None
    assert accounts.authenticate(token)["username"] == "anna"


def test_the_admin_command_says_what_is_wrong(database):
    assert run_cli(database, "create-user", "--username", "anna", "--role", "admin").returncode == 0

    taken = run_cli(database, "create-user", "--username", "anna", "--role", "admin")
    assert taken.returncode == 1 and "taken" in taken.stderr

    invalid = run_cli(database, "create-user", "--username", "a b", "--role", "moderator")
    assert invalid.returncode == 2 and invalid.stderr.startswith("username:")

    unknown = run_cli(database, "issue-token", "--username", "nobody")
    assert unknown.returncode == 1 and "nobody" in unknown.stderr
