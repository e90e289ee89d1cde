"""The accounts service's use cases, run for real against the in-memory unit of work of conftest.py:
users with their first token, further tokens, revocation, disabling, and authentication."""

import uuid

import pytest

from aufbruch.contracts.errors import Conflict, InvalidInput, NotFound
from services.accounts import handlers, repository


def test_a_new_user_gets_a_first_token_that_authenticates_them_and_only_its_hash_is_kept(uow):
    created = handlers.create_user(uow, " Anna ", "admin", "Anna K.")

    user = created["user"]
    assert (user["username"], user["role"], user["display_name"]) == ("anna", "admin", "Anna K.")
    assert handlers.authenticate(uow, created["token"]) == {
        "user_id": user["id"],
        "username": "anna",
        "display_name": "Anna K.",
        "role": "admin",
    }
    [stored] = uow.repo.token_rows.values()
    assert stored["token_hash"] == handlers.hash_token(created["token"]) and stored["label"] == "initial"
    assert created["token"] not in str(vars(uow.repo))


def test_authenticating_notes_when_the_token_was_used(uow):
    created = handlers.create_user(uow, "anna", "staff")

    handlers.authenticate(uow, created["token"])

    [listed] = handlers.list_users(uow)
    assert listed["tokens"][0]["last_used_at"] is not None and "token" not in listed["tokens"][0]


def test_a_username_is_taken_once_whatever_its_case(uow):
    handlers.create_user(uow, "anna", "moderator")
    with pytest.raises(Conflict, match="taken"):
        handlers.create_user(uow, "ANNA", "admin")
    assert len(uow.repo.user_rows) == 1 and len(uow.repo.token_rows) == 1


def test_an_invalid_user_is_invalid_input_and_stores_nothing(uow):
    with pytest.raises(InvalidInput) as info:
        handlers.create_user(uow, "a", "root")
    assert set(info.value.errors) == {"username", "role"} and uow.repo.user_rows == {}


def test_another_token_works_beside_the_first_and_revoking_one_leaves_the_other(uow):
    created = handlers.create_user(uow, "anna", "staff")
    laptop = handlers.issue_token(uow, handlers.user_id_by_username(uow, "Anna"), "laptop")

    handlers.revoke_token(uow, created["token_id"])

    assert handlers.authenticate(uow, created["token"]) is None
    assert handlers.authenticate(uow, laptop["token"])["username"] == "anna"
    [listed] = handlers.list_users(uow)
    assert sorted(token["label"] for token in listed["tokens"]) == ["initial", "laptop"]


def test_a_disabled_user_cannot_sign_in_nor_get_a_token(uow):
    created = handlers.create_user(uow, "anna", "moderator")
    user_id = created["user"]["id"]

    handlers.disable_user(uow, user_id)

    assert handlers.authenticate(uow, created["token"]) is None
    with pytest.raises(Conflict, match="disabled"):
        handlers.issue_token(uow, user_id)
    [listed] = handlers.list_users(uow)
    assert listed["disabled_at"] is not None and listed["tokens"][0]["revoked_at"] is not None


def test_a_token_that_was_never_issued_authenticates_no_one(uow):
    handlers.create_user(uow, "anna", "admin")
    assert handlers.authenticate(uow, handlers.new_token()) is None


@pytest.mark.parametrize(
    "call",
    [
        lambda uow: handlers.issue_token(uow, uuid.uuid4()),
        lambda uow: handlers.revoke_token(uow, uuid.uuid4()),
        lambda uow: handlers.disable_user(uow, uuid.uuid4()),
        lambda uow: handlers.user_id_by_username(uow, "nobody"),
    ],
)
def test_unknown_users_and_tokens_are_not_found(uow, call):
    with pytest.raises(NotFound):
        call(uow)


def test_the_fake_repository_offers_every_method_of_the_real_one(uow):
    public = {name for name in dir(repository.Repository) if not name.startswith("_")}
    assert public <= set(dir(uow.repo))
