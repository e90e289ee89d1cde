"""docs/asyncapi.json is the machine-readable event catalog: generated from the marshmallow contracts,
checked in, and never allowed to drift from the code."""

import json
from pathlib import Path

import pytest

from aufbruch.contracts.asyncapi import _pascal, asyncapi_document, load_example, render
from aufbruch.contracts.events import CATALOG

ROOT = Path(__file__).resolve().parents[3]
CHECKED_IN = ROOT / "docs" / "asyncapi.json"
REGENERATE = "python -m aufbruch.contracts.asyncapi > docs/asyncapi.json"


@pytest.fixture(scope="module")
def document():
    return asyncapi_document()


def _resolve(document: dict, ref: str):
    assert ref.startswith("#/"), f"only local references expected, got {ref}"
    node = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"$ref {ref} does not resolve"
        node = node[part]
    return node


def test_checked_in_document_equals_the_generated_one(document):
    assert CHECKED_IN.exists(), f"docs/asyncapi.json is missing: regenerate with `{REGENERATE}`"
    checked_in = json.loads(CHECKED_IN.read_text(encoding="utf-8"))
    assert checked_in == document, f"docs/asyncapi.json is out of date: regenerate with `{REGENERATE}`"
    assert CHECKED_IN.read_text(encoding="utf-8") == render(), (
        f"docs/asyncapi.json is not formatted as generated: regenerate with `{REGENERATE}`"
    )


def test_generator_is_pure(document):
    assert asyncapi_document() == document


def test_info_and_server(document):
    assert document["asyncapi"] == "3.0.0"
    info = document["info"]
    assert info["title"] == "Aufbruch events" and info["version"]
    assert "personal data" in info["description"]
    server = document["servers"]["production"]
    assert server["protocol"] == "amqp" and server["host"]


@pytest.mark.parametrize("event_type", sorted(CATALOG))
def test_every_event_type_has_channel_operation_and_message(document, event_type):
    contract = CATALOG[event_type]
    name = _pascal(event_type)
    channel = document["channels"].get(name)
    assert channel is not None, f"no channel for {event_type}"
    assert channel["address"] == event_type
    binding = channel["bindings"]["amqp"]
    assert binding["is"] == "routingKey"
    assert binding["exchange"] == {
        "name": contract.exchange,
        "type": "topic",
        "durable": True,
        "autoDelete": False,
        "vhost": "/",
    }
    operation = document["operations"].get(f"receive{name}")
    assert operation is not None, f"no operation for {event_type}"
    assert operation["action"] == "receive"
    assert _resolve(document, operation["channel"]["$ref"]) is channel
    message = document["components"]["messages"].get(name)
    assert message is not None, f"no message for {event_type}"
    assert message["name"] == event_type
    assert message["summary"] == contract.description
    assert message["contentType"] == "application/json"
    assert "headers" not in message
    payload = message["payload"]
    assert payload["properties"]["type"]["const"] == event_type
    assert payload["properties"]["dataschema"]["const"] == contract.dataschema
    data = _resolve(document, payload["properties"]["data"]["$ref"])
    declared = contract.data_schema().fields
    assert list(data["properties"]) == list(declared)
    assert data["required"] == [field for field, spec in declared.items() if spec.required]
    assert message["examples"][0]["payload"] == load_example(event_type, contract.version)


def test_only_catalog_event_types_are_described(document):
    names = {_pascal(event_type) for event_type in CATALOG}
    assert set(document["channels"]) == names
    assert set(document["operations"]) == {f"receive{name}" for name in names}
    assert set(document["components"]["messages"]) == names


def test_document_is_structurally_valid_asyncapi_3(document):
    assert document["asyncapi"] == "3.0.0"
    for key in ("info", "channels", "operations", "components"):
        assert isinstance(document[key], dict), f"{key} must be an object"

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                _resolve(document, node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)  # every $ref anywhere resolves
    for channel in document["channels"].values():
        assert isinstance(channel["address"], str)
        for message in channel["messages"].values():
            assert _resolve(document, message["$ref"]) in document["components"]["messages"].values()
    for name, operation in document["operations"].items():
        assert operation["action"] in ("send", "receive"), name
        channel = _resolve(document, operation["channel"]["$ref"])
        for ref in operation["messages"]:
            # AsyncAPI 3: an operation's messages must be messages of its channel
            assert ref["$ref"].startswith(operation["channel"]["$ref"] + "/messages/"), name
            assert _resolve(document, ref["$ref"]) in channel["messages"].values()
    for name, message in document["components"]["messages"].items():
        payload = message["payload"]
        assert isinstance(payload, dict) and payload.get("type") == "object", f"{name}: payload schema"
        assert isinstance(payload.get("properties"), dict) and isinstance(payload.get("required"), list)


@pytest.mark.parametrize("event_type", sorted(CATALOG))
def test_recorded_example_validates_against_its_message_payload_schema(document, event_type):
    jsonschema = pytest.importorskip("jsonschema")
    referencing = pytest.importorskip("referencing")
    from referencing.jsonschema import DRAFT7

    root = "urn:aufbruch:asyncapi"
    registry = referencing.Registry().with_resource(
        root, referencing.Resource.from_contents(document, default_specification=DRAFT7)
    )
    schema = {"$ref": f"{root}#/components/messages/{_pascal(event_type)}/payload"}
    validator = jsonschema.Draft7Validator(
        schema, registry=registry, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    example = load_example(event_type, CATALOG[event_type].version)
    errors = sorted(validator.iter_errors(example), key=str)
    assert not errors, f"{event_type}: " + "; ".join(error.message for error in errors)
    required = next(name for name, field in CATALOG[event_type].data_schema().fields.items() if field.required)
    broken = {**example, "data": {key: value for key, value in example["data"].items() if key != required}}
    assert list(validator.iter_errors(broken)), f"the payload schema must require data.{required}"
