"""Errors that cross RPC boundaries as themselves, so the gateway can map each to an HTTP status."""

import uuid

from marshmallow import Schema, ValidationError
from nameko.exceptions import deserialize_to_instance


@deserialize_to_instance
class InvalidInput(Exception):
    """Input broke a contract; `errors` maps each offending field to its messages."""

    def __init__(self, errors: dict):
        super().__init__(errors)
        self.errors = errors


@deserialize_to_instance
class NotFound(Exception):
    pass


@deserialize_to_instance
class Conflict(Exception):
    pass


@deserialize_to_instance
class Unavailable(Exception):
    """A service cannot reach what it depends on (its database); the caller may retry later."""


def validated(schema: Schema, payload) -> dict:
    """`payload` loaded by `schema`, or InvalidInput naming every offending field."""
    try:
        return schema.load(payload)
    except ValidationError as exc:
        raise InvalidInput(exc.normalized_messages()) from None


def resource_id(value, what: str) -> uuid.UUID:
    """`value` as the id of a `what`: a path segment that is no UUID names no such resource (404)."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(f"No {what} with id {value}.") from None
