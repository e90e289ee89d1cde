"""The gateway's settings, read once at start-up (aufbruch/settings.py). The ideas client and the
public write limit read theirs when they are set up (ideas_client.py, aufbruch/rate_limit.py)."""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from aufbruch.settings import SettingError, timezone, words

DEFAULT_TIMEZONE = "Europe/Berlin"


@dataclass(frozen=True)
class GatewaySettings:
    amqp_uri: str  # AMQP_URI: the broker the health check connects to
    categories: tuple[str, ...]  # IDEA_CATEGORIES: what /categories and the OpenAPI document list, in order
    city: ZoneInfo  # CITY_TIMEZONE: the dashboard's clock (Europe/Berlin if unset)

    @classmethod
    def from_config(cls, config: dict) -> "GatewaySettings":
        amqp_uri = config.get("AMQP_URI")
        if not isinstance(amqp_uri, str) or not amqp_uri:
            raise SettingError("AMQP_URI", "the broker's URI, amqp://…", amqp_uri)
        return cls(
            amqp_uri=amqp_uri,
            categories=words(config, "IDEA_CATEGORIES"),
            city=timezone(config, "CITY_TIMEZONE", default=DEFAULT_TIMEZONE),
        )
