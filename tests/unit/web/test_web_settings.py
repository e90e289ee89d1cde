import pytest

from aufbruch.settings import SettingError
from services.web.settings import WebSettings

CONFIG = {
    "GATEWAY_URL": "http://127.0.0.1:8000/",
    "PUBLIC_BASE_URL": "https://api.guetersloh.de",
    "PUBLIC_WEB_URL": "https://ideen.guetersloh.de",
    "WEB_SESSION_SECRET": "s" * 40,
    "ACCESSIBILITY_CONTACT": "barrierefreiheit@guetersloh.de",
}


def test_the_settings_are_read_once_with_addresses_without_a_trailing_slash():
    settings = WebSettings.from_config(CONFIG)

    assert settings.gateway_url == "http://127.0.0.1:8000"
    assert settings.accessibility_contact == "barrierefreiheit@guetersloh.de"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("GATEWAY_URL", "127.0.0.1:8000"),
        ("PUBLIC_BASE_URL", ""),
        ("ACCESSIBILITY_CONTACT", "nobody"),
        ("WEB_SESSION_SECRET", "short"),
        ("WEB_SESSION_SECRET", ""),  # no default: a guessable key would let anyone forge a session
    ],
)
def test_a_wrong_setting_stops_the_service_naming_it(name, value):
    with pytest.raises(SettingError) as refused:
        WebSettings.from_config(CONFIG | {name: value})

    assert refused.value.name == name
