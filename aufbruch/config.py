"""The one place configuration is read: deploy/config.yaml, with environment variables filled in.

Services get the same dictionary from `nameko run --config deploy/config.yaml`; command-line tools
load it here so that they never disagree with the services about a default.
"""

from pathlib import Path

import yaml
from nameko.cli.main import setup_yaml_parser

CONFIG_FILE = Path(__file__).resolve().parent.parent / "deploy" / "config.yaml"
# The development-only values (the secrets production must set itself) of `make run` and the tests.
DEVELOPMENT_ENV_FILE = CONFIG_FILE.parent / "development.env"


def load_config(path: Path = CONFIG_FILE) -> dict:
    setup_yaml_parser()
    with open(path) as config_file:
        return yaml.safe_load(config_file)


def categories(config: dict) -> list[str]:
    return [name.strip() for name in str(config["IDEA_CATEGORIES"]).split(",") if name.strip()]


def development_environment(path: Path = DEVELOPMENT_ENV_FILE) -> dict[str, str]:
    """deploy/development.env's KEY=value lines (the format honcho and compose read too)."""
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
