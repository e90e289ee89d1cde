"""The gateway's settings (services/gateway/settings.py): read once, and a wrong one named."""

from zoneinfo import ZoneInfo

import pytest

from aufbruch.settings import SettingError
from services.gateway.settings import GatewaySettings

CONFIG = {"AMQP_URI": "pyamqp://guest:guest@127.0.0.1:5672/", "IDEA_CATEGORIES": "mobility, culture,,other"}


def test_the_settings_as_configured():
    settings = GatewaySettings.from_config(CONFIG | {"CITY_TIMEZONE": "Europe/Vienna"})
    assert settings.amqp_uri == CONFIG["AMQP_URI"]
    assert settings.categories == ("mobility", "culture", "other")
    assert settings.city == ZoneInfo("Europe/Vienna")


@pytest.mark.parametrize("unset", [{}, {"CITY_TIMEZONE": ""}, {"CITY_TIMEZONE": None}])
def test_the_dashboard_keeps_berlin_time_when_no_time_zone_is_set(unset):
    assert GatewaySettings.from_config(CONFIG | unset).city == ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    "config, name",
    [
        (CONFIG | {"CITY_TIMEZONE": "Mars/Olympus"}, "CITY_TIMEZONE"),
        (CONFIG | {"CITY_TIMEZONE": "../etc/passwd"}, "CITY_TIMEZONE"),
        ({"IDEA_CATEGORIES": "other"}, "AMQP_URI"),
    ],
)
def test_a_wrong_setting_stops_the_start_naming_it(config, name):
    with pytest.raises(SettingError) as refused:
        GatewaySettings.from_config(config)
    assert refused.value.name == name and name in str(refused.value)
