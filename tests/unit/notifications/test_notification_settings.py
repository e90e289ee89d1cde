"""The notifications service's settings: read from deploy/config.yaml, and a wrong one named."""

from datetime import timedelta

import pytest

from aufbruch.config import load_config
from aufbruch.settings import SettingError
from services.notifications.settings import NotificationSettings, SmtpSettings

CONFIG = load_config()


def test_the_shipped_configuration_reads():
    settings = NotificationSettings.from_config(CONFIG | {"PUBLIC_WEB_URL": "https://ideen.example/"})
    assert settings.links.web_url == "https://ideen.example"
    assert settings.moderator_alert_interval == timedelta(seconds=float(CONFIG["MODERATOR_ALERT_INTERVAL_SECONDS"]))
    assert "environment" in settings.categories
    assert SmtpSettings.from_config(CONFIG | {"SMTP_STARTTLS": "false"}).starttls is False


@pytest.mark.parametrize(
    "name, value",
    [
        ("PUBLIC_WEB_URL", "ideen.example"),
        ("PUBLIC_BASE_URL", ""),
        ("LINK_SECRET", "short"),
        ("MAILS_PER_RECIPIENT_PER_HOUR", "0"),
        ("DIGEST_INTERVAL_SECONDS", "daily"),
        ("CITY_TIMEZONE", "Mars/Olympus"),
    ],
)
def test_a_wrong_setting_stops_the_service_naming_it(name, value):
    with pytest.raises(SettingError) as refused:
        NotificationSettings.from_config(CONFIG | {name: value})
    assert refused.value.name == name


@pytest.mark.parametrize("name, value", [("SMTP_PORT", "smtp"), ("SMTP_STARTTLS", "maybe"), ("SMTP_HOST", "")])
def test_a_wrong_mail_server_setting_is_named(name, value):
    with pytest.raises(SettingError) as refused:
        SmtpSettings.from_config(CONFIG | {name: value})
    assert refused.value.name == name
