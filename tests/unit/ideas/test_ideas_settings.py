"""The ideas and reporting services' settings: read once, and a wrong value names its setting."""

from zoneinfo import ZoneInfo

import pytest

from aufbruch.config import load_config
from aufbruch.settings import SettingError
from services.ideas.settings import IdeasSettings
from services.reporting.settings import ReportingSettings

CONFIG = {
    "IDEA_CATEGORIES": " mobility, culture ,,other",
    "PSEUDONYM_SECRET": "s" * 32,
    "CITY_TIMEZONE": "Europe/Berlin",
}


def test_the_settings_are_read_from_the_configuration():
    settings = IdeasSettings.from_config(CONFIG)
    assert settings == IdeasSettings(("mobility", "culture", "other"), "s" * 32, ZoneInfo("Europe/Berlin"))
    assert ReportingSettings.from_config(CONFIG).city.key == "Europe/Berlin"


def test_the_deployed_configuration_is_valid():
    assert IdeasSettings.from_config(load_config()).categories[0] == "administration"


@pytest.mark.parametrize(
    "name, value",
    [
        ("IDEA_CATEGORIES", " , "),
        ("PSEUDONYM_SECRET", "short"),
        ("CITY_TIMEZONE", "Europe/Gütersloh"),
        ("CITY_TIMEZONE", ""),
        ("CITY_TIMEZONE", None),
    ],
)
def test_a_missing_or_wrong_setting_stops_the_service_naming_it(name, value):
    with pytest.raises(SettingError) as info:
        IdeasSettings.from_config(CONFIG | {name: value})
    assert info.value.name == name and name in str(info.value)


def test_reporting_names_a_wrong_timezone():
    with pytest.raises(SettingError, match="CITY_TIMEZONE"):
        ReportingSettings.from_config({"CITY_TIMEZONE": "Mars/Olympus"})
