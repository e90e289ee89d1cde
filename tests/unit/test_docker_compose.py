"""Static checks of the container deployment (no Docker needed).

docker-compose.yml is parsed with YAML's safe loader (which resolves the YAML
anchors and merge keys the same way compose does) and deploy/Dockerfile is
read instruction by instruction.
"""

from __future__ import annotations

import importlib
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
DOCKERFILE = REPO_ROOT / "deploy" / "Dockerfile"
DOCKERIGNORE = REPO_ROOT / ".dockerignore"

INFRASTRUCTURE = ("rabbitmq", "postgres", "mailsink")
NAMEKO_SERVICES = (
    "gateway",
    "ideas",
    "moderation",
    "notifications",
    "reporting",
    "accounts",
    "webhooks",
    "participation",
    "web",
)
SCALABLE = ("ideas", "moderation", "notifications", "reporting", "accounts", "webhooks", "participation")
ALL_SERVICES = INFRASTRUCTURE + NAMEKO_SERVICES


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


class ComposeLoader(yaml.SafeLoader):
    """YAML as compose reads it. Nameko's config loader (aufbruch.config.load_config, which other tests
    call) teaches SafeLoader to fill in `${VAR}` from this process's environment; compose does that
    from the operator's, so the file is read here as written."""


@pytest.fixture(scope="module")
def compose() -> dict:
    assert COMPOSE_FILE.is_file(), f"{COMPOSE_FILE} is missing"
    ComposeLoader.yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != "!env_var"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    with COMPOSE_FILE.open(encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=ComposeLoader)
    assert isinstance(data, dict) and isinstance(data.get("services"), dict)
    return data


@pytest.fixture(scope="module")
def services(compose: dict) -> dict:
    return compose["services"]


def argv(command) -> list[str]:
    """A compose `command` (string or list) as an argument vector."""
    if isinstance(command, str):
        return shlex.split(command)
    assert isinstance(command, list), f"unexpected command: {command!r}"
    return [str(part) for part in command]


def environment(service: dict) -> dict:
    """A compose `environment` (mapping or KEY=VALUE list) as a dict."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return dict(env)


def interpolated(value: str, with_value: str = "set-by-the-operator") -> str:
    """`value` with compose's `${NAME...}` filled in as when NAME is set."""
    return re.sub(r"\$\{\w+[^}]*\}", with_value, value)


def depends_on(service: dict) -> dict:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):  # short form carries no condition
        return {name: {} for name in deps}
    return deps


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    assert DOCKERFILE.is_file(), f"{DOCKERFILE} is missing"
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = pending + line
        pending = ""
        keyword, _, args = full.partition(" ")
        instructions.append((keyword.upper(), args.strip()))
    assert not pending, "Dockerfile ends inside a line continuation"
    return instructions


def index_of(instructions, predicate, what: str) -> int:
    for i, (keyword, args) in enumerate(instructions):
        if predicate(keyword, args):
            return i
    pytest.fail(f"Dockerfile has no {what}")


# --------------------------------------------------------------------------
# docker-compose.yml
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_SERVICES)
def test_service_is_defined(services, name):
    assert name in services, f"docker-compose.yml lacks service {name!r}"


@pytest.mark.parametrize("name", ALL_SERVICES)
def test_every_service_has_a_healthcheck(services, name):
    healthcheck = services[name].get("healthcheck")
    assert healthcheck, f"{name} has no healthcheck"
    assert not healthcheck.get("disable", False), f"{name} disables its healthcheck"
    test = healthcheck.get("test")
    assert test, f"{name} healthcheck has no test"
    if isinstance(test, list):
        assert test[0] in ("CMD", "CMD-SHELL"), f"{name} healthcheck test {test!r}"
        assert len(test) > 1


@pytest.mark.parametrize("name", ALL_SERVICES)
def test_restart_policy(services, name):
    assert services[name].get("restart") == "unless-stopped"


def test_infrastructure_images_and_checks(services):
    rabbitmq, postgres = services["rabbitmq"], services["postgres"]
    assert rabbitmq["image"].startswith("rabbitmq:3.12") and "management" in rabbitmq["image"]
    assert "rabbitmq-diagnostics" in rabbitmq["healthcheck"]["test"]
    assert "ping" in rabbitmq["healthcheck"]["test"]
    assert postgres["image"] == "postgres:15"
    assert environment(postgres)["POSTGRES_DB"] == "aufbruch"
    assert "pg_isready" in postgres["healthcheck"]["test"]


def test_mailsink_runs_the_platforms_mail_sink_from_the_app_image(services):
    mailsink = services["mailsink"]
    assert mailsink.get("build", {}).get("dockerfile") == "deploy/Dockerfile"
    cmd = argv(mailsink["command"])
    assert cmd[:3] == ["python", "-m", "aufbruch.mailsink"], cmd
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0" and cmd[cmd.index("--port") + 1] == "1025"
    assert "ports" not in mailsink, "the mail sink must not be published on the host"
    assert "1025" in [str(port) for port in mailsink.get("expose", [])]
    assert "1025" in " ".join(argv(mailsink["healthcheck"]["test"]))


