"""The automatic findings in a case's text: its character spans cut the text into pieces, each piece
marked with the findings (reason codes) whose spans cover it, so a page can wrap them in <mark> and
name the finding beside it (not by colour alone)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Piece:
    text: str
    reasons: tuple[str, ...] = ()  # the findings covering this piece, in the order the API lists them


def highlighted(text: str, findings: list[dict] | None) -> list[Piece]:
    """`text` in pieces; spans that reach outside the text are cut to it, empty ones ignored."""
    marks = []
    for finding in findings or ():
        for span in finding.get("spans") or ():
            start, end = (max(0, min(int(offset), len(text))) for offset in span)
            if start < end:
                marks.append((start, end, str(finding.get("reason", ""))))
    cuts = sorted({0, len(text)} | {offset for start, end, _ in marks for offset in (start, end)})
    pieces: list[Piece] = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        reasons = tuple(dict.fromkeys(reason for first, last, reason in marks if first <= start and end <= last))
        if pieces and pieces[-1].reasons == reasons:
            pieces[-1] = Piece(pieces[-1].text + text[start:end], reasons)
        else:
            pieces.append(Piece(text[start:end], reasons))
    return pieces
