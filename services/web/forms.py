"""Between a page's form and the API: what a form's fields become in an API request, and the API's
422 field errors as messages next to the form's fields, in the page's language.

The API says what is wrong (in English, marshmallow's words); the German pages say the same in German
for the messages the API gives, and show any other message as the API wrote it.
"""

import re
from collections.abc import Callable, Mapping
from typing import Any

# The API field (dotted for nested ones) each field of the submission form stands for.
IDEA_FIELDS = {
    "title": "title",
    "description": "description",
    "category": "category",
    "district": "district",
    "process_id": "process_id",
    "author.name": "name",
    "author.email": "email",
    "locale": "locale",
}
GENERAL = "_general"  # an error of no field of the form: shown in the summary only

_GERMAN: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [
    (re.compile(r"Missing data for required field\.|Field may not be null\."), lambda m: "Bitte ausfüllen."),
    (re.compile(r"Not a valid email address\."), lambda m: "Bitte geben Sie eine gültige E-Mail-Adresse an."),
    (re.compile(r"Length must be between (\d+) and (\d+)\."), lambda m: f"Bitte {m[1]} bis {m[2]} Zeichen."),
    (re.compile(r"Shorter than minimum length (\d+)\."), lambda m: f"Bitte mindestens {m[1]} Zeichen."),
    (re.compile(r"Longer than maximum length (\d+)\."), lambda m: f"Bitte höchstens {m[1]} Zeichen."),
    (re.compile(r"(Must be one of|Not a valid choice).*", re.S), lambda m: "Bitte wählen Sie einen Eintrag der Liste."),
    (re.compile(r"The process \S+ takes only: (.*)\."), lambda m: "Diese Beteiligung nimmt nur andere Kategorien an."),
    (re.compile(r"No process with id .*", re.S), lambda m: "Diese Beteiligung gibt es nicht."),
    (re.compile(r"Contains control characters or invalid Unicode\."), lambda m: "Enthält Zeichen, die nicht gehen."),
    (re.compile(r"Unknown field\."), lambda m: "Unbekanntes Feld."),
]


def in_language(locale: str, message: str) -> str:
    if locale != "de":
        return message
    for pattern, german in _GERMAN:
        if match := pattern.fullmatch(message):
            return german(match)
    return message


def _flattened(errors: Mapping, prefix: str = "") -> dict[str, str]:
    """{"author": {"email": ["…"]}} → {"author.email": "…"} (the first message of each field)."""
    flat: dict[str, str] = {}
    for name, messages in errors.items():
        key = f"{prefix}{name}"
        if isinstance(messages, Mapping):
            flat |= _flattened(messages, f"{key}.")
        elif isinstance(messages, list) and messages:
            flat[key] = str(messages[0])
        else:
            flat[key] = str(messages)
    return flat


def field_errors(errors: Mapping, fields: Mapping[str, str], locale: str) -> dict[str, str]:
    """The API's 422 `errors` by the form's field ids (`fields`: API field → form field); errors of
    fields the form does not have go under GENERAL, joined."""
    shown: dict[str, str] = {}
    general = []
    for api_field, message in _flattened(errors).items():
        text = in_language(locale, message)
        if api_field in fields:
            shown[fields[api_field]] = text
        else:
            general.append(text)
    if general:
        shown[GENERAL] = " ".join(general)
    return shown


def _given(form: Mapping[str, str], name: str) -> str | None:
    """A field's text, or None when left empty (the API refuses an empty optional text)."""
    value = form.get(name, "")
    return value if value.strip() else None


def idea_submission(form: Mapping[str, str]) -> dict:
    """The submission form as `POST /api/v1/ideas` takes it (texts as typed: the API trims them)."""
    submission: dict[str, Any] = {
        "title": form.get("title", ""),
        "description": form.get("description", ""),
        "category": form.get("category", ""),
        "district": _given(form, "district"),
        "locale": _given(form, "locale"),
    }
    if process_id := _given(form, "process_id"):
        submission["process_id"] = process_id
    name, email = _given(form, "name"), _given(form, "email")
    if name or email:
        submission["author"] = {"name": name, "email": email}
    return submission


def comment_submission(form: Mapping[str, str]) -> dict:
    return {
        "body": form.get("body", ""),
        "parent_id": _given(form, "parent_id"),
        "author_name": _given(form, "author_name"),
    }
