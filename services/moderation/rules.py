"""Automatic moderation of an idea's title and description: pure functions, no I/O besides the word lists.

The rules run in this order and each yields at most one Finding:

1. offensive_language (reject): an entry of ``wordlists/*.txt`` occurs as a whole word, or for a
   phrase as a whole run of words. Text and list are compared after ``normalise`` plus two folds:
   "ä", "ae" and "a" count as the same letter (likewise ö/o, ü/u), and letters stretched to three
   or more ("shiiit") are also tried cut down to one and to two. Words that merely contain an entry
   ("Scunthorpe", "Spastik") never match.
2. link_spam (reject): 3 or more links (http://, https://, www.) in title and description together,
   or any link in the title. Bare domains such as "example.org" are not counted.
3. shouting (review): at least 20 letters of which more than 70 % are capitals (title and
   description together), or a title of at least 8 letters that are all capitals.

The verdict's outcome is the strictest finding: reject > review > approve.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import product
from pathlib import Path

APPROVE, REJECT, REVIEW = "approve", "reject", "review"
OFFENSIVE_LANGUAGE, LINK_SPAM, SHOUTING = "offensive_language", "link_spam", "shouting"

LINK_LIMIT = 3
SHOUTING_MIN_LETTERS = 20
SHOUTING_MAX_CAPITALS_RATIO = 0.7
SHOUTING_TITLE_MIN_LETTERS = 8

_RULE_ORDER = {OFFENSIVE_LANGUAGE: 0, LINK_SPAM: 1, SHOUTING: 2}
_SEVERITY = {APPROVE: 0, REVIEW: 1, REJECT: 2}
_WORDLIST_DIR = Path(__file__).parent / "wordlists"

# casefold() already turns ß into ss; leetspeak digits are folded everywhere because a number
# token can never equal a list entry, so folding "2024" into "2o2a" is harmless.
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "0": "o", "1": "i", "3": "e", "4": "a",
                       "5": "s", "7": "t", "@": "a", "$": "s"})
_TOKEN = re.compile(r"[^\W_]+")
_STRETCHED = re.compile(r"(.)\1{2,}")
_UMLAUT_SPELLING = re.compile(r"([aou])e")
_LINK = re.compile(r"https?://\S+|(?<![\w.])www\.\S+", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    reason: str
    outcome: str
    detail: str


@dataclass(frozen=True)
class Verdict:
    outcome: str
    findings: tuple[Finding, ...]

    @property
    def reasons(self) -> list[str]:
        """Reason codes in rule order, each once."""
        unique = dict.fromkeys(finding.reason for finding in self.findings)
        return sorted(unique, key=lambda reason: _RULE_ORDER.get(reason, len(_RULE_ORDER)))


def normalise(text: str) -> str:
    """Casefold text, spell ä/ö/ü/ß as ae/oe/ue/ss, undo leetspeak and keep only words, space-separated."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)
    return " ".join(_TOKEN.findall(folded))


def _plain(word: str) -> str:
    # Writers drop umlauts ("Miststuck") or add them ("ärschloch"); one spelling for both sides.
    return _UMLAUT_SPELLING.sub(r"\1", word)


def _spellings(word: str) -> set[str]:
    variants = {word, _STRETCHED.sub(r"\1", word), _STRETCHED.sub(r"\1\1", word)}
    return {_plain(variant) for variant in variants}


class WordList:
    """Offensive words and phrases, matched as whole words (see the module docstring)."""

    def __init__(self, entries: Iterable[str]):
        phrases = {tuple(_plain(word) for word in normalise(entry).split()) for entry in entries}
        self._phrases = frozenset(phrases - {()})
        self._lengths = sorted({len(phrase) for phrase in self._phrases})

    @classmethod
    def from_files(cls, *paths: str | Path) -> WordList:
        """One entry per line; "#" starts a comment."""
        lines = (line.split("#", 1)[0] for path in paths
                 for line in Path(path).read_text(encoding="utf-8").splitlines())
        return cls(line for line in lines if line.strip())

    @classmethod
    @cache
    def load(cls) -> WordList:
        """The default German and English list, read once per process."""
        return cls.from_files(_WORDLIST_DIR / "de.txt", _WORDLIST_DIR / "en.txt")

    def __len__(self) -> int:
        return len(self._phrases)

    def matches(self, text: str) -> list[str]:
        """The normalised words and phrases of text that are on the list, in order of appearance, each once."""
        words = normalise(text).split()
        spellings = [_spellings(word) for word in words]
        found: dict[str, None] = {}
        for start in range(len(words)):
            for length in self._lengths:
                window = spellings[start:start + length]
                if len(window) == length and any(p in self._phrases for p in product(*window)):
                    found[" ".join(words[start:start + length])] = None
        return list(found)


def _offensive_language(title: str, description: str, wordlist: WordList) -> Finding | None:
    found = wordlist.matches(f"{title}\n{description}")
    return Finding(OFFENSIVE_LANGUAGE, REJECT, ", ".join(found)) if found else None


def _link_spam(title: str, description: str) -> Finding | None:
    in_title = len(_LINK.findall(title))
    total = in_title + len(_LINK.findall(description))
    if total < LINK_LIMIT and not in_title:
        return None
    detail = f"{total} link{'s' if total != 1 else ''}" + (f" ({in_title} in title)" if in_title else "")
    return Finding(LINK_SPAM, REJECT, detail)


def _cased_letters(text: str) -> list[str]:
    # ß has no everyday capital, so it must not make an all-capitals "STRAßE" look mixed-case.
    return [char for char in text if char != "ß" and (char.isupper() or char.islower())]


def _shouting(title: str, description: str) -> Finding | None:
    letters = _cased_letters(f"{title}\n{description}")
    ratio = sum(letter.isupper() for letter in letters) / len(letters) if letters else 0.0
    if len(letters) >= SHOUTING_MIN_LETTERS and ratio > SHOUTING_MAX_CAPITALS_RATIO:
        return Finding(SHOUTING, REVIEW, f"{ratio:.0%} capitals")
    title_letters = _cased_letters(title)
    if len(title_letters) >= SHOUTING_TITLE_MIN_LETTERS and all(c.isupper() for c in title_letters):
        return Finding(SHOUTING, REVIEW, "title in capitals")
    return None


def moderate(title: str, description: str, wordlist: WordList | None = None) -> Verdict:
    """Apply every rule to an idea; the default word list is used unless another is given."""
    wordlist = WordList.load() if wordlist is None else wordlist
    candidates = (_offensive_language(title, description, wordlist),
                  _link_spam(title, description), _shouting(title, description))
    findings = tuple(finding for finding in candidates if finding is not None)
    outcome = max((f.outcome for f in findings), key=_SEVERITY.__getitem__, default=APPROVE)
    return Verdict(outcome, findings)
