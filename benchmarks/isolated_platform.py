"""The platform the benchmark measures: every service its own `nameko run` process, on a vhost and
database of its own, and a way to pause its consumers."""

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.infrastructure import SmtpSink, TestDatabase, Vhost, unique_name
from tests.support.platform import SERVICES, Platform

# The platform's settings for the benchmark, over the environment's: quieter logs. All the load comes
# from one address, so a per-client rate limit at the gateway has to be switched off here.
PLATFORM_ENV = {"LOG_LEVEL": "WARNING"}


@contextmanager
def running_platform(
    mail: SmtpSink, logs: Path, services: tuple[str, ...] = tuple(SERVICES), replicas: int = 1
) -> Iterator[Platform]:
    """A platform on a vhost and database of its own, removed again however the block ends."""
    vhost = Vhost(unique_name("aufbruch-bench")).create()
    try:
        database = TestDatabase(unique_name("aufbruch_bench")).create()
    except Exception:
        vhost.delete()
        raise
    platform = Platform(vhost, database, mail, logs, broker_proxy=False, env=PLATFORM_ENV)
    try:
        platform.start(services)
        for replica in range(2, replicas + 1):
            platform.start_service(services[0], replica)
        yield platform
    finally:
        platform.stop()
        database.drop()
        vhost.delete()


@contextmanager
def consumers_paused(platform: Platform) -> Iterator[None]:
    """Every service but gateway and ideas stopped (SIGSTOP): their queues keep what arrives."""
    paused = [process for name, process in platform.processes.items() if name not in ("gateway", "ideas")]
    for process in paused:
        process.send_signal(signal.SIGSTOP)
    try:
        yield
    finally:
        for process in paused:
            process.send_signal(signal.SIGCONT)
