"""The reporting service's settings, read once at start-up (aufbruch/settings.py)."""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from aufbruch.settings import timezone


@dataclass(frozen=True)
class ReportingSettings:
    city: ZoneInfo  # CITY_TIMEZONE: the days that figures are counted by

    @classmethod
    def from_config(cls, config: dict) -> "ReportingSettings":
        return cls(city=timezone(config, "CITY_TIMEZONE"))