@pytest.mark.parametrize("name", NAMEKO_SERVICES)
def test_nameko_command(services, name):
    cmd = argv(services[name]["command"])
    assert cmd[:2] == ["nameko", "run"], cmd
    assert "--config" in cmd and cmd[cmd.index("--config") + 1] == "deploy/config.yaml"
    assert cmd[-1].startswith(f"services.{name}.service:"), cmd


@pytest.mark.parametrize("name", NAMEKO_SERVICES)
def test_nameko_command_names_the_service_class(services, name):
    module, class_name = argv(services[name]["command"])[-1].split(":")
    service_class = getattr(importlib.import_module(module), class_name)
    assert service_class.name == name


def test_nameko_config_exists(services):
    configs = {
        argv(services[n]["command"])[argv(services[n]["command"]).index("--config") + 1] for n in NAMEKO_SERVICES
    }
    for config in configs:
        assert (REPO_ROOT / config).is_file(), f"{config} does not exist"


@pytest.mark.parametrize("name", NAMEKO_SERVICES)
def test_built_from_the_project_dockerfile(services, name):
    build = services[name].get("build")
    assert isinstance(build, dict), f"{name} is not built from deploy/Dockerfile"
    assert build.get("dockerfile") == "deploy/Dockerfile"
    assert (REPO_ROOT / build.get("context", ".") / build["dockerfile"]).resolve() == DOCKERFILE


def test_all_app_containers_share_one_image(services):
    images = {services[n].get("image") for n in NAMEKO_SERVICES + ("mailsink",)}
    builds = {repr(services[n].get("build")) for n in NAMEKO_SERVICES + ("mailsink",)}
    assert len(images) == 1 and None not in images, images
    assert len(builds) == 1, builds


@pytest.mark.parametrize("name", NAMEKO_SERVICES)
def test_environment_points_at_compose_hosts(services, name):
    env = environment(services[name])
    amqp = urlsplit(env["AMQP_URI"])
    assert amqp.scheme == "pyamqp" and amqp.hostname == "rabbitmq" and amqp.port == 5672
    database = urlsplit(interpolated(env["DATABASE_URL"]))
    assert database.scheme == "postgresql"
    assert database.hostname == "postgres" and database.port == 5432
    assert database.path == "/aufbruch"
    assert env["SMTP_HOST"] == "mailsink"
    assert str(env["SMTP_PORT"]) == "1025"


SECRETS = ("POSTGRES_PASSWORD", "PSEUDONYM_SECRET", "LINK_SECRET", "WEB_SESSION_SECRET")


def test_no_secret_has_a_default():
    """Each use of a secret is compose's `${NAME:?message}`: unset, compose refuses to start and says
    how to make one (the development values are in deploy/development.env, taken only on request)."""
    uses = re.findall(r"\$\{(\w+)([^}]*)\}", COMPOSE_FILE.read_text(encoding="utf-8"))
    secret_uses = [(name, rest) for name, rest in uses if name in SECRETS]
    assert {name for name, _ in secret_uses} == set(SECRETS)
    for name, rest in secret_uses:
        assert rest.startswith(":?") and "openssl rand" in rest, f"${{{name}{rest}}} has a default or no advice"


@pytest.mark.parametrize("name", NAMEKO_SERVICES)
def test_every_service_gets_the_signing_secrets(services, name):
    env = environment(services[name])
    for secret in ("PSEUDONYM_SECRET", "LINK_SECRET"):
        assert str(env[secret]).startswith(f"${{{secret}:?"), f"{name}: {secret}={env[secret]!r}"
    assert "${POSTGRES_PASSWORD:?" in env["DATABASE_URL"]


def test_the_web_gets_its_session_secret(services):
    assert environment(services["web"])["WEB_SESSION_SECRET"].startswith("${WEB_SESSION_SECRET:?")


def test_the_service_configuration_gives_no_secret_a_default():
    config = (REPO_ROOT / "deploy" / "config.yaml").read_text(encoding="utf-8")
    for name in SECRETS[1:]:
        assert f'{name}: !raw_env_var "${{{name}:}}"' in config, f"deploy/config.yaml gives {name} a default"


@pytest.mark.parametrize("name", SCALABLE)
def test_scalable_services_have_no_fixed_name_or_host_port(services, name):
    service = services[name]
    assert "container_name" not in service, f"{name} cannot be scaled with container_name"
    assert "ports" not in service, f"{name} cannot be scaled with a host port"
    assert "hostname" not in service


def test_only_the_gateway_and_the_web_publish_a_host_port(services):
    published = {name for name, svc in services.items() if svc.get("ports")}
    assert published == {"gateway", "web"}, published
    assert [str(p) for p in services["gateway"]["ports"]] == ["8000:8000"]
    assert [str(p) for p in services["web"]["ports"]] == ["8080:8080"]


def test_gateway_healthcheck_calls_the_health_endpoint(services):
    test = " ".join(argv(services["gateway"]["healthcheck"]["test"]))
    assert "http://127.0.0.1:8000/api/v1/health" in test


