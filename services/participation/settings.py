"""The participation service's settings, read once at start-up (aufbruch/settings.py)."""

from dataclasses import dataclass

from aufbruch.settings import secret, web_address


@dataclass(frozen=True)
class ParticipationSettings:
    pseudonym_secret: str  # PSEUDONYM_SECRET: keys the pseudonym that stands for a supporter
    link_secret: str  # LINK_SECRET: signs the confirmation and withdrawal links
    public_web_url: str  # PUBLIC_WEB_URL: where the web pages are that the mailed links open

    @classmethod
    def from_config(cls, config: dict) -> "ParticipationSettings":
        return cls(
            pseudonym_secret=secret(config, "PSEUDONYM_SECRET"),
            link_secret=secret(config, "LINK_SECRET"),
            public_web_url=web_address(config, "PUBLIC_WEB_URL"),
        )
