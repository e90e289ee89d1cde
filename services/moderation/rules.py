"""Automatic moderation of an idea's title and description (and of a comment, ``moderate_comment``):
pure functions, no I/O besides the word lists.

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
4. personal_data (review): an e-mail address, phone number or IBAN (see ``personal_data``); the
   detail names the kinds found, never the data.
5. near_duplicate (review): an existing idea at least NEAR_DUPLICATE_THRESHOLD similar, as the
   caller found it (``repository.similar_ideas``); the detail names the most similar one.

The verdict's outcome is the strictest finding: reject > review > approve. ``apply_policy`` then
applies the MODERATION_POLICY: under "pre" an approval becomes a review (reason pre_moderation).

Every finding's ``spans`` are (start, end) character offsets into ``combined_text(title,
description)``, i.e. "title\\n\\ndescription", of what triggered it where that is cheap to say: each
offensive word or phrase, each link, a title in capitals, each piece of personal data.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import product
from pathlib import Path

from services.moderation import personal_data

APPROVE, REJECT, REVIEW = "approve", "reject", "review"
OFFENSIVE_LANGUAGE, LINK_SPAM, SHOUTING = "offensive_language", "link_spam", "shouting"
PERSONAL_DATA, NEAR_DUPLICATE, PRE_MODERATION = "personal_data", "near_duplicate", "pre_moderation"
POST, PRE = "post", "pre"
POLICIES = (POST, PRE)  # MODERATION_POLICY: publish clean ideas at once, or review every idea

LINK_LIMIT = 3
SHOUTING_MIN_LETTERS = 20
SHOUTING_MAX_CAPITALS_RATIO = 0.7
SHOUTING_TITLE_MIN_LETTERS = 8
# pg_trgm similarity() of the two combined texts: 1.0 is identical, unrelated ideas on the same
# topic score about 0.2, a lightly reworded or reordered idea 0.6 to 0.9.
NEAR_DUPLICATE_THRESHOLD = 0.6

_RULE_ORDER = {
    reason: index
    for index, reason in enumerate(
        (OFFENSIVE_LANGUAGE, LINK_SPAM, SHOUTING, PERSONAL_DATA, NEAR_DUPLICATE, PRE_MODERATION)
    )
}
_SEVERITY = {APPROVE: 0, REVIEW: 1, REJECT: 2}
_WORDLIST_DIR = Path(__file__).parent / "wordlists"
_SEPARATOR = "\n\n"

# casefold() already turns ß into ss; leetspeak digits are folded everywhere because a number
# token can never equal a list entry, so folding "2024" into "2o2a" is harmless.
_FOLD = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_TOKEN = re.compile(r"[^\W_]+")
# A character with the combining marks after it: normalised as one, so "A\u0308" becomes "ä".
_GRAPHEME = re.compile(r".[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*", re.DOTALL)
_STRETCHED = re.compile(r"(.)\1{2,}")
_UMLAUT_SPELLING = re.compile(r"([aou])e")
# A link ends before whitespace; punctuation closing a sentence or bracket is not part of it.
_LINK = re.compile(r"(?:https?://|(?<![\w.])www\.)\S+?(?=[.,;:!?)\]}'\"»“]*(?:\s|$))", re.IGNORECASE)

Span = tuple[int, int]


@dataclass(frozen=True)
class Finding:
    reason: str
    outcome: str
    detail: str
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Verdict:
    outcome: str
    findings: tuple[Finding, ...]

    @property
    def reasons(self) -> list[str]:
        """Reason codes in rule order, each once."""
        unique = dict.fromkeys(finding.reason for finding in self.findings)
        return sorted(unique, key=lambda reason: _RULE_ORDER.get(reason, len(_RULE_ORDER)))


@dataclass(frozen=True)
class SimilarIdea:
    """An idea seen before and how similar its text is (0 to 1) to the one being moderated."""

    idea_id: uuid.UUID | str
    similarity: float


def combined_text(title: str, description: str) -> str:
    """The text that spans point into and that near-duplicates are compared on."""
    return f"{title}{_SEPARATOR}{description}"


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """The words of normalise(text), each with the (start, end) of its original spelling in text."""
    chars, origins = [], []
    for grapheme in _GRAPHEME.finditer(text):
        for char in unicodedata.normalize("NFKC", grapheme.group()).casefold().translate(_FOLD):
            chars.append(char)
            origins.append(grapheme.span())
    folded = "".join(chars)
    return [(m.group(), origins[m.start()][0], origins[m.end() - 1][1]) for m in _TOKEN.finditer(folded)]


def normalise(text: str) -> str:
    """Casefold text, spell ä/ö/ü/ß as ae/oe/ue/ss, undo leetspeak and keep only words, space-separated."""
    return " ".join(word for word, _, _ in _tokens(text))


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
        lines = (
            line.split("#", 1)[0] for path in paths for line in Path(path).read_text(encoding="utf-8").splitlines()
        )
        return cls(line for line in lines if line.strip())

    @classmethod
    @cache
    def load(cls) -> WordList:
        """The default German and English list, read once per process."""
        return cls.from_files(_WORDLIST_DIR / "de.txt", _WORDLIST_DIR / "en.txt")

    def __len__(self) -> int:
        return len(self._phrases)

    def occurrences(self, text: str) -> list[tuple[str, Span]]:
        """Every listed word or phrase in text: its normalised words and its (start, end) in text."""
        tokens = _tokens(text)
        spellings = [_spellings(word) for word, _, _ in tokens]
        found = []
        for start in range(len(tokens)):
            for length in self._lengths:
                window = spellings[start : start + length]
                if len(window) == length and any(p in self._phrases for p in product(*window)):
                    run = tokens[start : start + length]
                    found.append((" ".join(word for word, _, _ in run), (run[0][1], run[-1][2])))
        return found

    def matches(self, text: str) -> list[str]:
        """The normalised words and phrases of text that are on the list, in order of appearance, each once."""
        return list(dict.fromkeys(phrase for phrase, _ in self.occurrences(text)))


def _offensive_language(text: str, wordlist: WordList) -> Finding | None:
    found = wordlist.occurrences(text)
    if not found:
        return None
    phrases = dict.fromkeys(phrase for phrase, _ in found)
    return Finding(OFFENSIVE_LANGUAGE, REJECT, ", ".join(phrases), tuple(sorted(span for _, span in found)))


def _link_spam(title: str, description: str, offset: int) -> Finding | None:
    """`offset`: where the description starts in the text that spans point into."""
    in_title = [m.span() for m in _LINK.finditer(title)]
    in_description = [(m.start() + offset, m.end() + offset) for m in _LINK.finditer(description)]
    total = len(in_title) + len(in_description)
    if total < LINK_LIMIT and not in_title:
        return None
    detail = f"{total} link{'s' if total != 1 else ''}" + (f" ({len(in_title)} in title)" if in_title else "")
    return Finding(LINK_SPAM, REJECT, detail, tuple(in_title + in_description))


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
        return Finding(SHOUTING, REVIEW, "title in capitals", ((0, len(title)),))
    return None


def _personal_data(text: str) -> Finding | None:
    found = personal_data.find(text)
    if not found:
        return None
    return Finding(
        PERSONAL_DATA, REVIEW, personal_data.describe(found), tuple((match.start, match.end) for match in found)
    )


def _near_duplicate(similar_ideas: Sequence[SimilarIdea]) -> Finding | None:
    closest = max(similar_ideas, key=lambda idea: idea.similarity, default=None)
    if closest is None or closest.similarity < NEAR_DUPLICATE_THRESHOLD:
        return None
    return Finding(
        NEAR_DUPLICATE, REVIEW, f"most similar: idea {closest.idea_id} (similarity {closest.similarity:.2f})"
    )


def _verdict(findings: Iterable[Finding | None]) -> Verdict:
    present = tuple(finding for finding in findings if finding is not None)
    outcome = max((f.outcome for f in present), key=_SEVERITY.__getitem__, default=APPROVE)
    return Verdict(outcome, present)


def moderate(
    title: str, description: str, wordlist: WordList | None = None, similar_ideas: Sequence[SimilarIdea] = ()
) -> Verdict:
    """Apply every rule to an idea; the default word list is used unless another is given.

    similar_ideas are earlier ideas with their similarity to this one (``repository.similar_ideas``).
    """
    wordlist = WordList.load() if wordlist is None else wordlist
    text = combined_text(title, description)
    return _verdict(
        (
            _offensive_language(text, wordlist),
            _link_spam(title, description, len(title) + len(_SEPARATOR)),
            _shouting(title, description),
            _personal_data(text),
            _near_duplicate(similar_ideas),
        )
    )


def moderate_comment(body: str, wordlist: WordList | None = None) -> Verdict:
    """Apply an idea's rules to a comment, its body taking the place of a description without a title
    (spans point into the body). Near-duplicates are not looked for: short replies such as "Genau so!"
    repeat by nature."""
    wordlist = WordList.load() if wordlist is None else wordlist
    return _verdict(
        (_offensive_language(body, wordlist), _link_spam("", body, 0), _shouting("", body), _personal_data(body))
    )


def check_policy(policy: str) -> str:
    """The policy name if it is one of POLICIES, else ValueError (check MODERATION_POLICY at start-up)."""
    if policy not in POLICIES:
        raise ValueError(f"unknown moderation policy {policy!r}: expected one of {', '.join(POLICIES)}")
    return policy


def apply_policy(verdict: Verdict, policy: str) -> Verdict:
    """Under "post" the verdict stands; under "pre" an approval becomes a review (reason pre_moderation)."""
    if check_policy(policy) == PRE and verdict.outcome == APPROVE:
        policy_finding = Finding(PRE_MODERATION, REVIEW, "every idea is reviewed before publication")
        return _verdict((*verdict.findings, policy_finding))
    return verdict
