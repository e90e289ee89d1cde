"""A service's settings, read once: when the service starts, not in every worker.

Each service describes its settings as a frozen dataclass with a pure `from_config(config)` that
raises `SettingError` naming the setting and what it must be; `Settings(ThatClass.from_config)` is
the dependency provider that reads them at start-up, so a wrong value stops the service there instead
of failing requests or sending events to the dead-letter queue later. Command-line tools call
`ThatClass.from_config(load_config())` and so never disagree with the services.
"""

from collections.abc import Callable
from functools import cached_property
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nameko.extensions import DependencyProvider, SharedExtension


class SettingError(ValueError):
    """A setting is missing or has a value the service cannot work with."""

    def __init__(self, name: str, expected: str, value: Any = None):
        super().__init__(f"setting {name}={value!r} is not valid: it must be {expected} (deploy/config.yaml)")
        self.name = name


T = TypeVar("T")


class SharedSettings(SharedExtension, Generic[T]):
    """One reading of a settings class per service process, for every extension that needs it: the
    service's `Settings` and dependency providers that set themselves up from the same settings
    declare `settings = SharedSettings(ThatClass.from_config)` and use `self.settings.value`."""

    def __init__(self, read: Callable[[dict], T]):
        self.read = read

    @property
    def sharing_key(self):
        return (type(self), self.read)

    @cached_property
    def value(self) -> T:
        # Read on first use: Nameko sets extensions up concurrently, in no order, and a provider's
        # setup may need the settings before this extension's own setup has run.
        return self.read(self.container.config)

    def setup(self) -> None:
        _ = self.value  # read now: a wrong setting stops the start even if nothing has asked yet


class Settings(DependencyProvider, Generic[T]):
    def __init__(self, read: Callable[[dict], T]):
        self.shared = SharedSettings(read)

    def setup(self) -> None:
        self.shared.setup()

    def get_dependency(self, worker_ctx) -> T:
        return self.shared.value


def integer(config: dict, name: str, minimum: int = 0) -> int:
    """The setting `name` as a whole number of at least `minimum`."""
    try:
        value = int(config[name])
    except (KeyError, TypeError, ValueError):
        raise SettingError(name, f"a whole number of at least {minimum}", config.get(name)) from None
    if value < minimum:
        raise SettingError(name, f"a whole number of at least {minimum}", value)
    return value


def timezone(config: dict, name: str, default: str | None = None) -> ZoneInfo:
    """The setting `name` as an IANA timezone (Europe/Berlin); `default` where it is unset or empty,
    if the service has one."""
    value = config.get(name) or default
    try:
        return ZoneInfo(str(value))
    except (ValueError, ZoneInfoNotFoundError):
        raise SettingError(name, "an IANA timezone such as Europe/Berlin", config.get(name)) from None


def flag(config: dict, name: str) -> bool:
    value = config.get(name, False)
    if isinstance(value, bool):
        return value
    if str(value).strip().lower() in ("true", "1", "yes", "on"):
        return True
    if str(value).strip().lower() in ("false", "0", "no", "off", ""):
        return False
    raise SettingError(name, "true or false", value)


def words(config: dict, name: str) -> tuple[str, ...]:
    """A comma-separated setting as its items, blanks dropped."""
    return tuple(item.strip() for item in str(config.get(name) or "").split(",") if item.strip())


def web_address(config: dict, name: str) -> str:
    """The setting `name` as an http:// or https:// address, without a trailing slash (so that paths
    are appended to it as `f"{address}/ideen"`)."""
    value = str(config.get(name) or "").strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingError(name, "an http:// or https:// address", config.get(name))
    return value


MINIMUM_SECRET_LENGTH = 32


def secret(config: dict, name: str) -> str:
    """A key the platform signs or hashes with. It has no default in production: a missing or short
    one stops the service instead of signing links anyone could forge with a published default."""
    value = str(config.get(name) or "")
    if len(value) < MINIMUM_SECRET_LENGTH:
        raise SettingError(
            name,
            f"a random value of at least {MINIMUM_SECRET_LENGTH} characters "
            '(e.g. python -c "import secrets; print(secrets.token_urlsafe(32))")',
            "<missing>" if not value else "<too short>",
        )
    return value
