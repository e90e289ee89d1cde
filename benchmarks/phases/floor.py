"""Phase 1: the framework's floor, a bare Nameko service (benchmarks/floor_service.py) under wrk,
against which the gateway's figures are read."""

import subprocess
import sys
from pathlib import Path

import requests
from kombu import Connection

from benchmarks import load
from benchmarks.floor_service import floor_queue
from benchmarks.plan import Plan
from benchmarks.process_usage import rss_mb
from benchmarks.report import Report
from tests.support.infrastructure import REPO_ROOT, free_port, wait_until
from tests.support.platform import Platform


def measure_floor(platform: Platform, plan: Plan, report: Report) -> load.MaxLoad:
    """The floor service on the platform's vhost, its figures printed and returned."""
    report.line(
        f"\n[1] the framework's floor: bare Nameko @http + EventDispatcher, wrk, {plan.connections}"
        f" connections, {plan.wrk_seconds:g} s"
    )
    with Connection(platform.vhost.amqp_uri) as connection:
        floor_queue().bind(connection.default_channel).declare()
    port = free_port()
    log = open(platform.logs / "floor.log", "ab")
    floor = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "nameko"),
            "run",
            "--config",
            "deploy/config.yaml",
            "benchmarks.floor_service:FloorService",
        ],
        cwd=REPO_ROOT,
        env=platform.env | {"HTTP_PORT": str(port)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/api/v1/ideas"
    try:
        wait_until(lambda: _answers(url), timeout=60, interval=0.2, message="the floor service")
        floor_load = load.wrk(url, plan.wrk_seconds, plan.connections)
        report.figure("floor service: accepted per second", f"{floor_load.accepted_per_second:,.0f}/s")
        report.figure("floor service: latency p50 / p99", f"{floor_load.p50_ms:.1f} / {floor_load.p99_ms:.1f} ms")
        report.figure("floor service: peak RSS", f"{rss_mb(floor.pid):.0f} MB")
        return floor_load
    finally:
        floor.terminate()
        try:
            floor.wait(20)
        except subprocess.TimeoutExpired:  # still waiting for its last workers: no figure depends on them
            floor.kill()


def _answers(url: str) -> bool:
    try:
        return requests.post(url, json={}, timeout=2).status_code == 202
    except requests.RequestException:
        return False
