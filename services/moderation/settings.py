"""The moderation service's settings, read once at start-up (aufbruch/settings.py)."""

from dataclasses import dataclass

from aufbruch.settings import SettingError, integer, secret
from services.moderation import rules


@dataclass(frozen=True)
class ModerationSettings:
    policy: str  # MODERATION_POLICY: rules.POST or rules.PRE
    flag_hide_threshold: int  # FLAG_HIDE_THRESHOLD: distinct flags that hide an idea or comment
    pseudonym_secret: str  # PSEUDONYM_SECRET: keys the hashes that stand for flag reporters

    @classmethod
    def from_config(cls, config: dict) -> "ModerationSettings":
        policy = config.get("MODERATION_POLICY")
        try:
            rules.check_policy(str(policy))
        except ValueError:
            raise SettingError("MODERATION_POLICY", f"one of {', '.join(rules.POLICIES)}", policy) from None
        return cls(
            policy=str(policy),
            flag_hide_threshold=integer(config, "FLAG_HIDE_THRESHOLD", minimum=1),
            pseudonym_secret=secret(config, "PSEUDONYM_SECRET"),
        )
