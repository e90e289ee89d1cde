"""Moderation's settings, read once at start-up: a wrong value stops the service, naming the setting."""

import pytest

from aufbruch.config import load_config
from aufbruch.settings import SettingError
from services.moderation.settings import ModerationSettings


def test_the_deployed_configuration_reads():
    settings = ModerationSettings.from_config(load_config())
    assert (settings.policy, settings.flag_hide_threshold) == ("post", 3)
    assert settings.pseudonym_secret


@pytest.mark.parametrize(
    "name, value",
    [
        ("MODERATION_POLICY", "later"),
        ("FLAG_HIDE_THRESHOLD", "0"),
        ("FLAG_HIDE_THRESHOLD", "drei"),
        ("PSEUDONYM_SECRET", ""),
        ("PSEUDONYM_SECRET", "short"),
    ],
)
def test_a_wrong_setting_is_refused_naming_it(name, value):
    with pytest.raises(SettingError, match=name) as refused:
        ModerationSettings.from_config(load_config() | {name: value})
    assert refused.value.name == name
