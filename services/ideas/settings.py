"""The ideas service's settings, read once at start-up (aufbruch/settings.py)."""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from aufbruch.settings import SettingError, secret, timezone, words


@dataclass(frozen=True)
class IdeasSettings:
    categories: tuple[str, ...]  # IDEA_CATEGORIES: the category codes ideas may have, in order
    pseudonym_secret: str  # PSEUDONYM_SECRET: keys the submitter's `author_key` in idea.submitted
    city: ZoneInfo  # CITY_TIMEZONE: whose days a process opens and closes on

    @classmethod
    def from_config(cls, config: dict) -> "IdeasSettings":
        categories = words(config, "IDEA_CATEGORIES")
        if not categories:
            raise SettingError("IDEA_CATEGORIES", "a comma-separated list of category codes", categories)
        return cls(
            categories=categories,
            pseudonym_secret=secret(config, "PSEUDONYM_SECRET"),
            city=timezone(config, "CITY_TIMEZONE"),
        )
