"""The notifications service's settings, read once at start-up (aufbruch/settings.py)."""

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from aufbruch.config import categories
from aufbruch.settings import SettingError, flag, integer, secret, timezone, web_address, words
from services.notifications.links import Links


def _text(config: dict, name: str) -> str:
    value = str(config.get(name) or "")
    if not value:
        raise SettingError(name, "set", config.get(name))
    return value


def _seconds(config: dict, name: str) -> timedelta:
    try:
        seconds = float(config[name])
    except (KeyError, TypeError, ValueError):
        raise SettingError(name, "a number of seconds above 0", config.get(name)) from None
    if seconds <= 0:
        raise SettingError(name, "a number of seconds above 0", seconds)
    return timedelta(seconds=seconds)


@dataclass(frozen=True)
class NotificationSettings:
    links: Links
    pseudonym_secret: str
    categories: tuple[str, ...]
    moderator_addresses: tuple[str, ...]
    moderator_alert_interval: timedelta
    digest_interval: timedelta
    mails_per_recipient_per_hour: int
    city: ZoneInfo

    @classmethod
    def from_config(cls, config: dict) -> "NotificationSettings":
        return cls(
            links=Links(
                api_url=web_address(config, "PUBLIC_BASE_URL"),
                web_url=web_address(config, "PUBLIC_WEB_URL"),
                secret=secret(config, "LINK_SECRET"),
            ),
            pseudonym_secret=secret(config, "PSEUDONYM_SECRET"),
            categories=tuple(categories(config)),
            moderator_addresses=words(config, "MODERATOR_ALERT_ADDRESSES"),
            moderator_alert_interval=_seconds(config, "MODERATOR_ALERT_INTERVAL_SECONDS"),
            digest_interval=_seconds(config, "DIGEST_INTERVAL_SECONDS"),
            mails_per_recipient_per_hour=integer(config, "MAILS_PER_RECIPIENT_PER_HOUR", minimum=1),
            city=timezone(config, "CITY_TIMEZONE", default="Europe/Berlin"),
        )


@dataclass(frozen=True)
class SmtpSettings:
    """The mail server that mailer.Mailer hands mails to."""

    host: str
    port: int
    sender: str
    starttls: bool
    user: str | None
    password: str | None

    @classmethod
    def from_config(cls, config: dict) -> "SmtpSettings":
        return cls(
            host=_text(config, "SMTP_HOST"),
            port=integer(config, "SMTP_PORT", minimum=1),
            sender=_text(config, "SMTP_FROM"),
            starttls=flag(config, "SMTP_STARTTLS"),
            user=str(config.get("SMTP_USER") or "") or None,
            password=str(config.get("SMTP_PASSWORD") or "") or None,
        )
