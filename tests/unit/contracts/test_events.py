"""Unit tests of the event contracts: CloudEvents envelopes, data validation, the catalogue itself."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from marshmallow import ValidationError

from aufbruch.contracts.events import (
    CATALOG,
    DATA_CONTENT_TYPE,
    SOURCE_PREFIX,
    SPEC_VERSION,
    Event,
    new_event,
    parse_event,
)

NOW = datetime(2024, 5, 17, 9, 30, tzinfo=UTC)
IDEA_ID = uuid.UUID("3f2b8f8e-4c1e-4e57-9d4f-0b7d1c7a5e01")
COMMENT_ID = uuid.UUID("7c9e4d2a-1b3f-4a6e-8d5c-0f2e9a1b7c34")
AUTHOR_KEY = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

VALID_DATA = {
    "idea.submitted": {
        "idea_id": IDEA_ID,
        "title": "Mehr Bänke",
        "description": "Im Stadtpark fehlen Bänke.",
        "category": "environment",
        "district": "Mitte",
        "submitted_at": NOW,
        "author_key": AUTHOR_KEY,
    },
    "idea.published": {
        "idea_id": IDEA_ID,
        "title": "Mehr Bänke",
        "description": "Im Stadtpark fehlen Bänke.",
        "category": "environment",
        "district": None,
        "published_at": NOW,
    },
    "idea.rejected": {"idea_id": IDEA_ID, "category": "environment", "reasons": ["shouting"], "rejected_at": NOW},
    "moderation.decided": {
        "idea_id": IDEA_ID,
        "decision": "approve",
        "reasons": [],
        "actor_kind": "automatic",
        "decided_at": NOW,
    },
    "notification.sent": {"notification_id": uuid.uuid4(), "idea_id": IDEA_ID, "kind": "receipt", "sent_at": NOW},
    "notification.failed": {
        "notification_id": uuid.uuid4(),
        "idea_id": IDEA_ID,
        "kind": "rejected",
        "failed_at": NOW,
        "error": "SMTP 550",
    },
    "moderation.review_requested": {
        "case_id": uuid.uuid4(),
        "idea_id": IDEA_ID,
        "reasons": ["personal_data"],
        "requested_at": NOW,
        "subject_type": "comment",
        "comment_id": COMMENT_ID,
    },
    "idea.hidden": {"idea_id": IDEA_ID, "reason": "flags", "actor_kind": "automatic", "hidden_at": NOW},
    "idea.unhidden": {"idea_id": IDEA_ID, "reason": "false_positive", "actor_kind": "moderator", "unhidden_at": NOW},
    "idea.flagged": {"idea_id": IDEA_ID, "reason": "offensive", "flag_count": 2, "flagged_at": NOW},
    "idea.supported": {"idea_id": IDEA_ID, "support_count": 3, "supported_at": NOW},
    "idea.support_withdrawn": {"idea_id": IDEA_ID, "support_count": 2, "withdrawn_at": NOW},
    "comment.submitted": {
        "comment_id": COMMENT_ID,
        "idea_id": IDEA_ID,
        "parent_id": None,
        "body": "Gute Idee!",
        "submitted_at": NOW,
    },
    "comment.moderated": {
        "comment_id": COMMENT_ID,
        "idea_id": IDEA_ID,
        "decision": "review",
        "reasons": ["personal_data"],
        "actor_kind": "automatic",
        "decided_at": NOW,
    },
    "comment.posted": {
        "comment_id": COMMENT_ID,
        "idea_id": IDEA_ID,
        "parent_id": uuid.uuid4(),
        "body": "Gute Idee!",
        "posted_at": NOW,
    },
    "comment.hidden": {
        "comment_id": COMMENT_ID,
        "idea_id": IDEA_ID,
        "reason": "flags",
        "actor_kind": "automatic",
        "hidden_at": NOW,
    },
    "comment.unhidden": {
        "comment_id": COMMENT_ID,
        "idea_id": IDEA_ID,
        "reason": "acceptable",
        "actor_kind": "moderator",
        "unhidden_at": NOW,
    },
    "person.erased": {
        "erasure_id": uuid.uuid4(),
        "requested_by": "admin",
        "submissions_erased": 1,
        "subscriptions_erased": 0,
        "mails_erased": 2,
        "erased_at": NOW,
    },
    "idea.status_changed": {
        "idea_id": IDEA_ID,
        "answer_id": uuid.uuid4(),
        "title": "Mehr Bänke",
        "process_id": "standing",
        "official_status": "accepted",
        "previous_status": None,
        "answer": "Wir stellen im Juni zehn Bänke auf.",
        "answered_at": NOW,
    },
}

PERSONAL_DATA_WORDS = (
    "email",
    "mail_address",
    "name",
    "author",
    "phone",
    "address",
    "contact",
    "recipient",
    "submitter",
    "citizen",
)
# Fields that stand for a person only as a keyed hash (aufbruch.pseudonyms), never the data itself.
PSEUDONYM_FIELDS = {("idea.submitted", "author_key")}


def test_every_catalogued_event_has_sample_data_here():
    assert set(VALID_DATA) == set(CATALOG)


# --- new_event ---------------------------------------------------------------------------------


@pytest.mark.parametrize("event_type", sorted(CATALOG))
def test_new_event_builds_a_cloudevent_1_0_envelope(event_type):
    before = datetime.now(UTC)
    event = new_event(event_type, VALID_DATA[event_type])
    contract = CATALOG[event_type]

    assert event["specversion"] == SPEC_VERSION == "1.0"
    assert uuid.UUID(event["id"]).version == 4
    assert event["source"] == SOURCE_PREFIX + contract.producer == f"urn:aufbruch:service:{contract.producer}"
    assert event["type"] == event_type
    time = datetime.fromisoformat(event["time"])
    assert time.tzinfo is not None
    assert before - timedelta(seconds=1) <= time <= datetime.now(UTC) + timedelta(seconds=1)
    assert event["datacontenttype"] == DATA_CONTENT_TYPE == "application/json"
    assert event["dataschema"] == f"urn:aufbruch:event:{event_type}:v{contract.version}"
    assert set(event) == {"specversion", "id", "source", "type", "time", "datacontenttype", "dataschema", "data"}


def test_new_event_serialises_data_to_json_types():
    event = new_event("idea.submitted", VALID_DATA["idea.submitted"])
    assert event["data"] == {
        "idea_id": str(IDEA_ID),
        "title": "Mehr Bänke",
        "description": "Im Stadtpark fehlen Bänke.",
        "category": "environment",
        "district": "Mitte",
        "submitted_at": NOW.isoformat(),
        "author_key": AUTHOR_KEY,
    }


@pytest.mark.parametrize("event_type", ["idea.submitted", "idea.published"])
def test_process_id_is_carried_when_given_and_not_invented_when_absent(event_type):
    with_process = new_event(event_type, VALID_DATA[event_type] | {"process_id": "digitalgipfel-2027"})
    assert parse_event(with_process).data["process_id"] == "digitalgipfel-2027"

    without = new_event(event_type, VALID_DATA[event_type])
    assert "process_id" not in without["data"]  # an older event read and written again stays as it was
    assert "process_id" not in parse_event(without).data


def test_status_changed_refuses_an_official_status_outside_the_contract():
    with pytest.raises(ValidationError) as info:
        new_event("idea.status_changed", VALID_DATA["idea.status_changed"] | {"official_status": "maybe"})
    assert "official_status" in info.value.messages


def test_new_event_gives_each_event_its_own_id():
    first = new_event("idea.rejected", VALID_DATA["idea.rejected"])
    second = new_event("idea.rejected", VALID_DATA["idea.rejected"])
    assert first["id"] != second["id"]


def test_new_event_leaves_out_attributes_the_contract_does_not_name():
    data = VALID_DATA["idea.submitted"] | {"author": {"email": "a@example.org"}, "status": "submitted"}
    event = new_event("idea.submitted", data)
    assert "author" not in event["data"]
    assert "status" not in event["data"]


def test_new_event_refuses_missing_required_field():
    data = dict(VALID_DATA["idea.submitted"])
    del data["title"]
    with pytest.raises(ValidationError) as info:
        new_event("idea.submitted", data)
    assert "title" in info.value.messages


def test_new_event_refuses_naive_timestamp():
    data = VALID_DATA["idea.published"] | {"published_at": datetime(2024, 5, 17, 9, 30)}
    with pytest.raises(ValidationError) as info:
        new_event("idea.published", data)
    assert "published_at" in info.value.messages


def test_new_event_refuses_decision_outside_the_contract():
    with pytest.raises(ValidationError) as info:
        new_event("moderation.decided", VALID_DATA["moderation.decided"] | {"decision": "maybe"})
    assert "decision" in info.value.messages


def test_new_event_refuses_unknown_mail_kind():
    with pytest.raises(ValidationError) as info:
        new_event("notification.sent", VALID_DATA["notification.sent"] | {"kind": "newsletter"})
    assert "kind" in info.value.messages


def test_new_event_refuses_invalid_idea_id():
    with pytest.raises(ValidationError):
        new_event("idea.rejected", VALID_DATA["idea.rejected"] | {"idea_id": "not-a-uuid"})


def test_new_event_refuses_unknown_event_type():
    with pytest.raises(KeyError):
        new_event("idea.deleted", {"idea_id": IDEA_ID})


# --- parse_event -------------------------------------------------------------------------------


@pytest.mark.parametrize("event_type", sorted(CATALOG))
def test_parse_event_round_trips_new_event(event_type):
    body = new_event(event_type, VALID_DATA[event_type])
    event = parse_event(body)

    assert isinstance(event, Event)
    assert event.id == uuid.UUID(body["id"])
    assert event.type == event_type
    assert event.time == datetime.fromisoformat(body["time"])
    assert event.contract is CATALOG[event_type]
    assert event.data == VALID_DATA[event_type]


def test_parse_event_ignores_unknown_envelope_attributes():
    body = new_event("idea.rejected", VALID_DATA["idea.rejected"])
    body |= {"subject": "idea/123", "traceparent": "00-abc-def-01", "partitionkey": "x"}
    event = parse_event(body)
    assert event.type == "idea.rejected"


def test_parse_event_ignores_unknown_data_fields_added_within_a_version():
    body = new_event("idea.rejected", VALID_DATA["idea.rejected"])
    body["data"]["severity"] = "high"
    event = parse_event(body)
    assert "severity" not in event.data
    assert event.data["reasons"] == ["shouting"]


def test_parse_event_fills_optional_district_when_absent():
    body = new_event("idea.submitted", VALID_DATA["idea.submitted"])
    del body["data"]["district"]
    assert parse_event(body).data["district"] is None


def test_parse_event_refuses_unknown_event_type():
    body = new_event("idea.rejected", VALID_DATA["idea.rejected"])
    body["type"] = "idea.deleted"
    with pytest.raises(ValidationError) as info:
        parse_event(body)
    assert "type" in info.value.messages


def test_parse_event_refuses_other_spec_version():
    body = new_event("idea.rejected", VALID_DATA["idea.rejected"]) | {"specversion": "0.3"}
    with pytest.raises(ValidationError) as info:
        parse_event(body)
    assert "specversion" in info.value.messages


@pytest.mark.parametrize("attribute", ["specversion", "id", "source", "type", "time", "data"])
def test_parse_event_refuses_envelope_without_required_attribute(attribute):
    body = new_event("idea.rejected", VALID_DATA["idea.rejected"])
    del body[attribute]
    with pytest.raises(ValidationError) as info:
        parse_event(body)
    assert attribute in info.value.messages


def test_parse_event_refuses_data_that_breaks_the_contract():
    body = new_event("idea.rejected", VALID_DATA["idea.rejected"])
    del body["data"]["reasons"]
    with pytest.raises(ValidationError) as info:
        parse_event(body)
    assert "reasons" in info.value.messages


def test_parse_event_refuses_naive_event_time():
    body = new_event("idea.rejected", VALID_DATA["idea.rejected"]) | {"time": "2024-05-17T09:30:00"}
    with pytest.raises(ValidationError) as info:
        parse_event(body)
    assert "time" in info.value.messages


# --- the catalogue -----------------------------------------------------------------------------


@pytest.mark.parametrize("event_type", sorted(CATALOG))
def test_no_event_data_field_could_hold_personal_data(event_type):
    field_names = CATALOG[event_type].data_schema().fields
    for field_name in field_names:
        if (event_type, field_name) in PSEUDONYM_FIELDS:
            continue
        suspicious = [word for word in PERSONAL_DATA_WORDS if word in field_name.lower()]
        assert not suspicious, f"{event_type}.{field_name} looks like personal data"


@pytest.mark.parametrize("event_type", sorted(CATALOG))
def test_every_contract_is_published_on_its_producers_exchange(event_type):
    contract = CATALOG[event_type]
    assert contract.exchange == f"{contract.producer}.events"


@pytest.mark.parametrize("event_type", sorted(CATALOG))
def test_catalog_is_keyed_by_each_contracts_own_type(event_type):
    assert CATALOG[event_type].type == event_type


def test_a_pseudonym_field_holds_a_keyed_hash_not_an_address():
    from aufbruch.pseudonyms import pseudonym
    from services.ideas.handlers import author_key

    key = author_key("secret", {"name": "Erika", "email": " Erika@Example.org "})
    assert key == pseudonym("secret", "erika@example.org") and len(key) == 64 and "@" not in key
    assert key != author_key("another secret", {"email": "erika@example.org"})
    assert author_key("secret", None) is None and author_key("secret", {"email": None}) is None
    event = new_event("idea.submitted", VALID_DATA["idea.submitted"] | {"author_key": key})
    assert parse_event(event).data["author_key"] == key
