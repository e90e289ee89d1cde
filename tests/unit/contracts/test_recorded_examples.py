"""Recorded examples hold the platform to its versions: one CloudEvent per event type and version in
tests/contracts_examples/<type>/v<version>.json, and today's code must still accept and produce each.

A recorded example is never edited to make a test pass: a change that breaks one is a breaking
change and needs a new version (and a new recorded example next to the old one)."""

import json
import re
from pathlib import Path

import pytest

from aufbruch.contracts.events import CATALOG, new_event, parse_event

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "tests" / "contracts_examples"
DATASCHEMA = re.compile(r"^urn:aufbruch:event:(?P<type>[a-z_.]+):v(?P<version>\d+)$")


def _recorded() -> list[tuple[str, int, Path]]:
    found = []
    for path in sorted(EXAMPLES.glob("*/v*.json")):
        match = re.fullmatch(r"v(\d+)\.json", path.name)
        assert match, f"recorded example {path} must be named v<version>.json"
        found.append((path.parent.name, int(match.group(1)), path))
    return found


RECORDED = _recorded()


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_there_are_recorded_examples():
    assert RECORDED, f"no recorded examples under {EXAMPLES}"


@pytest.mark.parametrize("event_type", sorted(CATALOG))
def test_every_catalog_type_and_version_has_a_recorded_example(event_type):
    contract = CATALOG[event_type]
    path = EXAMPLES / event_type / f"v{contract.version}.json"
    assert path.exists(), (
        f"no recorded example for {event_type} v{contract.version}: record one at "
        f"{path.relative_to(ROOT)} (a CloudEvent as new_event() produces it, fixed id and time)"
    )


@pytest.mark.parametrize(("event_type", "version", "path"), RECORDED, ids=[f"{t}-v{v}" for t, v, _ in RECORDED])
def test_recorded_example_is_still_accepted_and_produced(event_type, version, path):
    example = _load(path)
    assert example["type"] == event_type, f"{path}: type differs from its directory"
    match = DATASCHEMA.match(example.get("dataschema") or "")
    assert match, f"{path}: dataschema must be urn:aufbruch:event:<type>:v<version>"
    assert match.group("type") == event_type and int(match.group("version")) == version, (
        f"{path}: dataschema {example['dataschema']} does not name {event_type} v{version}"
    )
    event = parse_event(example)  # today's consumers still accept it
    assert str(event.id) == example["id"]
    assert event.type == event_type
    if version == CATALOG[event_type].version:  # today's producers still produce it
        produced = new_event(event_type, event.data)
        assert produced["data"] == example["data"], f"{event_type} v{version}: today's code produces other data"
        assert produced["dataschema"] == example["dataschema"]
        assert produced["source"] == example["source"]
        assert produced["specversion"] == example["specversion"]
        assert produced["datacontenttype"] == example["datacontenttype"]
        assert set(produced) == set(example), f"{event_type} v{version}: envelope attributes differ"


@pytest.mark.parametrize(("event_type", "version", "path"), RECORDED, ids=[f"{t}-v{v}" for t, v, _ in RECORDED])
def test_no_required_field_added_or_field_removed_within_a_version(event_type, version, path):
    contract = CATALOG.get(event_type)
    assert contract is not None, f"{path}: {event_type} is no longer in CATALOG (removing a type is breaking)"
    if version != contract.version:
        return  # an older version: its compatibility is the parse test above
    data = _load(path)["data"]
    declared = contract.data_schema().fields
    required = {name for name, field in declared.items() if field.required}
    new_required = required - set(data)
    assert not new_required, (
        f"{event_type} v{version} gained required fields {sorted(new_required)}: within a version only "
        f"optional fields may be added. Make them optional or bump the version (and record v{version + 1})."
    )
    removed = set(data) - set(declared)
    assert not removed, (
        f"{event_type} v{version} lost fields {sorted(removed)} that the recorded example carries: "
        f"removing or renaming a field needs a new version."
    )


def test_recorded_examples_have_no_stray_types_or_versions():
    for event_type, version, path in RECORDED:
        assert event_type in CATALOG, f"{path}: unknown event type {event_type}"
        assert 1 <= version <= CATALOG[event_type].version, f"{path}: version v{version} is not yet released"
