"""The webhooks service's settings, read once at start-up (aufbruch/settings.py)."""

from dataclasses import dataclass

from aufbruch.settings import flag, integer


@dataclass(frozen=True)
class WebhookSettings:
    allow_http: bool  # plain http:// endpoints (only for tests and local development)
    disable_after_failures: int  # failed attempts in a row after which a webhook gets nothing more

    @classmethod
    def from_config(cls, config: dict) -> "WebhookSettings":
        return cls(
            allow_http=flag(config, "WEBHOOKS_ALLOW_HTTP"),
            disable_after_failures=integer(config, "WEBHOOK_DISABLE_AFTER_FAILURES", minimum=1),
        )
