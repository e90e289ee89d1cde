"""What the platform's codes are called for people, in each language it speaks: one table per code
list, shared by everything that shows them (pages, mails, the dashboard, Open311)."""

from aufbruch.contracts.ideas import DEFAULT_LOCALE, LOCALES

CATEGORY_LABELS = {
    "de": {
        "administration": "Verwaltung",
        "education": "Bildung",
        "mobility": "Mobilität",
        "economy": "Wirtschaft",
        "culture": "Kultur",
        "environment": "Umwelt",
        "health": "Gesundheit",
        "other": "Sonstiges",
    },
    "en": {
        "administration": "Administration",
        "education": "Education",
        "mobility": "Mobility",
        "economy": "Economy",
        "culture": "Culture",
        "environment": "Environment",
        "health": "Health",
        "other": "Other",
    },
}
OFFICIAL_STATUS_LABELS = {
    "de": {
        "under_evaluation": "wird geprüft",
        "accepted": "angenommen",
        "in_implementation": "in Umsetzung",
        "implemented": "umgesetzt",
        "declined": "abgelehnt",
    },
    "en": {
        "under_evaluation": "under evaluation",
        "accepted": "accepted",
        "in_implementation": "in implementation",
        "implemented": "implemented",
        "declined": "declined",
    },
}


def supported_locale(locale: str | None) -> str:
    """`locale` if the platform speaks it, else the city's language."""
    return locale if locale in LOCALES else DEFAULT_LOCALE


def category_label(locale: str | None, code: str) -> str:
    """A category's name; a category configured without a label keeps its code."""
    return CATEGORY_LABELS[supported_locale(locale)].get(code, code)


def official_status_label(locale: str | None, code: str) -> str:
    return OFFICIAL_STATUS_LABELS[supported_locale(locale)].get(code, code)
