"""The findings' character spans cut a case's text into marked and plain pieces."""

from services.web.staff.highlight import Piece, highlighted

TEXT = "Spielplatz\n\nBitte anrufen: 0171 2345678 oder mail@example.org"


def phone_and_mail() -> list[dict]:
    phone = TEXT.index("0171")
    mail = TEXT.index("mail@")
    return [
        {"reason": "personal_data", "detail": "phone number", "spans": [[phone, phone + 12]]},
        {"reason": "personal_data", "detail": "e-mail address", "spans": [[mail, len(TEXT)]]},
    ]


def test_spans_become_marked_pieces_and_the_rest_stays_plain():
    assert highlighted(TEXT, phone_and_mail()) == [
        Piece("Spielplatz\n\nBitte anrufen: "),
        Piece("0171 2345678", ("personal_data",)),
        Piece(" oder "),
        Piece("mail@example.org", ("personal_data",)),
    ]


def test_overlapping_findings_name_every_reason_on_the_shared_piece():
    findings = [
        {"reason": "shouting", "spans": [[0, 10]]},
        {"reason": "offensive_language", "spans": [[5, 10]]},
    ]

    assert highlighted(TEXT, findings)[:3] == [
        Piece("Spiel", ("shouting",)),
        Piece("platz", ("shouting", "offensive_language")),
        Piece("\n\nBitte anrufen: 0171 2345678 oder mail@example.org"),
    ]


def test_without_findings_or_spans_the_text_is_one_plain_piece():
    assert highlighted(TEXT, None) == [Piece(TEXT)]
    assert highlighted(TEXT, [{"reason": "near_duplicate", "spans": []}]) == [Piece(TEXT)]


def test_spans_outside_the_text_are_cut_to_it_and_empty_ones_ignored():
    findings = [{"reason": "link_spam", "spans": [[len(TEXT) - 3, len(TEXT) + 40], [4, 4], [-5, 2]]}]

    pieces = highlighted(TEXT, findings)

    assert pieces[0] == Piece("Sp", ("link_spam",))
    assert pieces[-1] == Piece("org", ("link_spam",))
    assert "".join(piece.text for piece in pieces) == TEXT
