"""`make bench`: the platform's figures against its targets, in one run on one machine.

Starts the platform (every service its own `nameko run` process, on a vhost and database of its own),
then measures:
  0. the idle platform's CPU, and the pipeline's own cost: CPU per idea of each service at a rate it
     sustains, the idle CPU taken off (what bounds every throughput figure on two cores);
  1. the framework's floor: a bare Nameko service that parses JSON and dispatches an event (wrk);
  2. 200 ideas/s for a while (open loop): POST latency, and per idea the time from its POST to its
     `idea.published` event at a subscriber, to reporting counting it, to both its mails being sent;
  3. 500 ideas/s: does the whole pipeline keep up;
  4. peak memory (RSS) of every service;
  5. on a new platform, so that nothing left in the pipeline competes: the most the gateway accepts
     (wrk), and that as a ratio of the floor;
  6. a CPU-bound consumer (moderation) with one and with two replicas.
Prints target, measured figure and PASS/MISS for each target. `--quick` runs every phase briefly (the
smoke test); `--profile gateway,ideas` records py-spy profiles during phases 3 and 5.
"""

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import requests
from kombu import Connection, Producer

from aufbruch.contracts.events import CATALOG, new_event
from aufbruch.contracts.topology import event_exchange, subscription
from benchmarks import load, pipeline
from benchmarks.floor_service import floor_queue
from tests.support.ideas import distinct_text
from tests.support.infrastructure import (
    REPO_ROOT,
    SmtpSink,
    TestDatabase,
    Vhost,
    ensure_management_api,
    free_port,
    unique_name,
    wait_until,
)
from tests.support.platform import SERVICES, Platform

# What the platform must reach on this 2-core machine, load generator included (issue 8).
GATEWAY_ACCEPTS_PER_SECOND = 1000
GATEWAY_P99_MS = 50
PIPELINE_KEEPS_UP_PER_SECOND = 500
END_TO_END_RATE = 200
END_TO_END_P99_MS = 500
SERVICE_RSS_MB = 100
# A pipeline keeps up when it completes ideas at no less than this share of the rate they arrive.
KEEPS_UP_SHARE = 0.95
# The platform's settings for the benchmark, over the environment's: quieter logs. All the load comes
# from one address, so a per-client rate limit at the gateway has to be switched off here.
PLATFORM_ENV = {"LOG_LEVEL": "WARNING"}


@dataclass(frozen=True)
class Plan:
    wrk_seconds: float
    connections: int
    end_to_end_seconds: float
    keep_up_seconds: float
    settle_cap_seconds: float  # how long after its last POST a phase waits for the pipeline
    replica_events: int
    replica_wait_seconds: float  # at most, then the rate comes from what was decided
    idle_seconds: float
    cost_seconds: float  # of the sustainable rate that measures the CPU per idea


FULL = Plan(
    wrk_seconds=10,
    connections=16,
    end_to_end_seconds=6,
    keep_up_seconds=4,
    settle_cap_seconds=20,
    replica_events=800,
    replica_wait_seconds=20,
    idle_seconds=3,
    cost_seconds=10,
)
QUICK = Plan(
    wrk_seconds=1,
    connections=4,
    end_to_end_seconds=0.1,
    keep_up_seconds=0.04,
    settle_cap_seconds=60,
    replica_events=40,
    replica_wait_seconds=90,
    idle_seconds=1,
    cost_seconds=1,
)
# Far below what the pipeline completes, so that each idea's CPU is measured, not a queue's growth.
SUSTAINABLE_RATE = 5


class Report:
    def __init__(self):
        self.verdicts = []

    @staticmethod
    def line(text: str = "") -> None:
        print(text, flush=True)

    def figure(
        self, name: str, value: str, target: str | None = None, met: bool | None = None, verdict_name: str | None = None
    ) -> None:
        verdict = "" if met is None else ("PASS" if met else "MISS")
        if met is not None:
            self.verdicts.append((verdict_name or name.strip(), verdict))
        self.line(f"  {name:<52} {value:<24} {target or '':<16} {verdict}")


