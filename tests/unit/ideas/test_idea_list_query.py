"""The published-ideas list's query: the filters the web's lists offer, and what they refuse."""

import pytest
from marshmallow import ValidationError

from aufbruch.contracts.ideas import OFFICIAL_STATUSES, IdeaListQuery


def test_filters_are_absent_unless_given():
    assert set(IdeaListQuery().load({})) == {"status", "category", "page", "per_page"}


def test_filters_load_from_query_strings():
    loaded = IdeaListQuery().load(
        {"district": " Innenstadt ", "process_id": "digitalgipfel-2027", "official_status": "none"}
    )
    assert loaded["district"] == "Innenstadt"
    assert loaded["process_id"] == "digitalgipfel-2027"
    assert loaded["official_status"] == "none"


@pytest.mark.parametrize("status", OFFICIAL_STATUSES)
def test_every_official_status_is_a_filter(status):
    assert IdeaListQuery().load({"official_status": status})["official_status"] == status


@pytest.mark.parametrize(
    "query, field",
    [
        ({"official_status": "published"}, "official_status"),
        ({"official_status": "None"}, "official_status"),
        ({"official_status": ""}, "official_status"),
        ({"process_id": "Digitalgipfel"}, "process_id"),
        ({"process_id": "x" * 61}, "process_id"),
        ({"district": ""}, "district"),
        ({"district": "x" * 101}, "district"),
        ({"district": "Innen\x00stadt"}, "district"),
        ({"neighbourhood": "Innenstadt"}, "neighbourhood"),
    ],
)
def test_invalid_or_unknown_filters_are_refused_naming_them(query, field):
    with pytest.raises(ValidationError) as info:
        IdeaListQuery().load(query)
    assert set(info.value.messages) == {field}


def test_an_invalid_official_status_names_the_choices():
    with pytest.raises(ValidationError) as info:
        IdeaListQuery().load({"official_status": "done"})
    assert (
        "none" in info.value.messages["official_status"][0] and "declined" in info.value.messages["official_status"][0]
    )
