"""Ideas for tests that must not look alike: moderation sends near-duplicates (trigram similarity)
to review, so each text is made of made-up words that share almost no trigrams with another."""

import random

from services.moderation import rules

SYLLABLES = [consonant + vowel for consonant in "bdfgklmnprstvwz" for vowel in "aeiou"]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def distinct_text(words: int, rng: random.Random) -> str:
    """Made-up words that moderation's rules let through: about one text in 400 spells a word of the
    offensive word list ("paki", "kike") and is drawn again, or a test waiting for its idea to be
    published would wait in vain."""
    while True:
        text = " ".join(_word(rng) for _ in range(words)).capitalize() + "."
        if rules.moderate(text, "").outcome == "approve":
            return text


def distinct_idea(category: str = "other", **overrides) -> dict:
    rng = random.Random()
    return {"title": distinct_text(3, rng), "description": distinct_text(14, rng), "category": category} | overrides
