"""The pure parts of accounts: what a token looks like, how it is hashed, and the account contract."""

import hashlib

import pytest

from aufbruch.contracts.accounts import MAX_TOKEN_LENGTH, ROLES, TOKEN_PREFIX, NewToken, NewUser, looks_like_token
from aufbruch.contracts.errors import InvalidInput, NotFound, validated
from services.accounts import handlers


def test_a_new_token_is_the_prefix_and_256_random_bits_in_url_safe_base64():
    token = handlers.new_token()
    assert token.startswith(TOKEN_PREFIX)
    assert len(token) == len(TOKEN_PREFIX) + 43  # secrets.token_urlsafe(32)
    assert looks_like_token(token)


def test_new_tokens_differ():
    assert len({handlers.new_token() for _ in range(1000)}) == 1000


def test_the_hash_is_the_sha256_of_the_token_and_does_not_contain_it():
    token = handlers.new_token()
    digest = handlers.hash_token(token)
    assert digest == hashlib.sha256(token.encode()).digest()
    assert len(digest) == 32
    assert token.encode() not in digest and handlers.hash_token(token + "x") != digest


@pytest.mark.parametrize(
    "value",
    [
        None,
        42,
        "",
        "aufb_",
        "Bearer aufb_abc",
        "aufb_abc def",
        "aufb_abc+/=",
        "xyz_" + "a" * 43,
        "aufb_" + "a" * MAX_TOKEN_LENGTH,
        "aufb_ä",
    ],
)
def test_what_was_never_issued_does_not_look_like_a_token(value):
    assert not looks_like_token(value)


@pytest.mark.parametrize("value", [None, 42, "", "nope", "aufb_" + "a" * 200])
def test_authenticate_refuses_what_does_not_look_like_a_token_without_asking_the_database(value):
    class NoDatabase:
        def transaction(self):
            raise AssertionError("asked the database")

    assert handlers.authenticate(NoDatabase(), value) is None


def test_roles_are_moderator_staff_and_admin():
    assert ROLES == ("moderator", "staff", "admin")


@pytest.mark.parametrize("role", ROLES)
def test_a_valid_user_is_loaded_with_username_lower_cased_and_trimmed(role):
    assert validated(NewUser(), {"username": " Anna.K_1-x ", "role": role, "display_name": " Anna K. "}) == {
        "username": "anna.k_1-x",
        "role": role,
        "display_name": "Anna K.",
    }


def test_display_name_is_optional():
    assert validated(NewUser(), {"username": "anna", "role": "admin"})["display_name"] is None


@pytest.mark.parametrize("role", ["citizen", "Admin", "", None, 1, "root"])
def test_an_unknown_role_is_invalid_input_naming_the_field(role):
    with pytest.raises(InvalidInput) as raised:
        validated(NewUser(), {"username": "anna", "role": role})
    assert list(raised.value.errors) == ["role"]


@pytest.mark.parametrize("username", ["an", "a" * 51, "anna maria", "anna@city", "änna", "", None, 7])
def test_a_bad_username_is_invalid_input_naming_the_field(username):
    with pytest.raises(InvalidInput) as raised:
        validated(NewUser(), {"username": username, "role": "moderator"})
    assert list(raised.value.errors) == ["username"]


def test_every_missing_or_unknown_field_is_named():
    with pytest.raises(InvalidInput) as raised:
        validated(NewUser(), {"password": "x"})
    assert set(raised.value.errors) == {"username", "role", "password"}


@pytest.mark.parametrize("payload", [None, [], "anna"])
def test_a_body_that_is_not_an_object_is_invalid_input(payload):
    with pytest.raises(InvalidInput):
        validated(NewUser(), payload)


def test_a_token_label_is_optional_and_bounded():
    assert validated(NewToken(), {}) == {"label": None}
    assert validated(NewToken(), {"label": " laptop "}) == {"label": "laptop"}
    with pytest.raises(InvalidInput) as raised:
        validated(NewToken(), {"label": "x" * 101})
    assert list(raised.value.errors) == ["label"]


@pytest.mark.parametrize(
    "call",
    [
        lambda: handlers.issue_token(None, "not-a-uuid"),
        lambda: handlers.revoke_token(None, "not-a-uuid"),
        lambda: handlers.disable_user(None, "not-a-uuid"),
    ],
)
def test_an_id_that_is_no_uuid_is_not_found(call):
    with pytest.raises(NotFound):
        call()
