"""Personal data in an idea's text: e-mail addresses, phone numbers and IBANs. Pure functions, no I/O.

Published ideas must not expose people, so moderation sends an idea with any of these to review.
What is found is reported as kinds and character offsets only, never as the data itself.

- e-mail address: ``name@domain.tld``, also with ``(at)``/``[at]`` and ``(dot)``/``(punkt)`` spelt out.
- phone number: what libphonenumber's ``PhoneNumberMatcher`` accepts as a *valid* number for region
  DE (national "0521 123456", "0171/1234567", international "+49 5241 82-0", "+43 1 234 5678").
  A valid number needs a real area or mobile code and a plausible length, so postcodes, years,
  prices, bus lines and house numbers do not count. Dates ("03.06.2025" reads as a Berlin number)
  and clock times ("09.15 - 10.45 Uhr") are hidden from the matcher first.
- IBAN: a country code, two check digits and 11 to 30 letters or digits, spaces allowed between
  any of them, whose checksum ``stdnum.iban.is_valid`` accepts; a random digit run never does.

Matches that overlap an earlier kind's match (a phone-like run inside an IBAN or an address) are
dropped, so every piece of text counts once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from stdnum import iban

EMAIL, PHONE, IBAN = "e-mail address", "phone number", "IBAN"
KINDS = (EMAIL, PHONE, IBAN)  # the order in which kinds are named in a finding's detail

_AT = r"(?:@|\s*[\[({](?:at|ät)[\])}]\s*)"
_DOT = r"(?:\.|\s*[\[({](?:dot|punkt)[\])}]\s*)"
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_EMAIL = re.compile(
    rf"(?<![\w.%+-])[\w%+-]+(?:\.[\w%+-]+)*{_AT}(?:{_LABEL}{_DOT})+[^\W\d_]{{2,}}(?![\w-])", re.IGNORECASE
)
# A candidate runs as far as it can; the longest prefix ending at a word boundary with a valid
# checksum is the IBAN (so "DE89 3704 0044 0532 0130 00 BEI" finds the IBAN before "BEI").
_IBAN_CANDIDATE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?: ?[A-Za-z0-9]){11,30}")
_IBAN_MIN_LENGTH = 15
# German dates (3.6., 03.06.25, 3. 6. 2025) and clock times (9:30, 09.15) standing alone.
_DATE_OR_TIME = re.compile(
    r"(?<![\d.])(?:0?[1-9]|[12]\d|3[01])\.\s?(?:0?[1-9]|1[0-2])\.(?:\s?(?:\d{4}|\d{2})(?!\d))?"
    r"|(?<![\d.:,])(?:[01]?\d|2[0-3])[.:][0-5]\d(?![\d.:,])"
)


@dataclass(frozen=True)
class Match:
    kind: str
    start: int
    end: int


def _emails(text: str) -> list[Match]:
    return [Match(EMAIL, m.start(), m.end()) for m in _EMAIL.finditer(text)]


def _ibans(text: str) -> list[Match]:
    found, position = [], 0
    while candidate := _IBAN_CANDIDATE.search(text, position):
        start = candidate.start()
        ends = [start + offset + 1 for offset, char in enumerate(candidate.group()) if char != " "]
        valid = next(
            (
                end
                for end in reversed(ends)
                if not (end < len(text) and text[end].isalnum())
                and len(text[start:end].replace(" ", "")) >= _IBAN_MIN_LENGTH
                and iban.is_valid(text[start:end])
            ),
            None,
        )
        if valid is None:
            position = start + 1
        else:
            found.append(Match(IBAN, start, valid))
            position = valid
    return found


def _phones(text: str) -> list[Match]:
    # "|" ends a number for the matcher, and replacing one character by one keeps every offset.
    masked = _DATE_OR_TIME.sub(lambda date_or_time: "|" * len(date_or_time.group()), text)
    matcher = phonenumbers.PhoneNumberMatcher(masked, "DE", leniency=phonenumbers.Leniency.VALID)
    return [Match(PHONE, m.start, m.end) for m in matcher]


def find(text: str) -> list[Match]:
    """Every piece of personal data in text, in order of appearance."""
    found: list[Match] = []
    for finder in (_emails, _ibans, _phones):
        found += [
            match
            for match in finder(text)
            if not any(match.start < other.end and other.start < match.end for other in found)
        ]
    return sorted(found, key=lambda match: (match.start, match.end))


def describe(matches: list[Match]) -> str:
    """The kinds among matches, each once, in the order of KINDS: never the data itself."""
    present = {match.kind for match in matches}
    return ", ".join(kind for kind in KINDS if kind in present)
