"""docs/events.md must tell the truth: every event in CATALOG documented with its exchange, version and
every data field, nothing documented that the code doesn't emit, and every JSON example a CloudEvent
the platform's own parser accepts."""

import json
import py_compile
import re
from pathlib import Path

import pytest
from marshmallow import fields, validate

from aufbruch.contracts.events import CATALOG, DATA_CONTENT_TYPE, SOURCE_PREFIX, SPEC_VERSION, CloudEvent, parse_event

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "events.md"
EXAMPLE = ROOT / "examples" / "subscribe.py"
EVENT_TYPES_HEADING = "Event types"
EVENT_HEADING = re.compile(r"^`([a-z_]+(?:\.[a-z_]+)+)`$")
FIELD_HEADER = ["field", "type", "required", "meaning"]


def _sections(text: str, level: int) -> dict[str, str]:
    """Heading text -> body, for the headings of exactly `level`, outside code blocks."""
    sections, current, in_code = {}, None, False
    for line in text.splitlines():
        if line.startswith("```"):
            in_code = not in_code
        heading = re.match(r"^(#+)\s+(.*?)\s*$", line) if not in_code else None
        if heading and len(heading.group(1)) <= level:
            current = heading.group(2) if len(heading.group(1)) == level else None
            if current is not None:
                assert current not in sections, f"heading {current!r} appears twice in {DOC.name}"
                sections[current] = ""
            continue
        if current is not None:
            sections[current] += line + "\n"
    return sections


def _event_sections() -> dict[str, str]:
    top = _sections(DOC.read_text(encoding="utf-8"), 2)
    assert EVENT_TYPES_HEADING in top, f"{DOC.name} lacks the section '## {EVENT_TYPES_HEADING}'"
    sections = {}
    for heading, body in _sections(top[EVENT_TYPES_HEADING], 3).items():
        match = EVENT_HEADING.match(heading)
        assert match, f"'### {heading}' under '{EVENT_TYPES_HEADING}' is not an event type in backticks"
        sections[match.group(1)] = body
    return sections


def _field_table(body: str) -> dict[str, dict[str, str]]:
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in body.splitlines()
        if line.lstrip().startswith("|")
    ]
    assert rows, "no field table"
    assert [cell.lower() for cell in rows[0]] == FIELD_HEADER, f"table header must be {FIELD_HEADER}"
    assert set("".join(rows[1])) <= set("-: "), "second table row must be the separator"
    table = {}
    for row in rows[2:]:
        assert len(row) == len(FIELD_HEADER), f"malformed table row {row}"
        name = re.fullmatch(r"`(\w+)`", row[0])
        assert name, f"field name {row[0]!r} must be in backticks"
        assert name.group(1) not in table, f"field {name.group(1)} listed twice"
        table[name.group(1)] = dict(zip(FIELD_HEADER, row, strict=True))
    return table


def _json_type(field: fields.Field) -> str:
    if isinstance(field, fields.UUID):  # before String: UUID is a String
        kind = "string (UUID)"
    elif isinstance(field, fields.DateTime):
        kind = "string (date-time)"
    elif isinstance(field, fields.List):
        kind = f"array of {_json_type(field.inner)}"
    elif isinstance(field, fields.String):
        kind = "string"
    elif isinstance(field, fields.Integer):
        kind = "integer"
    elif isinstance(field, fields.Boolean):
        kind = "boolean"
    else:
        raise AssertionError(f"teach _json_type how {type(field).__name__} is documented")
    return kind + (" or null" if field.allow_none else "")


def _json_blocks(text: str) -> list[tuple[str | None, str]]:
    """Every ```json block with the event section it sits in (None outside event sections)."""
    blocks, section, in_events, fence, code = [], None, False, None, []
    for line in text.splitlines():
        if fence is None and line.startswith("```"):
            fence, code = line[3:].strip(), []
        elif fence is not None and line.startswith("```"):
            if fence == "json":
                blocks.append((section, "\n".join(code)))
            fence = None
        elif fence is not None:
            code.append(line)
        elif line.startswith("## "):
            in_events, section = line[3:].strip() == EVENT_TYPES_HEADING, None
        elif line.startswith("### "):
            heading = EVENT_HEADING.match(line[4:].strip())
            section = heading.group(1) if in_events and heading else None
    assert fence is None, f"unclosed code block in {DOC.name}"
    return blocks


