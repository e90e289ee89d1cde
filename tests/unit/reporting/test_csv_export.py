"""Unit tests of the CSV exports' cells and rows: RFC 4180 quoting and no spreadsheet formulas."""

import csv
import io

import pytest

from aufbruch.contracts.reports import IDEA_EXPORT_COLUMNS
from services.gateway.csv_export import FORMULA_STARTS, safe_cell, to_csv


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize(
    "text",
    ["=1+1", '=HYPERLINK("http://evil.example";"klick")', "+491701234567", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"],
)
def test_a_cell_a_spreadsheet_would_run_as_a_formula_gets_a_quote_in_front(text):
    assert safe_cell(text) == "'" + text


def test_every_formula_start_is_covered():
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}


@pytest.mark.parametrize("text", ["Mehr Radwege", "1 = 1", " =1", "Straße, Platz", "", "'quoted already", "\n=1"])
def test_other_text_stays_as_it_is(text):
    assert safe_cell(text) == text


@pytest.mark.parametrize(
    "value, cell",
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (3600.5, 3600.5),
        (0, 0),
        (-5, -5),
        (["link_spam", "shouting"], "link_spam;shouting"),
        (("=evil",), "'=evil"),
    ],
)
def test_values_that_are_not_text(value, cell):
    assert safe_cell(value) == cell


def test_to_csv_writes_the_header_then_the_rows_in_column_order():
    rows = [
        {
            "id": "1",
            "title": "Bänke",
            "description": "d",
            "category": "environment",
            "district": None,
            "published_at": "2024-05-01T10:00:00+00:00",
            "author_key": "never shown",
        }
    ]
    text = to_csv(IDEA_EXPORT_COLUMNS, rows)
    assert text == (
        "id,title,description,category,district,published_at\r\n1,Bänke,d,environment,,2024-05-01T10:00:00+00:00\r\n"
    )


def test_commas_quotes_and_line_breaks_are_quoted_and_read_back_unchanged():
    title = 'Ein "guter", neuer Platz'
    description = 'Zeile eins,\r\nZeile zwei\nund "drei"'
    text = to_csv(["title", "description"], [{"title": title, "description": description}])
    assert text.splitlines()[1].startswith('"Ein ""guter"", neuer Platz"')
    assert parse(text) == [["title", "description"], [title, description]]


def test_a_title_starting_with_equals_is_text_when_read_back():
    text = to_csv(["title", "description"], [{"title": "=SUMME(A1:A9)", "description": "-1"}])
    assert parse(text)[1] == ["'=SUMME(A1:A9)", "'-1"]
