"""Personal data in an idea (e-mail addresses, phone numbers, IBANs) goes to review, named by kind only."""

import re

import pytest

from services.moderation import personal_data
from services.moderation.rules import APPROVE, REJECT, REVIEW, Verdict, combined_text, moderate

CALM = "Mehr Bänke im Stadtpark"


def found(description: str, title: str = CALM) -> tuple[str, list[str]]:
    """The personal_data finding's detail and the pieces of text its spans point at ("", [] if none)."""
    verdict = moderate(title, description)
    findings = [f for f in verdict.findings if f.reason == "personal_data"]
    if not findings:
        return "", []
    [finding] = findings
    assert finding.outcome == REVIEW
    text = combined_text(title, description)
    return finding.detail, [text[start:end] for start, end in finding.spans]


# --- true positives: each kind, in the spellings people use ---------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "0521 123456",
        "0521-123456",
        "(0521) 12 34 56",
        "0521123456",
        "+49 5241 82-0",
        "+49 (0)5241 820",
        "0049 5241 820",
        "(05241) 822-0",
        "05241 / 82 12 34",
        "0171/1234567",
        "0171 1234567",
        "01711234567",
        "+49 171 1234567",
        "+491711234567",
        "0152 28817386",
        "+43 1 234 5678",  # Vienna: international numbers count too
    ],
)
def test_phone_numbers_are_found(number):
    assert found(f"Ruft mich gern an unter {number}, abends.") == ("phone number", [number])


@pytest.mark.parametrize(
    "address",
    [
        "erika@example.org",
        "erika.mustermann+ideen@stadt-guetersloh.de",
        "Jürgen.Müller@gütersloh.de",
        "max(at)stadt-guetersloh(dot)de",
        "info [at] verein.de",
        "kontakt[at]verein[punkt]de",
        "A.B@MAIL.EXAMPLE.COM",
    ],
)
def test_email_addresses_are_found(address):
    assert found(f"Schreibt an {address}. Danke!") == ("e-mail address", [address])


@pytest.mark.parametrize(
    "iban",
    [
        "DE89 3704 0044 0532 0130 00",
        "DE89370400440532013000",
        "de89 3704 0044 0532 0130 00",
        "DE44 5001 0517 5407 3249 31",
        "GB82 WEST 1234 5698 7654 32",
        "AT61 1904 3002 3457 3201",
        "NL91 ABNA 0417 1643 00",
        "CH93 0076 2011 6238 5295 7",
        "FR14 2004 1010 0505 0001 3M02 606",
    ],
)
def test_valid_ibans_are_found(iban):
    assert found(f"Spenden bitte an IBAN: {iban}.") == ("IBAN", [iban])


def test_an_iban_ends_where_its_checksum_fits_not_at_the_next_capital_word():
    assert found("Konto DE89 3704 0044 0532 0130 00 BEI der Sparkasse") == ("IBAN", ["DE89 3704 0044 0532 0130 00"])


def test_two_ibans_in_a_row_are_both_found():
    assert found("DE89 3704 0044 0532 0130 00 DE44 5001 0517 5407 3249 31") == (
        "IBAN",
        ["DE89 3704 0044 0532 0130 00", "DE44 5001 0517 5407 3249 31"],
    )


def test_digits_of_an_iban_are_not_also_counted_as_a_phone_number():
    assert found("IBAN NL91 ABNA 0417 1643 00, BIC ABNANL2A") == ("IBAN", ["NL91 ABNA 0417 1643 00"])


def test_every_kind_is_named_once_in_a_fixed_order_and_every_piece_has_a_span():
    description = (
        "IBAN DE89 3704 0044 0532 0130 00, Handy 0171 1234567, Mail erika@example.org, "
        "Büro 0521 123456, privat max@example.org"
    )
    assert found(description) == (
        "e-mail address, phone number, IBAN",
        ["DE89 3704 0044 0532 0130 00", "0171 1234567", "erika@example.org", "0521 123456", "max@example.org"],
    )


def test_personal_data_in_the_title_is_found_with_offsets_into_the_title():
    verdict = moderate("Anrufen: 0171 1234567", "Bitte meldet euch bei mir wegen der Bänke.")
    assert verdict == Verdict(REVIEW, verdict.findings)
    assert verdict.reasons == ["personal_data"]
    assert verdict.findings[0].spans == ((9, 21),)


def test_spans_count_the_separator_between_title_and_description():
    title = "Bänke"
    verdict = moderate(title, "Tel 0521 123456")
    assert verdict.findings[0].spans == ((len(title) + 2 + 4, len(title) + 2 + 15),)


