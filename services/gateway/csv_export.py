"""CSV for the report exports, safe to open in a spreadsheet; pure.

Cells are written by the csv module with minimal quoting (RFC 4180: a cell holding a comma, a quote
or a line break is quoted, quotes doubled), lines end in CRLF, and text is UTF-8 without a BOM.
A text cell that a spreadsheet would take for a formula (starting with =, +, -, @, a tab or a
carriage return) gets a single quote in front, so `=HYPERLINK(...)` arrives as the text
`'=HYPERLINK(...)` (CSV injection, see OWASP). Numbers are written as numbers; lists are joined
with `;`; a missing value is an empty cell; booleans are `true` / `false`.
"""

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = ";"


def safe_cell(value):
    """The value as a CSV cell that no spreadsheet runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (list, tuple)):
        value = LIST_SEPARATOR.join(str(item) for item in value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(columns: Sequence[str], rows: Iterable[dict]) -> str:
    """A header row of `columns`, then one line per row with the row's values in that order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(row.get(column)) for column in columns])
    return buffer.getvalue()
