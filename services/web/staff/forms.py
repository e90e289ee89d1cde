"""What the staff forms send to the API, and the API's field errors back beside the form's fields.

A form's field names are the API's, nested ones joined by `_` (`author_email` for `author.email`);
an empty optional field is left out (or sent as null where the API clears it with null), so that the
API, not the page, decides what is valid.
"""

from collections.abc import Mapping
from typing import Any

Form = Mapping[str, str]


def field_errors(errors: Mapping[str, Any]) -> dict[str, str]:
    """marshmallow's `{field: [messages]}` (nested for nested fields) as `{form field: message}`."""
    flat: dict[str, str] = {}
    for name, messages in errors.items():
        if isinstance(messages, Mapping) and all(str(inner).isdigit() for inner in messages):
            flat[name] = " ".join(field_errors(messages).values())  # a list's items: the list's field
        elif isinstance(messages, Mapping):
            flat |= {f"{name}_{inner}": message for inner, message in field_errors(messages).items()}
        elif isinstance(messages, list | tuple):
            flat[name] = " ".join(str(message) for message in messages)
        else:
            flat[name] = str(messages)
    return flat


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
    """`POST /assisted-ideas`: an idea entered for a citizen, with the citizen's consent."""
    author = _present({"name": _text(form, "author_name"), "email": _text(form, "author_email")})
    return _present(
        {
            "title": (form.get("title") or "").strip(),
            "description": (form.get("description") or "").strip(),
            "category": form.get("category", ""),
            "district": _text(form, "district"),
            "process_id": _text(form, "process_id"),
            "locale": _text(form, "locale"),
            "author": author or None,
        }
    ) | {"consent": form.get("consent") == "yes"}


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