@pytest.mark.parametrize("name", [name for name in SCALABLE if name != "ideas"])
def test_worker_healthcheck_probes_the_broker(services, name):
    test = " ".join(argv(services[name]["healthcheck"]["test"]))
    assert "AMQP_URI" in test or "rabbitmq" in test, test


def test_ideas_serves_http_inside_the_network_and_the_gateway_waits_for_it(services):
    ideas, gateway = services["ideas"], services["gateway"]
    assert ideas["environment"]["HTTP_PORT"] == "8001"
    assert "http://127.0.0.1:8001/health" in " ".join(argv(ideas["healthcheck"]["test"]))
    assert "ports" not in ideas
    assert gateway["environment"]["IDEAS_URL"] == "http://ideas:8001"
    assert gateway["environment"]["HTTP_PORT"] == "8000"
    assert depends_on(gateway)["ideas"]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", NAMEKO_SERVICES)
def test_app_services_wait_for_healthy_infrastructure(services, name):
    deps = depends_on(services[name])
    for infra in ("rabbitmq", "postgres"):
        assert infra in deps, f"{name} does not depend on {infra}"
        assert deps[infra].get("condition") == "service_healthy", f"{name} -> {infra}"


def test_notifications_waits_for_the_mail_sink(services):
    assert depends_on(services["notifications"])["mailsink"].get("condition") == "service_healthy"


def test_dependencies_exist_and_can_become_healthy(services):
    for name, service in services.items():
        for dep, spec in depends_on(service).items():
            assert dep in services, f"{name} depends on undefined {dep}"
            if spec.get("condition") == "service_healthy":
                assert services[dep].get("healthcheck"), f"{dep} has no healthcheck"


def test_named_volumes_for_broker_and_database(compose, services):
    volumes = compose.get("volumes") or {}

    def named_volume_at(service: str, target: str) -> str:
        for mount in services[service].get("volumes", []):
            source, _, rest = str(mount).partition(":")
            if rest.split(":")[0] == target:
                return source
        pytest.fail(f"{service} has no volume at {target}")

    assert named_volume_at("postgres", "/var/lib/postgresql/data") in volumes
    assert named_volume_at("rabbitmq", "/var/lib/rabbitmq") in volumes


def test_shared_definition_uses_an_extension_field(compose):
    assert any(key.startswith("x-") for key in compose), "no x- extension field"
    lines = COMPOSE_FILE.read_text(encoding="utf-8").splitlines()
    code = [line.split("#", 1)[0] for line in lines]
    builds = [line for line in code if "dockerfile:" in line]
    assert len(builds) == 1, f"build definition is repeated: {builds}"


# --------------------------------------------------------------------------
# deploy/Dockerfile and .dockerignore
# --------------------------------------------------------------------------


def test_dockerfile_exists():
    assert DOCKERFILE.is_file()


def test_dockerfile_base_image():
    instructions = dockerfile_instructions()
    assert instructions[0][0] in ("FROM", "ARG")
    froms = [args for keyword, args in instructions if keyword == "FROM"]
    assert froms and froms[-1].split()[0] == "python:3.11-slim", froms


def test_dockerfile_installs_libpq5():
    runs = [args for keyword, args in dockerfile_instructions() if keyword == "RUN"]
    assert any(re.search(r"apt-get install\b.*\blibpq5\b", run) for run in runs), runs


def test_dockerfile_installs_pinned_requirements():
    runs = [args for keyword, args in dockerfile_instructions() if keyword == "RUN"]
    assert any(re.search(r"pip install\b.*-r\s+\S*requirements\.txt", run) for run in runs), runs


def test_requirements_layer_precedes_project_copy():
    instructions = dockerfile_instructions()

    def copies(keyword, args, what):
        return keyword in ("COPY", "ADD") and what(args.split())

    copy_requirements = index_of(
        instructions,
        lambda k, a: copies(k, a, lambda parts: any(p.endswith("requirements.txt") for p in parts[:-1])),
        "COPY of requirements.txt",
    )
    copy_project = index_of(
        instructions,
        lambda k, a: copies(k, a, lambda parts: "." in [p for p in parts[:-1] if not p.startswith("--")]),
        "COPY of the project (COPY . ...)",
    )
    install_requirements = index_of(
        instructions,
        lambda k, a: k == "RUN" and "requirements.txt" in a and "pip install" in a,
        "pip install -r requirements.txt",
    )
    assert copy_requirements < install_requirements < copy_project


def test_dockerfile_runs_unprivileged_and_unbuffered():
    instructions = dockerfile_instructions()
    users = [args for keyword, args in instructions if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), users
    envs = " ".join(args for keyword, args in instructions if keyword == "ENV")
    assert re.search(r"\bPYTHONUNBUFFERED=1\b", envs), envs


def test_dockerignore_keeps_local_state_out_of_the_context():
    assert DOCKERIGNORE.is_file()
    entries = {line.strip().rstrip("/") for line in DOCKERIGNORE.read_text().splitlines()}
    for required in (".venv", ".git", ".pytest_cache", "var"):
        assert required in entries, f".dockerignore lacks {required}"
    assert entries & {"__pycache__", "**/__pycache__"}, ".dockerignore lacks __pycache__"
