from dataclasses import dataclass

import pytest
from nameko.extensions import DependencyProvider

from aufbruch.settings import (
    SettingError,
    Settings,
    SharedSettings,
    flag,
    integer,
    secret,
    timezone,
    web_address,
    words,
)


def test_a_whole_number_is_read_and_a_wrong_one_is_named():
    assert integer({"LIMIT": "7"}, "LIMIT") == 7
    with pytest.raises(SettingError, match="LIMIT='seven'.*a whole number of at least 1"):
        integer({"LIMIT": "seven"}, "LIMIT", minimum=1)
    with pytest.raises(SettingError, match="LIMIT=0"):
        integer({"LIMIT": 0}, "LIMIT", minimum=1)
    with pytest.raises(SettingError, match="MISSING=None"):
        integer({}, "MISSING")


@pytest.mark.parametrize(("raw", "expected"), [(True, True), ("true", True), ("Yes", True), ("0", False), ("", False)])
def test_a_flag_is_read_from_the_words_yaml_and_environments_use(raw, expected):
    assert flag({"ALLOW": raw}, "ALLOW") is expected


def test_a_flag_that_is_neither_is_refused():
    with pytest.raises(SettingError, match="ALLOW='maybe'.*true or false"):
        flag({"ALLOW": "maybe"}, "ALLOW")


def test_words_drop_blanks():
    assert words({"ADDRESSES": " a@example.org, ,b@example.org "}, "ADDRESSES") == ("a@example.org", "b@example.org")
    assert words({"ADDRESSES": None}, "ADDRESSES") == ()


def test_a_missing_or_short_secret_stops_the_service_without_showing_it():
    assert secret({"LINK_SECRET": "x" * 32}, "LINK_SECRET") == "x" * 32
    with pytest.raises(SettingError, match="LINK_SECRET='<missing>'"):
        secret({"LINK_SECRET": ""}, "LINK_SECRET")
    with pytest.raises(SettingError, match="LINK_SECRET='<too short>'") as refused:
        secret({"LINK_SECRET": "hunter2"}, "LINK_SECRET")
    assert "hunter2" not in str(refused.value)


@dataclass(frozen=True)
class ExampleSettings:
    limit: int

    @classmethod
    def from_config(cls, config: dict) -> "ExampleSettings":
        return cls(limit=integer(config, "LIMIT", minimum=1))


class FakeContainer:
    def __init__(self, config):
        self.config = config
        self.shared_extensions: dict = {}


def test_the_provider_reads_once_at_setup_and_hands_every_worker_the_same_settings():
    container = FakeContainer({"LIMIT": "3"})  # held: an extension keeps only a weak reference to it
    provider = Settings(ExampleSettings.from_config).bind(container, "settings")
    provider.setup()
    assert provider.get_dependency(worker_ctx=None) is provider.get_dependency(worker_ctx=None)
    assert provider.get_dependency(worker_ctx=None) == ExampleSettings(limit=3)


def test_a_wrong_setting_fails_the_start_not_a_worker():
    container = FakeContainer({"LIMIT": "none"})
    provider = Settings(ExampleSettings.from_config).bind(container, "settings")
    with pytest.raises(SettingError, match="LIMIT"):
        provider.setup()


def test_a_web_address_loses_its_trailing_slash_and_surrounding_blanks():
    assert web_address({"PUBLIC_WEB_URL": " https://ideen.guetersloh.de/ "}, "PUBLIC_WEB_URL") == (
        "https://ideen.guetersloh.de"
    )
    assert web_address({"GATEWAY_URL": "http://127.0.0.1:8000"}, "GATEWAY_URL") == "http://127.0.0.1:8000"


@pytest.mark.parametrize("value", ["ideen.guetersloh.de", "ftp://ideen.guetersloh.de", "https://", "", None])
def test_anything_but_an_http_or_https_address_is_refused_naming_the_setting(value):
    with pytest.raises(SettingError, match="an http:// or https:// address") as refused:
        web_address({"PUBLIC_WEB_URL": value}, "PUBLIC_WEB_URL")
    assert refused.value.name == "PUBLIC_WEB_URL"


def test_a_timezone_is_read_and_an_unknown_one_is_named():
    assert timezone({"CITY_TIMEZONE": "Europe/Berlin"}, "CITY_TIMEZONE").key == "Europe/Berlin"
    with pytest.raises(SettingError, match="CITY_TIMEZONE='Mars/Olympus'"):
        timezone({"CITY_TIMEZONE": "Mars/Olympus"}, "CITY_TIMEZONE", default="Europe/Berlin")


@pytest.mark.parametrize("unset", [{}, {"CITY_TIMEZONE": ""}, {"CITY_TIMEZONE": None}])
def test_an_unset_timezone_takes_the_default_where_there_is_one_and_is_refused_where_there_is_none(unset):
    assert timezone(unset, "CITY_TIMEZONE", default="Europe/Vienna").key == "Europe/Vienna"
    with pytest.raises(SettingError, match="CITY_TIMEZONE"):
        timezone(unset, "CITY_TIMEZONE")


def test_the_service_and_its_providers_share_one_reading_of_the_settings():
    readings = []

    def read(config):
        readings.append(config)
        return ExampleSettings.from_config(config)

    class ProviderThatNeedsTheSettings(DependencyProvider):
        settings = SharedSettings(read)

    container = FakeContainer({"LIMIT": "3"})
    service_settings = Settings(read).bind(container, "settings")
    provider = ProviderThatNeedsTheSettings().bind(container, "provider")
    provider.settings.setup()
    service_settings.setup()
    assert provider.settings.value is service_settings.get_dependency(worker_ctx=None)
    assert len(readings) == 1
