"""The whole platform, every service in its own `nameko run` process, on a vhost and database of its
own, mailing to a given SMTP server: started by the end-to-end tests and by the benchmark. A test
may stop, kill and restart services (also with their database behind a proxy)."""

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import requests

from aufbruch.config import development_environment
from tests.support.infrastructure import REPO_ROOT, TestDatabase, Vhost, free_port, wait_until

SERVICES = {
    "ideas": "services.ideas.service:IdeasService",
    "moderation": "services.moderation.service:ModerationService",
    "notifications": "services.notifications.service:NotificationsService",
    "reporting": "services.reporting.service:ReportingService",
    "accounts": "services.accounts.service:AccountsService",
    "webhooks": "services.webhooks.service:WebhooksService",
    "participation": "services.participation.service:ParticipationService",
    "gateway": "services.gateway.service:GatewayService",
    "web": "services.web.service:WebService",
}
# The web calls the gateway on the citizens' behalf and names them in X-Forwarded-For: only this
# platform's gateway believes it (a test's own gateway, started with the platform's env, does not).
SERVICE_ENV = {"gateway": {"TRUSTED_PROXIES": "127.0.0.1"}}
FINAL_STATUSES = {"published", "rejected", "in_review"}


class Platform:
    """`broker_proxy`: every service reaches RabbitMQ through a CuttableProxy, so that a test can take
    the broker away (the benchmark goes without: the proxy would be what it measures)."""

    def __init__(
        self, vhost: Vhost, database: TestDatabase, mail, logs: Path, broker_proxy: bool = True, env: dict | None = None
    ):
        self.vhost = vhost
        self.database = database
        self.mail = mail
        self.logs = logs
        self.port = free_port()
        self.ideas_port = free_port()
        self.web_port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/api/v1"
        self.web_url = f"http://127.0.0.1:{self.web_port}"
        self.processes = {}
        self.accepted = set()
        amqp_uri = vhost.amqp_uri
        self.broker = None
        if broker_proxy:
            from tests.support.proxy import CuttableProxy  # eventlet: only where a test cuts the broker

            self.broker = CuttableProxy(5672).start()
            amqp_uri = amqp_uri.replace(":5672/", f":{self.broker.port}/")
        self.env = (
            development_environment()  # the benchmark starts the platform outside pytest's conftest
            | dict(os.environ)
            | {
                "AMQP_URI": amqp_uri,
                "DATABASE_URL": database.url,
                "IDEAS_URL": f"http://127.0.0.1:{self.ideas_port}",
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": str(mail.port),
                "PUBLIC_BASE_URL": "http://ideas.test",
                "PUBLIC_WEB_URL": self.web_url,
                "GATEWAY_URL": f"http://127.0.0.1:{self.port}",
                "WEBHOOKS_ALLOW_HTTP": "true",  # the tests' webhook receiver speaks plain http
                "PUBLIC_WRITE_RATE_LIMIT": "0",  # tests and benchmark submit thousands of ideas from one address
            }
            | (env or {})
        )

    def database_url_through(self, proxy) -> str:
        return self.database.url.replace(":5432/", f":{proxy.port}/")

    def start(self, services=tuple(SERVICES)) -> "Platform":
        subprocess.run(
            [sys.executable, "-m", "aufbruch.cli", "prepare"],
            env=self.env,
            cwd=REPO_ROOT,
            check=True,
            capture_output=True,
        )
        for name in services:
            self.start_service(name)
        if "gateway" in services:
            wait_until(self.healthy, timeout=60, interval=0.5, message="the platform to report healthy")
        if "web" in services:
            wait_until(self.web_serves, timeout=60, interval=0.5, message="the web pages to be served")
        return self

    def start_service(self, name: str, replica: int = 1, **env: str) -> subprocess.Popen:
        """Start `name` (again), with `env` over the platform's environment (replica 2, 3, ... run
        beside the first and share its queues and port)."""
        key = name if replica == 1 else f"{name}-{replica}"
        log = open(self.logs / f"{key}.log", "ab")
        nameko = Path(sys.executable).parent / "nameko"
        http_port = {"gateway": self.port, "ideas": self.ideas_port, "web": self.web_port}.get(name, free_port())
        self.processes[key] = subprocess.Popen(
            [str(nameko), "run", "--config", "deploy/config.yaml", SERVICES[name]],
            cwd=REPO_ROOT,
            env=self.env | {"HTTP_PORT": str(http_port)} | SERVICE_ENV.get(name, {}) | env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        return self.processes[key]

    def stop_services(self, *names: str, how: int = signal.SIGTERM, timeout: float = 60) -> list[int]:
        """Send `how` to the services' processes at once and wait for them to end; their exit codes."""
        for name in names:
            self.processes[name].send_signal(how)
        return [self.processes[name].wait(timeout) for name in names]

    def stop_service(self, name: str, how: int = signal.SIGTERM, timeout: float = 60) -> int:
        [exit_code] = self.stop_services(name, how=how, timeout=timeout)
        return exit_code

    def restart_services(self, *names: str, how: int = signal.SIGTERM, **env: str) -> None:
        self.stop_services(*names, how=how)
        for name in names:
            self.start_service(name, **env)
        for name in names:
            self.wait_until_consuming(name)

    def revive(self) -> None:
        """Start again every service whose process has ended."""
        ended = [name for name, process in self.processes.items() if process.poll() is not None]
        for name in ended:
            self.start_service(name)
        for name in ended:
            self.wait_until_consuming(name)

    def wait_until_consuming(self, name: str) -> None:
        """`name` (not the gateway) takes messages again: Nameko starts its RPC and event consumers
        together. (The gateway's health check would also wait for every other service, which may be
        too busy under load to answer its 2 s pings.)"""
        if name in ("gateway", "web"):
            answers = self.healthy if name == "gateway" else self.web_serves
            wait_until(answers, timeout=60, interval=0.5, message=f"{name} to answer again")
            return
        wait_until(
            lambda: self.vhost.consumers(f"rpc-{name}") > 0,
            timeout=60,
            interval=0.2,
            message=f"{name} to consume again",
        )

    def stop(self) -> None:
        for process in self.processes.values():
            process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.broker:
            self.broker.stop()

    def healthy(self) -> bool:
        try:
            return requests.get(f"{self.base_url}/health", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def web_serves(self) -> bool:
        try:
            return requests.get(f"{self.web_url}/static/site.css", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def submit(self, idea: dict, **headers) -> requests.Response:
        response = requests.post(f"{self.base_url}/ideas", json=idea, headers=headers, timeout=15)
        if response.status_code == 202:
            self.accepted.add(response.json()["id"])
        return response

    def idea(self, idea_id: str) -> dict:
        return requests.get(f"{self.base_url}/ideas/{idea_id}", timeout=10).json()

    def wait_for_status(self, idea_id: str, statuses=FINAL_STATUSES, timeout: float = 30) -> dict:
        return wait_until(
            lambda: (idea := self.idea(idea_id))["status"] in statuses and idea,
            timeout=timeout,
            message=f"idea {idea_id} to reach {statuses} (logs: {self.logs})",
        )

    def summary(self) -> dict:
        return requests.get(f"{self.base_url}/reports/summary", timeout=10).json()

    def wait_until_settled(self) -> dict:
        """Every accepted idea has a final status and reporting has counted every one of them."""

        def unsettled() -> list:
            return self.database.query(
                "select id from ideas.ideas where id = any(%s) and status = 'submitted'",
                ([uuid.UUID(idea_id) for idea_id in self.accepted],),
            )

        wait_until(
            lambda: not unsettled(),
            timeout=60,
            interval=0.5,
            message=f"every accepted idea to leave 'submitted' (logs: {self.logs})",
        )
        try:
            return wait_until(
                lambda: (summary := self.summary())["total"] == len(self.accepted) and summary,
                timeout=30,
                message="reporting to count every accepted idea",
            )
        except AssertionError:
            held = {str(idea_id) for (idea_id,) in self.database.query("select id from ideas.ideas")}
            raise AssertionError(
                f"reporting counts {self.summary()['total']}, the ideas service holds {len(held)}, the ledger "
                f"{len(self.accepted)}; held, not in the ledger: {sorted(held - self.accepted)[:5]}; in the "
                f"ledger, not held: {sorted(self.accepted - held)[:5]}"
            ) from None
