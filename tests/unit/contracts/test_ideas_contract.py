"""Unit tests of the ideas service's RPC contract: submissions, list queries, the public view."""

import uuid
from datetime import UTC, datetime

import pytest
from marshmallow import ValidationError

from aufbruch.contracts.ideas import MAX_PER_PAGE, IdeaListQuery, IdeaSubmission, PublicIdea, chosen_locale

CATEGORIES = ["mobility", "environment", "other"]
VALID = {
    "title": "Mehr Bänke im Stadtpark",
    "description": "Entlang der Wege fehlen Sitzplätze für ältere Menschen.",
    "category": "environment",
}


def load(payload: dict) -> dict:
    return IdeaSubmission(CATEGORIES).load(payload)


def errors(payload: dict) -> dict:
    with pytest.raises(ValidationError) as info:
        load(payload)
    return info.value.messages


# --- IdeaSubmission: the minimal valid submission ----------------------------------------------


def test_minimal_submission_is_accepted_with_optional_fields_empty():
    assert load(VALID) == VALID | {"district": None, "author": None, "locale": None}


def test_full_submission_is_accepted():
    payload = VALID | {
        "district": "Mitte",
        "author": {"name": "Erika Muster", "email": "erika@example.org"},
        "locale": "en",
    }
    assert load(payload) == payload


def test_locale_is_one_the_mails_are_written_in():
    assert "locale" in errors(VALID | {"locale": "fr"})


def test_author_fields_are_each_optional():
    assert load(VALID | {"author": {}})["author"] == {"name": None, "email": None}
    assert load(VALID | {"author": {"email": "erika@example.org"}})["author"] == {
        "name": None,
        "email": "erika@example.org",
    }


def test_explicit_nulls_for_optional_fields_are_accepted():
    loaded = load(VALID | {"district": None, "author": None})
    assert loaded["district"] is None and loaded["author"] is None


def test_surrounding_whitespace_is_stripped_from_strings():
    loaded = load(
        {
            "title": "  Mehr Bänke  ",
            "description": "\n" + VALID["description"] + "\t",
            "category": " environment ",
            "district": " Mitte ",
            "author": {"name": " Erika ", "email": " erika@example.org "},
        }
    )
    assert loaded["title"] == "Mehr Bänke"
    assert loaded["description"] == VALID["description"]
    assert loaded["category"] == "environment"
    assert loaded["district"] == "Mitte"
    assert loaded["author"] == {"name": "Erika", "email": "erika@example.org"}


# --- IdeaSubmission: bounds --------------------------------------------------------------------


@pytest.mark.parametrize("length, ok", [(4, False), (5, True), (140, True), (141, False)])
def test_title_length_bounds(length, ok):
    payload = VALID | {"title": "x" * length}
    if ok:
        assert load(payload)["title"] == "x" * length
    else:
        assert "title" in errors(payload)


@pytest.mark.parametrize("length, ok", [(19, False), (20, True), (5000, True), (5001, False)])
def test_description_length_bounds(length, ok):
    payload = VALID | {"description": "y" * length}
    if ok:
        assert load(payload)["description"] == "y" * length
    else:
        assert "description" in errors(payload)


def test_title_bounds_count_after_stripping_whitespace():
    assert "title" in errors(VALID | {"title": "   abcd   "})


def test_description_bounds_count_after_stripping_whitespace():
    assert "description" in errors(VALID | {"description": " " * 30 + "y" * 19 + " " * 30})


def test_whitespace_only_title_is_refused():
    assert "title" in errors(VALID | {"title": " " * 20})


@pytest.mark.parametrize("length, ok", [(0, False), (1, True), (100, True), (101, False)])
def test_district_length_bounds(length, ok):
    payload = VALID | {"district": "d" * length}
    if ok:
        assert load(payload)["district"] == "d" * length
    else:
        assert "district" in errors(payload)


@pytest.mark.parametrize("length, ok", [(0, False), (1, True), (100, True), (101, False)])
def test_author_name_length_bounds(length, ok):
    payload = VALID | {"author": {"name": "n" * length}}
    if ok:
        assert load(payload)["author"]["name"] == "n" * length
    else:
        assert "name" in errors(payload)["author"]


@pytest.mark.parametrize("field", ["title", "description", "category"])
def test_required_fields_are_required(field):
    payload = {key: value for key, value in VALID.items() if key != field}
    assert field in errors(payload)


@pytest.mark.parametrize("field", ["title", "description", "category"])
def test_required_fields_refuse_null(field):
    assert field in errors(VALID | {field: None})


@pytest.mark.parametrize("value", [42, ["Mehr Bänke"], {"de": "Mehr Bänke"}])
def test_title_must_be_a_string(value):
    assert "title" in errors(VALID | {"title": value})


# --- IdeaSubmission: category ------------------------------------------------------------------


@pytest.mark.parametrize("category", CATEGORIES)
def test_each_given_category_is_accepted(category):
    assert load(VALID | {"category": category})["category"] == category


@pytest.mark.parametrize("category", ["sport", "Mobility", "", "administration"])
def test_category_outside_the_given_list_is_refused(category):
    messages = errors(VALID | {"category": category})
    assert "category" in messages
    assert "mobility" in " ".join(messages["category"])  # tells the citizen what is allowed


