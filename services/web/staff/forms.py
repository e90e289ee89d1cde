"""What the staff forms send to the API, and the API's field errors back beside the form's fields.

A form's field names are the API's (the assisted idea's those of the citizens' submission form); an
empty optional field is left out (or sent as null where the API clears it with null), so that the API,
not the page, decides what is valid. The API's field errors come back through `services.web.forms`
(in the page's language), with the fields each form has.
"""

from collections.abc import Mapping
from typing import Any

from services.web.forms import IDEA_FIELDS, idea_submission

Form = Mapping[str, str]
REASON_FIELDS = {"reason": "reason", "note": "note"}  # a decision, a hide, an unhide
ANSWER_FIELDS = {"status": "status", "text": "text"}
ASSISTED_FIELDS = IDEA_FIELDS | {"consent": "consent"}
PROCESS_FIELDS = {name: name for name in ("id", "title", "description", "categories", "opens_on", "closes_on")}


def lists_as_fields(errors: Mapping[str, Any]) -> dict[str, Any]:
    """marshmallow names a list's wrong items by index (`{"categories": {"0": [...]}}`); the form has
    one field for the whole list, so their messages go to it."""
    return {
        name: [message for item in messages.values() for message in item]
        if isinstance(messages, Mapping) and messages and all(str(key).isdigit() for key in messages)
        else messages
        for name, messages in errors.items()
    }


def _text(form: Form, name: str) -> str | None:
    value = (form.get(name) or "").strip()
    return value or None


def _present(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value is not None}


def note_and_reason(form: Form) -> dict[str, Any]:
    """A decision's, a hide's or an unhide's reason and optional note."""
    return {"reason": form.get("reason", ""), "note": _text(form, "note")}


def decision(form: Form) -> dict[str, Any]:
    return {"decision": form.get("decision", "")} | note_and_reason(form)


def answer(form: Form) -> dict[str, Any]:
    return {"status": form.get("status", ""), "text": (form.get("text") or "").strip()}


def assisted_idea(form: Form) -> dict[str, Any]:
    """`POST /assisted-ideas`: the citizens' submission form's fields, and the citizen's consent."""
    return idea_submission(form) | {"consent": form.get("consent") == "yes"}


def process(form: Form, *, new: bool, categories: list[str]) -> dict[str, Any]:
    """`POST /admin/processes` (`new`) or `PATCH /admin/processes/{id}`; `categories`: the form's
    checked boxes. An empty end date is an open-ended process (null)."""
    fields: dict[str, Any] = {
        "title": (form.get("title") or "").strip(),
        "description": (form.get("description") or "").strip(),
        "categories": categories,
        "opens_on": form.get("opens_on", ""),
        "closes_on": _text(form, "closes_on"),
    }
    if new:
        fields = {"id": (form.get("id") or "").strip()} | fields
        return _present(fields)
    return fields


def process_values(process: Mapping[str, Any]) -> dict[str, Any]:
    """A process as its edit form's values."""
    return {
        "id": process.get("id", ""),
        "title": process.get("title", ""),
        "description": process.get("description", ""),
        "categories": list(process.get("categories") or ()),
        "opens_on": process.get("opens_on") or "",
        "closes_on": process.get("closes_on") or "",
    }
