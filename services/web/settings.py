"""The web service's settings, read once at start-up (aufbruch/settings.py)."""

from dataclasses import dataclass

from aufbruch.settings import SettingError, secret, web_address


def _address(config: dict, name: str) -> str:
    value = str(config.get(name) or "").strip()
    local, at, domain = value.partition("@")
    if not (local and at and domain) or any(char.isspace() for char in value):
        raise SettingError(name, "an e-mail address", config.get(name))
    return value


@dataclass(frozen=True)
class WebSettings:
    gateway_url: str  # where the web reaches the gateway's public API (it needs nothing else)
    public_base_url: str  # where citizens reach the gateway (the dashboard link)
    public_web_url: str  # where citizens reach these pages
    session_secret: str  # signs the staff pages' session cookie (services/web/session.py)
    accessibility_contact: str  # where people report barriers (the accessibility statement, BITV 2.0 § 7)

    @classmethod
    def from_config(cls, config: dict) -> "WebSettings":
        return cls(
            gateway_url=web_address(config, "GATEWAY_URL"),
            public_base_url=web_address(config, "PUBLIC_BASE_URL"),
            public_web_url=web_address(config, "PUBLIC_WEB_URL"),
            session_secret=secret(config, "WEB_SESSION_SECRET"),
            accessibility_contact=_address(config, "ACCESSIBILITY_CONTACT"),
        )
