"""The accounts service's RPC contract: staff accounts (moderators, staff, admins) and their API tokens.

The gateway validates the admin API's bodies with the same schemas before it asks accounts, and
accounts validates its RPC arguments again: a contract is checked at every edge.
"""

import string

from marshmallow import Schema, fields, pre_load, validate

from aufbruch.contracts.ideas import Strict, Text

# `staff`: digital guides in the city's administration, who answer ideas officially and submit ideas
# on behalf of citizens at a service desk; they neither moderate nor administer.
ROLES = ("moderator", "staff", "admin")
USERNAME_PATTERN = r"^[a-z0-9._-]{3,50}$"

# A token is TOKEN_PREFIX + secrets.token_urlsafe(32) (43 characters). The prefix makes a leaked token
# recognisable (secret scanners, logs); anything that does not look like a token is refused unasked.
TOKEN_PREFIX = "aufb_"
MAX_TOKEN_LENGTH = 100
_TOKEN_CHARACTERS = frozenset(string.ascii_letters + string.digits + "-_")


def looks_like_token(value) -> bool:
    """Whether `value` could be a token we issued (not whether it is one)."""
    return (
        isinstance(value, str)
        and value.startswith(TOKEN_PREFIX)
        and len(TOKEN_PREFIX) < len(value) <= MAX_TOKEN_LENGTH
        and _TOKEN_CHARACTERS.issuperset(value[len(TOKEN_PREFIX) :])
    )


class NewUser(Strict):
    """`create_user(username, role, display_name=None)`; also the body of POST /api/v1/admin/users."""

    username = fields.String(
        required=True,
        validate=validate.Regexp(
            USERNAME_PATTERN, error="Must be 3 to 50 characters: lower-case letters, digits, '.', '_' or '-'."
        ),
    )
    role = fields.String(required=True, validate=validate.OneOf(ROLES, error="Must be one of: {choices}."))
    display_name = Text(load_default=None, allow_none=True, validate=validate.Length(min=1, max=100))

    @pre_load
    def strip_strings(self, data, **kwargs):
        data = super().strip_strings(data, **kwargs)
        if isinstance(data, dict) and isinstance(data.get("username"), str):
            data = data | {"username": data["username"].lower()}  # usernames are unique whatever the case
        return data


class NewToken(Strict):
    """`issue_token(user_id, label=None)`'s label; also the (optional) body of POST .../tokens."""

    label = Text(load_default=None, allow_none=True, validate=validate.Length(min=1, max=100))


class User(Schema):
    id = fields.UUID()
    username = fields.String()
    display_name = fields.String(allow_none=True)
    role = fields.String()
    created_at = fields.AwareDateTime()
    disabled_at = fields.AwareDateTime(allow_none=True)


class Token(Schema):
    """A token as admins see it: never the token itself, which nobody can see after it was issued."""

    id = fields.UUID()
    label = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    last_used_at = fields.AwareDateTime(allow_none=True)
    revoked_at = fields.AwareDateTime(allow_none=True)


class ListedUser(User):
    tokens = fields.List(fields.Nested(Token))


class Principal(Schema):
    """What `authenticate(token)` answers for a valid token: who is asking (and what they are called), in which role."""

    user_id = fields.UUID()
    username = fields.String()
    display_name = fields.String(allow_none=True)
    role = fields.String()
