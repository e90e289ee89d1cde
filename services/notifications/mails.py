"""The texts of the mails citizens receive (German, the city's language); pure functions."""
from dataclasses import dataclass

REASON_TEXTS = {
    "offensive_language": "Der Text enthält beleidigende oder herabwürdigende Ausdrücke.",
    "link_spam": "Der Text enthält zu viele Links oder einen Link im Titel.",
    "shouting": "Der Text ist überwiegend in Großbuchstaben geschrieben.",
    "personal_data": "Der Text enthält persönliche Daten wie Telefonnummern, E-Mail-Adressen oder IBANs.",
    "spam": "Der Text ist Werbung oder Spam.",
    "off_topic": "Der Text ist keine Idee für die Stadt.",
    "duplicate": "Diese Idee wurde bereits eingereicht.",
    "illegal_content": "Der Text enthält rechtswidrige Inhalte.",
}
UNKNOWN_REASON_TEXT = "Die Idee entspricht nicht den Nutzungsregeln der Plattform."


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str


def _greeting(name: str | None) -> str:
    return f"Guten Tag {name}," if name else "Guten Tag,"


def _closing() -> str:
    return "\n\nMit freundlichen Grüßen\nIhr Team von Aufbruch – Digitaler Aufbruch Gütersloh\n"


def receipt(title: str, name: str | None, idea_url: str) -> Mail:
    return Mail(
        subject=f"Ihre Idee ist eingegangen: {title}",
        body=(f"{_greeting(name)}\n\nvielen Dank für Ihre Idee „{title}“. Sie ist bei uns eingegangen und "
              f"wird jetzt geprüft. Den Stand sehen Sie jederzeit hier:\n{idea_url}" + _closing()),
    )


def published(title: str, name: str | None, idea_url: str) -> Mail:
    return Mail(
        subject=f"Ihre Idee ist veröffentlicht: {title}",
        body=(f"{_greeting(name)}\n\nIhre Idee „{title}“ ist jetzt öffentlich sichtbar:\n{idea_url}"
              + _closing()),
    )


def rejected(title: str, name: str | None, reasons: list[str]) -> Mail:
    explanation = "\n".join(f"- {REASON_TEXTS.get(code, UNKNOWN_REASON_TEXT)}" for code in reasons) \
        or f"- {UNKNOWN_REASON_TEXT}"
    return Mail(
        subject=f"Ihre Idee wurde nicht veröffentlicht: {title}",
        body=(f"{_greeting(name)}\n\nIhre Idee „{title}“ können wir leider nicht veröffentlichen:\n"
              f"{explanation}\n\nSie können Ihre Idee gern überarbeitet erneut einreichen." + _closing()),
    )
