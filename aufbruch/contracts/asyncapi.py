"""The event catalog as an AsyncAPI 3.0.0 document, generated from the marshmallow contracts.

`asyncapi_document()` is pure: it reads CATALOG and the recorded examples in
`tests/contracts_examples/<type>/v<version>.json` and returns the document as a dict. The checked-in
copy is written with

    python -m aufbruch.contracts.asyncapi > docs/asyncapi.json

and a unit test (tests/unit/contracts/test_asyncapi.py) fails when the two disagree. The document
describes the platform from a subscriber's point of view: one channel per event type (address =
routing key, on the producer's topic exchange) and one `receive` operation per channel.
"""

import json
import sys
from pathlib import Path
from typing import Any

from marshmallow import Schema, fields, validate

from aufbruch.contracts.events import CATALOG, DATA_CONTENT_TYPE, SOURCE_PREFIX, SPEC_VERSION, EventContract

ASYNCAPI_VERSION = "3.0.0"
DOCUMENT_VERSION = "1.0.0"
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES_DIR = ROOT / "tests" / "contracts_examples"
DESCRIPTION = (
    "The public events of the Aufbruch platform: CloudEvents 1.0 JSON objects (structured mode) that "
    "each producing service publishes on its durable topic exchange `<producer>.events`, with the "
    "event type as routing key. `dataschema` names the type and version of `data` "
    "(`urn:aufbruch:event:<type>:v<version>`); within a version changes are additive only, and "
    "readers must ignore unknown fields.\n\n"
    "Privacy: no event carries personal data - no names, no e-mail addresses. `idea.submitted` "
    "carries only `author_key`, a keyed hash (pseudonym) of the submitter's address; do not publish "
    "it or match it against other data.\n\n"
    "Generated from aufbruch/contracts/events.py; docs/events.md explains it for people."
)


def example_path(event_type: str, version: int) -> Path:
    return EXAMPLES_DIR / event_type / f"v{version}.json"


def load_example(event_type: str, version: int) -> dict:
    return json.loads(example_path(event_type, version).read_text(encoding="utf-8"))


def _pascal(event_type: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in event_type.replace("_", ".").split("."))


def field_schema(field: fields.Field) -> dict:
    """JSON Schema of one marshmallow field (only the field kinds the contracts use)."""
    schema: dict[str, Any]
    if isinstance(field, fields.UUID):  # before String: UUID is a String
        schema = {"type": "string", "format": "uuid"}
    elif isinstance(field, fields.DateTime):
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(field, fields.String):
        schema = {"type": "string"}
    elif isinstance(field, fields.Integer):
        schema = {"type": "integer"}
    elif isinstance(field, fields.Boolean):
        schema = {"type": "boolean"}
    elif isinstance(field, fields.List):
        schema = {"type": "array", "items": field_schema(field.inner)}
    elif isinstance(field, fields.Dict):
        schema = {"type": "object"}
    else:
        raise TypeError(f"teach field_schema how to convert {type(field).__name__}")
    for validator in field.validators:
        if isinstance(validator, validate.OneOf):
            schema["enum"] = list(validator.choices)
        elif isinstance(validator, validate.Equal):
            schema["const"] = validator.comparable
    if field.allow_none:
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"].append(None)
    return schema


def data_schema(schema_class: type[Schema]) -> dict:
    """JSON Schema of an event's `data`; unknown properties are allowed (additive changes)."""
    declared = schema_class().fields
    return {
        "type": "object",
        "properties": {name: field_schema(field) for name, field in declared.items()},
        "required": [name for name, field in declared.items() if field.required],
        "additionalProperties": True,
    }


def payload_schema(contract: EventContract) -> dict:
    """JSON Schema of the whole CloudEvent a producer emits for `contract`."""
    return {
        "type": "object",
        "properties": {
            "specversion": {"type": "string", "const": SPEC_VERSION},
            "id": {"type": "string", "format": "uuid"},
            "source": {"type": "string", "const": SOURCE_PREFIX + contract.producer},
            "type": {"type": "string", "const": contract.type},
            "time": {"type": "string", "format": "date-time"},
            "datacontenttype": {"type": "string", "const": DATA_CONTENT_TYPE},
            "dataschema": {"type": "string", "const": contract.dataschema},
            "data": {"$ref": f"#/components/schemas/{_pascal(contract.type)}Data"},
        },
        "required": ["specversion", "id", "source", "type", "time", "datacontenttype", "dataschema", "data"],
        "additionalProperties": True,
    }


def _channel(contract: EventContract) -> dict:
    return {
        "address": contract.type,
        "title": contract.type,
        "description": f"{contract.description} Published by `{contract.producer}` on `{contract.exchange}`.",
        "messages": {_pascal(contract.type): {"$ref": f"#/components/messages/{_pascal(contract.type)}"}},
        "servers": [{"$ref": "#/servers/production"}],
        "bindings": {
            "amqp": {
                "is": "routingKey",
                "exchange": {
                    "name": contract.exchange,
                    "type": "topic",
                    "durable": True,
                    "autoDelete": False,
                    "vhost": "/",
                },
                "bindingVersion": "0.3.0",
            },
        },
    }


def _message(contract: EventContract) -> dict:
    example = load_example(contract.type, contract.version)
    return {
        "name": contract.type,
        "title": f"{contract.type} v{contract.version}",
        "summary": contract.description,
        "contentType": DATA_CONTENT_TYPE,
        "payload": payload_schema(contract),
        "bindings": {"amqp": {"contentEncoding": "utf-8", "messageType": contract.type, "bindingVersion": "0.3.0"}},
        "examples": [
            {
                "name": f"{contract.type}-v{contract.version}",
                "summary": f"Recorded example of {contract.type} v{contract.version}",
                "payload": example,
            }
        ],
    }


def _operation(contract: EventContract) -> dict:
    name = _pascal(contract.type)
    return {
        "action": "receive",
        "title": f"Receive {contract.type}",
        "summary": contract.description,
        "channel": {"$ref": f"#/channels/{name}"},
        "messages": [{"$ref": f"#/channels/{name}/messages/{name}"}],
        "bindings": {"amqp": {"ack": True, "bindingVersion": "0.3.0"}},
    }


def asyncapi_document() -> dict:
    contracts = [CATALOG[event_type] for event_type in sorted(CATALOG)]
    schemas = {}
    for contract in contracts:
        schemas[f"{_pascal(contract.type)}Data"] = data_schema(contract.data_schema)
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "id": "urn:aufbruch:events",
        "info": {
            "title": "Aufbruch events",
            "version": DOCUMENT_VERSION,
            "description": DESCRIPTION,
        },
        "defaultContentType": DATA_CONTENT_TYPE,
        "servers": {
            "production": {
                "host": "{host}:5672",
                "protocol": "amqp",
                "protocolVersion": "0-9-1",
                "description": "The platform's RabbitMQ broker; ask the operators for host, vhost and user.",
                "variables": {"host": {"description": "Host name of the broker.", "default": "localhost"}},
            },
        },
        "channels": {_pascal(contract.type): _channel(contract) for contract in contracts},
        "operations": {f"receive{_pascal(contract.type)}": _operation(contract) for contract in contracts},
        "components": {
            "messages": {_pascal(contract.type): _message(contract) for contract in contracts},
            "schemas": schemas,
        },
    }


def render() -> str:
    return json.dumps(asyncapi_document(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
