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

# Why moderation (automatic or human) sent an idea or a comment to review, rejected, hid or showed it again,
# and why a citizen flagged it: the reason codes of services/moderation and aufbruch/contracts/moderation.py.
MODERATION_REASON_LABELS = {
    "de": {
        "acceptable": "Unbedenklich",
        "false_positive": "Fehlalarm der automatischen Prüfung",
        "corrected": "Berichtigt",
        "offensive_language": "Beleidigende Sprache",
        "offensive": "Beleidigend",
        "personal_data": "Persönliche Daten",
        "link_spam": "Link-Spam",
        "spam": "Spam",
        "off_topic": "Nicht zum Thema",
        "duplicate": "Doppelt eingereicht",
        "near_duplicate": "Ähnliche Idee vorhanden",
        "shouting": "Großbuchstaben",
        "illegal_content": "Rechtswidriger Inhalt",
        "legal_review": "Rechtliche Prüfung",
        "misinformation": "Falschinformation",
        "flags": "Bürgermeldungen",
        "pre_moderation": "Vorabprüfung",
        "other": "Sonstiges",
    },
    "en": {
        "acceptable": "Acceptable",
        "false_positive": "False alarm of the automatic check",
        "corrected": "Corrected",
        "offensive_language": "Offensive language",
        "offensive": "Offensive",
        "personal_data": "Personal data",
        "link_spam": "Link spam",
        "spam": "Spam",
        "off_topic": "Off topic",
        "duplicate": "Duplicate",
        "near_duplicate": "Similar idea exists",
        "shouting": "Capital letters",
        "illegal_content": "Illegal content",
        "legal_review": "Legal review",
        "misinformation": "Misinformation",
        "flags": "Citizens' flags",
        "pre_moderation": "Pre-moderation",
        "other": "Other",
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


def moderation_reason_label(locale: str | None, code: str) -> str:
    return MODERATION_REASON_LABELS[supported_locale(locale)].get(code, code)
