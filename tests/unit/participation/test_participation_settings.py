"""Participation's settings, read once at start-up: a wrong value stops the service, naming the setting."""

import pytest

from aufbruch.config import load_config
from aufbruch.settings import SettingError
from services.participation.settings import ParticipationSettings


def test_the_deployed_configuration_reads_and_the_web_url_loses_its_trailing_slash():
    settings = ParticipationSettings.from_config(load_config() | {"PUBLIC_WEB_URL": "https://beteiligung.example/"})
    assert settings.public_web_url == "https://beteiligung.example"
    assert settings.link_secret and settings.pseudonym_secret


@pytest.mark.parametrize(
    "name, value",
    [
        ("LINK_SECRET", ""),
        ("LINK_SECRET", "too-short-to-sign-with"),
        ("PSEUDONYM_SECRET", None),
        ("PUBLIC_WEB_URL", "beteiligung.example"),
        ("PUBLIC_WEB_URL", ""),
    ],
)
def test_a_wrong_setting_is_refused_naming_it(name, value):
    with pytest.raises(SettingError, match=name) as refused:
        ParticipationSettings.from_config(load_config() | {name: value})
    assert refused.value.name == name
