"""Every mail's words: subject, plain text and HTML, rendered from the Jinja2 templates in
templates/<locale>/ (German, the city's language, and English); pure.

A template extends its locale's layout.jinja and fills three blocks, `subject`, `text` and `html`.
The subject and the plain text are rendered without escaping, the HTML with autoescape, so a title
such as `<b>Bänke & Tische</b>` reads as typed in the text and cannot become markup in the HTML.
Codes (rejection and hiding reasons, categories) are put into words in the mail's language by the
filters `rejection_reasons`, `hiding_reason`, `category_name` and `official_status_name` (the last
two from aufbruch/labels.py, the names every part of the platform shows), never shown as codes.
"""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from aufbruch.labels import category_label, official_status_label, supported_locale

TEMPLATES = Path(__file__).parent / "templates"

REJECTION_REASONS = {
    "de": {
        "offensive_language": "Der Text enthält beleidigende oder herabwürdigende Ausdrücke.",
        "link_spam": "Der Text enthält zu viele Links oder einen Link im Titel.",
        "shouting": "Der Text ist überwiegend in Großbuchstaben geschrieben.",
        "personal_data": "Der Text enthält persönliche Daten wie Telefonnummern, E-Mail-Adressen oder IBANs.",
        "spam": "Der Text ist Werbung oder Spam.",
        "off_topic": "Der Text ist keine Idee für die Stadt.",
        "duplicate": "Diese Idee wurde bereits eingereicht.",
        "illegal_content": "Der Text enthält rechtswidrige Inhalte.",
    },
    "en": {
        "offensive_language": "The text contains offensive or degrading language.",
        "link_spam": "The text contains too many links, or a link in the title.",
        "shouting": "The text is written mostly in capital letters.",
        "personal_data": "The text contains personal data such as phone numbers, e-mail addresses or IBANs.",
        "spam": "The text is advertising or spam.",
        "off_topic": "The text is not an idea for the city.",
        "duplicate": "This idea has already been submitted.",
        "illegal_content": "The text contains illegal content.",
    },
}
UNKNOWN_REJECTION_REASON = {
    "de": "Die Idee entspricht nicht den Nutzungsregeln der Plattform.",
    "en": "The idea does not meet the platform's rules of use.",
}
HIDING_REASONS = {
    "de": {
        "flags": "Mehrere Bürgerinnen und Bürger haben sie gemeldet.",
        "offensive_language": "Sie enthält möglicherweise beleidigende Ausdrücke.",
        "personal_data": "Sie enthält möglicherweise persönliche Daten.",
        "spam": "Sie ist möglicherweise Werbung oder Spam.",
        "illegal_content": "Sie enthält möglicherweise rechtswidrige Inhalte.",
        "legal_review": "Sie wird rechtlich geprüft.",
    },
    "en": {
        "flags": "Several citizens reported it.",
        "offensive_language": "It may contain offensive language.",
        "personal_data": "It may contain personal data.",
        "spam": "It may be advertising or spam.",
        "illegal_content": "It may contain illegal content.",
        "legal_review": "It is under legal review.",
    },
}
UNKNOWN_HIDING_REASON = {
    "de": "Das Moderationsteam prüft sie.",
    "en": "The moderators are reviewing it.",
}


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def rejection_reasons(locale: str, codes: list[str]) -> list[str]:
    """Each reason in words, in order; an unknown code (or none at all) gets the general sentence."""
    locale = supported_locale(locale)
    return [REJECTION_REASONS[locale].get(code, UNKNOWN_REJECTION_REASON[locale]) for code in codes] or [
        UNKNOWN_REJECTION_REASON[locale]
    ]


def hiding_reason(locale: str, code: str) -> str:
    locale = supported_locale(locale)
    return HIDING_REASONS[locale].get(code, UNKNOWN_HIDING_REASON[locale])


@cache
def _environment(locale: str, html: bool) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES / locale),
        autoescape=html,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["rejection_reasons"] = lambda codes: rejection_reasons(locale, codes)
    environment.filters["hiding_reason"] = lambda code: hiding_reason(locale, code)
    environment.filters["category_name"] = lambda code: category_label(locale, code)
    environment.filters["official_status_name"] = lambda code: official_status_label(locale, code)
    return environment


def render(template: str, locale: str | None, **context) -> RenderedMail:
    """The mail `template` in `locale` (the city's language if unsupported). `context` needs
    `unsubscribe_url` and `name` (None: greeting without a name) and what the template names."""
    locale = supported_locale(locale)

    def part(name: str, html: bool = False) -> str:
        return _environment(locale, html).get_template(f"{template}.jinja").render(context | {"part": name})

    subject = " ".join(part("subject").split())  # one line: a title's line break must not end the header
    text = re.sub(r"\n{3,}", "\n\n", part("text")).strip() + "\n"
    return RenderedMail(subject=subject, text=text, html=part("html", html=True).strip() + "\n")