def test_personal_data_does_not_soften_a_rejection():
    verdict = moderate("Du Arschloch", "Ruf an: 0171 1234567")
    assert verdict.outcome == REJECT
    assert verdict.reasons == ["offensive_language", "personal_data"]


# --- the detail names kinds, never the data -------------------------------------------------


@pytest.mark.parametrize(
    "description",
    [
        "Ruft an: 0521 123456",
        "Mail: erika.mustermann@example.org",
        "IBAN DE89 3704 0044 0532 0130 00",
        "max(at)stadt-guetersloh(dot)de oder +49 5241 82-0 oder GB82 WEST 1234 5698 7654 32",
    ],
)
def test_detail_never_contains_the_data(description):
    detail, pieces = found(description)
    assert pieces  # something was found, and the detail is nothing but the names of kinds
    assert re.fullmatch(r"(e-mail address|phone number|IBAN)(, (e-mail address|phone number|IBAN))*", detail)
    assert not any(piece in detail for piece in pieces)


# --- false positives: numbers that are not people ------------------------------------------


@pytest.mark.parametrize(
    "description",
    [
        "33330 Gütersloh, Berliner Straße 70",
        "PLZ 33330 33332 33334 33335",
        "Hausnummer 12a, Postfach 2440",
        "Im Jahr 2024",
        "Von 2019 bis 2023 wurden 12.500 Bäume gepflanzt",
        "Haushalt 2025/2026",
        "Projekt 2030",
        "Preis 12,50 €",
        "1.299 Euro",
        "Kosten: 150.000 €",
        "20 000 000 Euro",
        "100.000 m²",
        "10.000 Unterschriften",
        "Linie 201",
        "Bus 201",
        "Die Buslinien 201, 202 und 203",
        "Gleis 3, ICE 1234",
        "S-Bahn S 12 ab 05:12",
        "Tempo 30",
        "B 61 und A 2",
        "30 km/h auf 2,5 km",
        "am 12.03.2024",
        "am 03.06.2025",
        "am 04.07.2025 um 17:00 Uhr",
        "am 08.09.25",
        "am 3. 6. 2025",
        "03.06.2025 bis 04.07.2025",
        "Stand 2023-05-12",
        "am 03/06/2025",
        "KW 03/2025",
        "um 08.30 Uhr",
        "von 09.15 - 10.45 Uhr",
        "zwischen 8 und 18 Uhr",
        "Öffnungszeiten 08:00-18:00",
        "110 oder 112 anrufen",
        "ISBN 978-3-16-148410-0",
        "Drucksache 0123/2024",
        "Flurstück 123/45",
        "ca. 1500 Menschen",
        "Seite 123-145",
        "Art. 5 Abs. 3 GG",
    ],
)
def test_numbers_that_are_not_personal_data(description):
    assert moderate(CALM, description) == Verdict(APPROVE, ())


@pytest.mark.parametrize(
    "description",
    [
        "DE89 3704 0044 0532 0130 01",  # one digit off: checksum fails
        "DE12 3456 7890 1234 5678 90",
        "XX89 3704 0044 0532 0130 00",  # no such country
        "DE89 3704 0044",  # too short
        "123456789012345678901234",  # a bare digit run
    ],
)
def test_strings_that_look_like_ibans_but_are_not(description):
    assert found(description) == ("", [])


@pytest.mark.parametrize(
    "description",
    [
        "Treffen @ Rathaus",
        "Folgt @stadt_gt",
        "x@y",
        "Wir sind 2024@home",
        "Die E-Mail-Adresse steht im Impressum",
        "Schreibt an die Stadt (at) Rathaus. Danke",
        "Mehr auf www.stadt.example",
    ],
)
def test_texts_with_at_signs_or_domains_but_no_address(description):
    assert found(description) == ("", [])


# --- the module on its own -----------------------------------------------------------------


def test_find_returns_kinds_and_offsets_in_order():
    text = "a@b.de 0521 123456"
    assert personal_data.find(text) == [
        personal_data.Match("e-mail address", 0, 6),
        personal_data.Match("phone number", 7, 18),
    ]
    assert personal_data.find("Mehr Bänke") == []


def test_describe_names_each_kind_once():
    matches = [
        personal_data.Match("IBAN", 0, 1),
        personal_data.Match("phone number", 2, 3),
        personal_data.Match("IBAN", 4, 5),
    ]
    assert personal_data.describe(matches) == "phone number, IBAN"