def test_every_event_type_in_the_catalog_is_documented_and_nothing_else():
    documented = set(_event_sections())
    assert documented - set(CATALOG) == set(), "documented event types the code does not know"
    assert set(CATALOG) - documented == set(), "event types in CATALOG missing from docs/events.md"


@pytest.mark.parametrize("event_type", sorted(CATALOG))
def test_event_section_names_exchange_routing_key_producer_and_version(event_type):
    contract = CATALOG[event_type]
    body = _event_sections().get(event_type)
    assert body is not None, f"no section '### `{event_type}`'"
    assert f"**Exchange:** `{contract.exchange}`" in body
    assert f"**Routing key:** `{event_type}`" in body
    assert f"**Producer:** `{contract.producer}`" in body
    assert f"**Version:** {contract.version} (`dataschema` `{contract.dataschema}`)" in body


@pytest.mark.parametrize("event_type", sorted(CATALOG))
def test_field_table_matches_the_data_schema(event_type):
    contract = CATALOG[event_type]
    body = _event_sections().get(event_type)
    assert body is not None, f"no section '### `{event_type}`'"
    table = _field_table(body)
    schema_fields = contract.data_schema().fields
    assert list(table) == list(schema_fields), f"{event_type}: documented fields differ from the schema"
    for name, field in schema_fields.items():
        row = table[name]
        assert row["type"] == _json_type(field), f"{event_type}.{name}: type"
        assert row["required"] == ("yes" if field.required else "no"), f"{event_type}.{name}: required"
        assert row["meaning"], f"{event_type}.{name}: meaning is empty"
        for validator in field.validators:
            if isinstance(validator, validate.OneOf):
                for choice in validator.choices:
                    assert f"`{choice}`" in row["meaning"], f"{event_type}.{name}: value {choice} not listed"


def test_envelope_section_describes_every_cloudevent_attribute():
    envelope = _sections(DOC.read_text(encoding="utf-8"), 2).get("The envelope", "")
    for name in CloudEvent().fields:
        assert f"| `{name}`" in envelope, f"envelope attribute {name} not documented"
    assert "urn:aufbruch:event:<type>:v<version>" in envelope


def test_every_json_example_is_a_valid_cloudevent_of_its_section():
    blocks = _json_blocks(DOC.read_text(encoding="utf-8"))
    assert blocks, "no ```json examples found"
    exemplified = set()
    for section, text in blocks:
        body = json.loads(text)
        event = parse_event(body)  # raises ValidationError for an example the platform would refuse
        contract = event.contract
        assert section in (None, event.type), f"example of {event.type} sits in the section of {section}"
        assert body["specversion"] == SPEC_VERSION
        assert body["source"] == SOURCE_PREFIX + contract.producer, f"{event.type}: source"
        assert body["datacontenttype"] == DATA_CONTENT_TYPE, f"{event.type}: datacontenttype"
        assert body["dataschema"] == contract.dataschema, f"{event.type}: dataschema"
        unknown = set(body["data"]) - set(contract.data_schema().fields)
        assert not unknown, f"{event.type} example shows fields the schema lacks: {unknown}"
        if section:
            exemplified.add(section)
    assert exemplified == set(CATALOG), f"event types without an example: {set(CATALOG) - exemplified}"


def test_doc_tells_subscribers_to_declare_their_own_queue_on_the_topic_exchange():
    text = DOC.read_text(encoding="utf-8")
    assert "## Subscribing with pika" in text
    assert 'exchange_declare("ideas.events", exchange_type="topic", durable=True)' in text
    assert "auto_ack=False" in text and "basic_qos(prefetch_count=" in text and "basic_ack(" in text


def test_subscribe_example_compiles(tmp_path):
    compiled = py_compile.compile(str(EXAMPLE), cfile=str(tmp_path / "subscribe.pyc"), doraise=True)
    assert compiled is not None and Path(compiled).stat().st_size > 0, f"{EXAMPLE} did not compile"


def test_python_examples_in_the_doc_compile():
    text = DOC.read_text(encoding="utf-8")
    snippets = re.findall(r"^```python\n(.*?)^```$", text, re.M | re.S)
    assert snippets, "no ```python example found"
    for snippet in snippets:
        compile(snippet, f"{DOC.name} example", "exec")