def ms(value: float | None) -> str:
    if value == float("inf"):
        return "not done"
    return "n/a" if value is None else f"{value * 1000:.0f} ms" if value >= 0.01 else f"{value * 1000:.1f} ms"


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_snapshot(platform: Platform) -> dict[str, float]:
    return {name: cpu_seconds(process.pid) for name, process in platform.processes.items()}


def report_cpu(
    report: Report,
    before: dict[str, float],
    after: dict[str, float],
    per: int,
    unit: str,
    idle: dict[str, float] | None = None,
) -> dict[str, float]:
    """CPU time (ms) each service spent per `unit`, less `idle` (CPU seconds each would have spent
    idle meanwhile): what bounds throughput on a machine of two cores, and a figure that other load
    on the machine hardly changes."""
    if not per:
        report.figure(f"  CPU per {unit}", "n/a (none)")
        return {}
    spent = {name: (after[name] - before[name] - (idle or {}).get(name, 0)) * 1000 / per for name in before}
    report.figure(f"  CPU per {unit}, all services", f"{sum(spent.values()):.1f} ms")
    report.line("    " + ", ".join(f"{name} {value:.1f}" for name, value in spent.items()))
    return spent


def rss_mb(pid: int) -> float:
    """Peak resident memory of a process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise LookupError(f"no VmHWM for {pid}")


class Profiler:
    """py-spy records the named services while a phase runs; the busiest functions are printed."""

    def __init__(self, platform: Platform, services: list[str], logs: Path):
        self.platform, self.services, self.logs = platform, services, logs

    def record(self, phase: str, seconds: float) -> list[tuple[str, subprocess.Popen, Path]]:
        recordings = []
        for name in self.services:
            output = self.logs / f"profile-{phase}-{name}.txt"
            recordings.append(
                (
                    name,
                    subprocess.Popen(
                        [
                            "py-spy",
                            "record",
                            "--pid",
                            str(self.platform.processes[name].pid),
                            "--duration",
                            str(int(seconds)),
                            "--format",
                            "raw",
                            "--output",
                            str(output),
                            "--nonblocking",
                        ],
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    ),
                    output,
                )
            )
        return recordings

    @staticmethod
    def summarise(report: Report, recordings) -> None:
        for name, process, output in recordings:
            process.wait(60)
            if not output.exists():
                report.line(f"  profile of {name}: py-spy recorded nothing")
                continue
            own, total = Counter(), 0
            for line in output.read_text().splitlines():
                stack, _, count = line.rpartition(" ")
                total += int(count)
                own[stack.split(";")[-1]] += int(count)
            report.line(f"  profile of {name} ({output}): busiest functions, share of samples")
            for frame, count in own.most_common(8):
                report.line(f"    {count / total:6.1%}  {frame}")


@contextmanager
def running_platform(mail: SmtpSink, logs: Path, services=tuple(SERVICES), replicas: int = 1):
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


def measure_floor(platform: Platform, plan: Plan, report: Report) -> load.MaxLoad:
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


def drive(
    platform: Platform,
    subscriber: pipeline.PublishedSubscriber,
    rate: float,
    seconds: float,
    settle_cap_seconds: float,
    report: Report,
    profiler: Profiler | None = None,
    phase: str = "",
    idle_per_second: dict[str, float] | None = None,
):
    """POST `rate` ideas a second for `seconds`, then wait (at most `settle_cap_seconds`) until every
    accepted idea is published, counted and mailed. Returns the accepted submissions by idea id, per
    stage when each idea reached it, and each service's CPU (ms) per accepted idea. With
    `idle_per_second` (CPU seconds per second of each service when idle), the CPU per idea leaves out
    what the services would have spent idle."""
    recordings = profiler.record(phase, seconds) if profiler else []
    started = time.monotonic()
    cpu_before = cpu_snapshot(platform)
    submissions = load.fixed_rate(f"{platform.base_url}/ideas", rate, seconds)
    accepted = {s.idea_id: s for s in submissions if s.idea_id}
    deadline = time.monotonic() + settle_cap_seconds
    while True:
        stages = {
            "published": dict(subscriber.seen),
            "counted": pipeline.counted_by_reporting(platform.database.url),
            "notified": pipeline.notified(platform.database.url),
        }
        if len(completion_times(accepted, stages)) == len(accepted) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    cpu_after = cpu_snapshot(platform)
    elapsed = time.monotonic() - started
    if profiler:
        profiler.summarise(report, recordings)
    statuses = Counter(s.status for s in submissions)
    report.figure("  POSTs answered 202 / sent", f"{len(accepted)} / {len(submissions)}")
    if len(accepted) < len(submissions):
        report.line(
            "    other answers: "
            + ", ".join(
                f"{v} {'without an answer in 30 s' if k is None else k}" for k, v in statuses.items() if k != 202
            )
        )
    latencies = [s.latency for s in submissions if s.idea_id]
    report.figure(
        "  POST latency p50 / p99", f"{ms(load.percentile(latencies, 0.5))} / {ms(load.percentile(latencies, 0.99))}"
    )
    idle = {name: per_second * elapsed for name, per_second in (idle_per_second or {}).items()}
    spent = report_cpu(
        report,
        cpu_before,
        cpu_after,
        len(accepted),
        "accepted idea (ms, whole pipeline" + (", idle CPU taken off)" if idle else ")"),
        idle,
    )
    return accepted, stages, spent


def stage_latencies(accepted: dict, stage: dict[str, float]) -> list[float]:
    """From each POST to its idea reaching `stage`; infinite for an idea that has not."""
    return [stage.get(idea_id, float("inf")) - submission.scheduled_at for idea_id, submission in accepted.items()]


def completion_times(accepted: dict, stages: dict) -> list[float]:
    return [
        max(stage[idea_id] for stage in stages.values())
        for idea_id in accepted
        if all(idea_id in stage for stage in stages.values())
    ]


def measure_cost(platform, subscriber, plan: Plan, report: Report, idle_per_second: dict[str, float]) -> None:
    report.line(
        f"\n[0b] the pipeline's cost: {SUSTAINABLE_RATE} ideas/s for {plan.cost_seconds:g} s, each one all the"
        " way through; CPU per idea of each service, the idle CPU taken off"
    )
    accepted, stages, spent = drive(
        platform,
        subscriber,
        SUSTAINABLE_RATE,
        plan.cost_seconds,
        plan.settle_cap_seconds,
        report,
        idle_per_second=idle_per_second,
    )
    report.figure("  ideas all the way through", f"{len(completion_times(accepted, stages))} of {len(accepted)}")
    if spent:
        ceiling = os.cpu_count() * 1000 / sum(spent.values())  # before PostgreSQL, RabbitMQ and the load take theirs
        report.figure(f"  so {os.cpu_count()} cores complete at most", f"{ceiling:,.0f} ideas/s")


def measure_end_to_end(platform, subscriber, plan: Plan, report: Report) -> None:
    report.line(
        f"\n[2] {END_TO_END_RATE} ideas/s for {plan.end_to_end_seconds:g} s (open loop, aiohttp):"
        " POST to idea.published at a subscriber, to counted by reporting, to both mails sent"
    )
    accepted, stages, _ = drive(
        platform, subscriber, END_TO_END_RATE, plan.end_to_end_seconds, plan.settle_cap_seconds, report
    )
    for stage, label in (
        ("published", "idea.published seen"),
        ("counted", "counted by reporting"),
        ("notified", "both mails sent"),
    ):
        latencies = stage_latencies(accepted, stages[stage])
        p99 = load.percentile(latencies, 0.99)
        met = None
        if stage in ("published", "counted"):
            met = p99 is not None and p99 * 1000 < END_TO_END_P99_MS
        report.figure(
            f"  POST to {label}: p50 / p99",
            f"{ms(load.percentile(latencies, 0.5))} / {ms(p99)}",
            f"p99 < {END_TO_END_P99_MS} ms" if met is not None else None,
            met,
            f"POST to {label} p99 at {END_TO_END_RATE}/s",
        )
    keeps_up(accepted, stages, END_TO_END_RATE, report)


def keeps_up(accepted: dict, stages: dict, rate: float, report: Report) -> bool:
    completed = completion_times(accepted, stages)
    first_sent = min((s.scheduled_at for s in accepted.values()), default=0)
    window = (max(completed) - first_sent) if completed else 0
    throughput = len(completed) / window if window > 0 else 0
    met = len(completed) == len(accepted) and throughput >= KEEPS_UP_SHARE * rate
    report.figure(
        "  ideas completed (published, counted, mailed) per s",
        f"{throughput:,.0f}/s ({len(completed)} of {len(accepted)})",
        f">= {KEEPS_UP_SHARE * rate:g}/s",
        met,
        f"pipeline keeps up with {rate:g}/s",
    )
    return met


def measure_keep_up(platform, subscriber, plan: Plan, report: Report, profiler: Profiler | None) -> None:
    report.line(
        f"\n[3] {PIPELINE_KEEPS_UP_PER_SECOND} ideas/s for {plan.keep_up_seconds:g} s: does the whole"
        " pipeline (moderated, published, notified, counted) keep up?"
    )
    accepted, stages, _ = drive(
        platform,
        subscriber,
        PIPELINE_KEEPS_UP_PER_SECOND,
        plan.keep_up_seconds,
        plan.settle_cap_seconds,
        report,
        profiler,
        "keep-up",
    )
    published = stage_latencies(accepted, stages["published"])
    report.figure(
        "  POST to idea.published: p50 / p99",
        f"{ms(load.percentile(published, 0.5))} / {ms(load.percentile(published, 0.99))}",
    )
    keeps_up(accepted, stages, PIPELINE_KEEPS_UP_PER_SECOND, report)


def wrk_against_gateway(platform, plan: Plan, report: Report, profiler: Profiler | None, phase: str):
    recordings = profiler.record(phase, plan.wrk_seconds) if profiler else []
    cpu_before = cpu_snapshot(platform)
    gateway = load.wrk(f"{platform.base_url}/ideas", plan.wrk_seconds, plan.connections)
    cpu_after = cpu_snapshot(platform)
    if profiler:
        profiler.summarise(report, recordings)
    return gateway, cpu_before, cpu_after


@contextmanager
def consumers_paused(platform: Platform):
    """Every service but gateway and ideas stopped (SIGSTOP): their queues keep what arrives."""
    paused = [process for name, process in platform.processes.items() if name not in ("gateway", "ideas")]
    for process in paused:
        process.send_signal(signal.SIGSTOP)
    try:
        yield
    finally:
        for process in paused:
            process.send_signal(signal.SIGCONT)


def measure_gateway(platform, floor_load: load.MaxLoad, plan: Plan, report: Report, profiler: Profiler | None) -> None:
    report.line(
        f"\n[5] the most the gateway accepts: wrk, {plan.connections} connections, "
        f"{plan.wrk_seconds:g} s, a new idea per request, on a new platform (the pipeline behind"
        " it runs too, but starts empty)"
    )
    gateway, cpu_before, cpu_after = wrk_against_gateway(platform, plan, report, profiler, "gateway-max")
    report.figure(
        "gateway: accepted ideas per second",
        f"{gateway.accepted_per_second:,.0f}/s",
        f">= {GATEWAY_ACCEPTS_PER_SECOND:,}/s",
        gateway.accepted_per_second >= GATEWAY_ACCEPTS_PER_SECOND,
    )
    report.figure(
        "gateway: latency p50 / p99",
        f"{gateway.p50_ms:.1f} / {gateway.p99_ms:.1f} ms",
        f"p99 < {GATEWAY_P99_MS} ms",
        gateway.accepted > 0 and gateway.p99_ms < GATEWAY_P99_MS,
        "gateway p99",
    )
    report_cpu(report, cpu_before, cpu_after, gateway.accepted, "accepted idea (ms, while wrk ran)")
    if gateway.requests != gateway.accepted:
        report.line(f"    {gateway.requests - gateway.accepted} requests not accepted: {gateway.errors}")
    if floor_load.accepted_per_second and gateway.accepted:
        report.figure(
            "gateway as a share of the floor: throughput",
            f"{gateway.accepted_per_second / floor_load.accepted_per_second:.0%}",
        )
        report.figure("gateway p99 as a multiple of the floor's", f"{gateway.p99_ms / floor_load.p99_ms:.1f}x")
    with consumers_paused(platform):
        intake, cpu_before, cpu_after = wrk_against_gateway(platform, plan, report, profiler, "intake-alone")
    report.figure("the same with every consumer paused (SIGSTOP):", "")
    report.figure("  gateway alone: accepted ideas per second", f"{intake.accepted_per_second:,.0f}/s")
    report.figure("  gateway alone: latency p50 / p99", f"{intake.p50_ms:.1f} / {intake.p99_ms:.1f} ms")
    report_cpu(
        report,
        {name: cpu_before[name] for name in ("gateway", "ideas")},
        cpu_after,
        intake.accepted,
        "accepted idea (ms, gateway and ideas)",
    )


def measure_memory(platform: Platform, report: Report, services=tuple(SERVICES), during: str = "") -> None:
    for name in services:
        peak = rss_mb(platform.processes[name].pid)
        report.figure(f"{name}: peak RSS{during}", f"{peak:.0f} MB", f"< {SERVICE_RSS_MB} MB", peak < SERVICE_RSS_MB)


def submitted_events(count: int) -> list[dict]:
    rng = random.Random()
    now = datetime.now(UTC)
    return [
        new_event(
            "idea.submitted",
            {
                "idea_id": uuid.uuid4(),
                "title": distinct_text(3, rng),
                "description": distinct_text(14, rng),
                "category": "other",
                "district": None,
                "submitted_at": now,
                "author_key": None,
            },
        )
        for _ in range(count)
    ]


def decision_rate(database_url: str) -> tuple[int, float]:
    """How many decisions moderation has taken, and how many a second from its first to its last."""
    with psycopg.connect(database_url) as conn:
        count, span = conn.execute(
            "select count(*), extract(epoch from max(decided_at) - min(decided_at))::float from moderation.decisions"
        ).fetchone()
    return count, (count - 1) / span if span else 0.0


def moderation_throughput(replicas: int, plan: Plan, logs: Path, mail: SmtpSink) -> tuple[float, float]:
    """Decisions per second of `replicas` moderation processes draining a backlog of submissions that
    arrives once all of them consume (from what was decided within the plan's wait), and
    the CPU time they spent per decision."""
    with running_platform(mail, logs, ("moderation",), replicas) as platform:
        queue = subscription("moderation", "idea.submitted").queue_name
        events = submitted_events(plan.replica_events)
        with Connection(platform.vhost.amqp_uri) as connection:
            channel = connection.default_channel
            wait_until(
                lambda: channel.queue_declare(queue, passive=True).consumer_count == replicas,
                timeout=60,
                interval=0.2,
                message=f"{replicas} moderation replicas to consume",
            )
            producer = Producer(channel, exchange=event_exchange(CATALOG["idea.submitted"].producer))
            cpu_before = sum(cpu_snapshot(platform).values())
            for event in events:
                producer.publish(event, routing_key="idea.submitted", delivery_mode=2, serializer="json")
        deadline = time.monotonic() + plan.replica_wait_seconds
        while decision_rate(platform.database.url)[0] < len(events) and time.monotonic() < deadline:
            time.sleep(0.5)
        cpu_spent = sum(cpu_snapshot(platform).values()) - cpu_before
        decided, rate = decision_rate(platform.database.url)
        return rate, cpu_spent * 1000 / max(decided, 1)


def measure_replicas(plan: Plan, logs: Path, mail: SmtpSink, report: Report) -> None:
    report.line(
        "\n[6] a CPU-bound consumer (moderation: rules and trigram similarity) draining a backlog,"
        f" of {plan.replica_events} submissions"
    )
    one, one_cpu = moderation_throughput(1, plan, logs, mail)
    report.figure("moderation, 1 replica: decisions per second", f"{one:,.0f}/s ({one_cpu:.1f} ms CPU each)")
    two, two_cpu = moderation_throughput(2, plan, logs, mail)
    report.figure("moderation, 2 replicas: decisions per second", f"{two:,.0f}/s ({two_cpu:.1f} ms CPU each)")
    report.figure("  two replicas as a multiple of one", f"{two / one:.2f}x" if one else "n/a")


def make_profiler(platform: Platform, profile: str, logs: Path) -> Profiler | None:
    return Profiler(platform, [name for name in profile.split(",") if name], logs) if profile else None


def measure_platform(platform: Platform, plan: Plan, report: Report, profile: str, logs: Path) -> load.MaxLoad:
    """Phases 0 to 4 on one platform; returns the floor's figures."""
    profiler = make_profiler(platform, profile, logs)
    subscriber = pipeline.PublishedSubscriber(platform.vhost.amqp_uri).start()
    try:
        idle_before = cpu_snapshot(platform)
        time.sleep(plan.idle_seconds)
        report.line(f"\n[0] the idle platform for {plan.idle_seconds:g} s (timers polling outboxes and mail)")
        idle_ms = report_cpu(report, idle_before, cpu_snapshot(platform), round(plan.idle_seconds), "second idle")
        measure_cost(platform, subscriber, plan, report, {name: ms / 1000 for name, ms in idle_ms.items()})
        report.line(
            f"\n[1] the framework's floor: bare Nameko @http + EventDispatcher, wrk, {plan.connections}"
            f" connections, {plan.wrk_seconds:g} s"
        )
        floor_load = measure_floor(platform, plan, report)
        measure_end_to_end(platform, subscriber, plan, report)
        measure_keep_up(platform, subscriber, plan, report, profiler)
        report.line("\n[4] peak memory (VmHWM) of each service, over every phase above")
        measure_memory(platform, report)
        return floor_load
    finally:
        subscriber.stop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="every phase briefly: checks the harness runs")
    parser.add_argument("--profile", default="", help="services to profile with py-spy, e.g. gateway,ideas")
    parser.add_argument("--skip-replicas", action="store_true", help="leave out phase 6")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the platform on the way out
    plan = QUICK if args.quick else FULL
    for tool in ("wrk",) + (("py-spy",) if args.profile else ()):
        if not shutil.which(tool):
            print(f"{tool} is not installed (make bench installs it)", file=sys.stderr)
            return 2
    logs = Path(tempfile.mkdtemp(prefix="aufbruch-bench-"))
    report = Report()
    report.line(
        f"Aufbruch benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; logs in {logs}"
    )
    report.line(f"  {'figure':<52} {'measured':<24} {'target':<16} verdict")
    started = time.monotonic()
    ensure_management_api()
    mail = SmtpSink(logs / "mail").start()
    try:
        with running_platform(mail, logs) as platform:
            floor_load = measure_platform(platform, plan, report, args.profile, logs)
        # A platform of its own: what the phases before left in the pipeline would take the CPU.
        with running_platform(mail, logs) as platform:
            measure_gateway(platform, floor_load, plan, report, make_profiler(platform, args.profile, logs))
            measure_memory(platform, report, ("gateway", "ideas"), " during the burst")
        if not args.skip_replicas:
            measure_replicas(plan, logs, mail, report)
    finally:
        mail.stop()
    missed = [name for name, verdict in report.verdicts if verdict == "MISS"]
    report.line(
        f"\n{len(report.verdicts) - len(missed)} of {len(report.verdicts)} targets met"
        f"{'; missed: ' + ', '.join(missed) if missed else ''}."
    )
    report.line(f"Whole run {time.monotonic() - started:.0f} s. BENCHMARKS.md says what bounds each figure.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