def test_categories_come_from_the_constructor_not_a_global():
    assert IdeaSubmission(["sport"]).load(VALID | {"category": "sport"})["category"] == "sport"
    with pytest.raises(ValidationError):
        IdeaSubmission(["sport"]).load(VALID)


# --- IdeaSubmission: unknown fields, emails, all errors at once --------------------------------


def test_unknown_top_level_field_is_refused():
    assert "titel" in errors(VALID | {"titel": "Tippfehler"})


def test_unknown_nested_author_field_is_refused():
    messages = errors(VALID | {"author": {"name": "Erika", "phone": "0521 123456"}})
    assert "phone" in messages["author"]


@pytest.mark.parametrize("email", ["erika", "erika@", "@example.org", "erika example.org", "a" * 250 + "@example.org"])
def test_invalid_author_email_is_refused(email):
    messages = errors(VALID | {"author": {"email": email}})
    assert "email" in messages["author"]


def test_author_must_be_an_object():
    assert "author" in errors(VALID | {"author": "Erika"})


def test_all_invalid_fields_are_reported_at_once():
    messages = errors(
        {
            "title": "abc",
            "description": "zu kurz",
            "category": "sport",
            "district": "",
            "author": {"email": "nope", "age": 40},
            "extra": True,
        }
    )
    assert set(messages) == {"title", "description", "category", "district", "author", "extra"}
    assert set(messages["author"]) == {"email", "age"}


def test_submission_must_be_an_object():
    with pytest.raises(ValidationError):
        load(["not", "an", "object"])


# --- IdeaListQuery -----------------------------------------------------------------------------


def test_list_query_defaults():
    assert IdeaListQuery().load({}) == {"status": "published", "category": None, "page": 1, "per_page": 20}


def test_list_query_accepts_status_published_and_strings_from_a_query_string():
    loaded = IdeaListQuery().load({"status": "published", "category": "mobility", "page": "3", "per_page": "50"})
    assert loaded == {"status": "published", "category": "mobility", "page": 3, "per_page": 50}


@pytest.mark.parametrize("status", ["submitted", "in_review", "rejected", "all", ""])
def test_list_query_refuses_any_status_but_published(status):
    with pytest.raises(ValidationError) as info:
        IdeaListQuery().load({"status": status})
    assert "status" in info.value.messages


@pytest.mark.parametrize(
    "page, ok", [(0, False), (1, True), (100_000, True), (100_001, False), (-1, False), ("abc", False)]
)
def test_list_query_page_bounds(page, ok):
    if ok:
        assert IdeaListQuery().load({"page": page})["page"] == page
    else:
        with pytest.raises(ValidationError) as info:
            IdeaListQuery().load({"page": page})
        assert "page" in info.value.messages


@pytest.mark.parametrize(
    "per_page, ok", [(0, False), (1, True), (MAX_PER_PAGE, True), (MAX_PER_PAGE + 1, False), ("1.5", False)]
)
def test_list_query_per_page_bounds(per_page, ok):
    if ok:
        assert IdeaListQuery().load({"per_page": per_page})["per_page"] == per_page
    else:
        with pytest.raises(ValidationError) as info:
            IdeaListQuery().load({"per_page": per_page})
        assert "per_page" in info.value.messages


def test_max_per_page_is_100():
    assert MAX_PER_PAGE == 100


def test_list_query_refuses_unknown_parameters():
    with pytest.raises(ValidationError) as info:
        IdeaListQuery().load({"author": "Erika"})
    assert "author" in info.value.messages


# --- PublicIdea --------------------------------------------------------------------------------


def test_public_idea_dump_has_no_author_or_contact_fields():
    idea = {
        "id": uuid.uuid4(),
        "title": "Mehr Bänke",
        "description": VALID["description"],
        "category": "environment",
        "district": "Mitte",
        "status": "published",
        "submitted_at": datetime(2024, 5, 17, 9, 0, tzinfo=UTC),
        "published_at": datetime(2024, 5, 17, 9, 5, tzinfo=UTC),
        "rejection_reasons": [],
        "author": {"name": "Erika Muster", "email": "erika@example.org"},
        "author_name": "Erika Muster",
        "email": "erika@example.org",
        "name": "Erika Muster",
        "contact": "erika@example.org",
        "idempotency_key": "k-1",
    }
    dumped = PublicIdea().dump(idea)

    assert set(dumped) == {
        "id",
        "title",
        "description",
        "category",
        "district",
        "status",
        "submitted_at",
        "published_at",
        "rejection_reasons",
    }
    assert "erika" not in repr(dumped).lower()
    assert dumped["id"] == str(idea["id"])
    assert dumped["published_at"] == "2024-05-17T09:05:00+00:00"


def test_public_idea_schema_declares_no_personal_field():
    for field_name in PublicIdea().fields:
        assert not any(word in field_name for word in ("author", "email", "name", "contact", "phone"))


@pytest.mark.parametrize(
    "asked, accepted, locale", [("en", "de", "en"), (None, "en", "en"), (None, None, "de"), ("de", None, "de")]
)
def test_the_mails_language_is_the_one_asked_for_else_the_accepted_one_else_the_citys(asked, accepted, locale):
    assert chosen_locale(asked, accepted) == locale
