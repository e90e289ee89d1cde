"""What phases 0b, 2 and 3 share: ideas POSTed at a fixed rate (open loop) and followed through the
pipeline, until each is published, counted by reporting and mailed."""

import time
from collections import Counter

from benchmarks import load, pipeline
from benchmarks.process_usage import cpu_snapshot, report_cpu
from benchmarks.profiler import Profiler
from benchmarks.report import Report, ms
from benchmarks.targets import KEEPS_UP_SHARE
from tests.support.platform import Platform

# The accepted submissions by idea id.
Accepted = dict[str, load.Submission]
# Per stage ("published", "counted", "notified"), when each idea reached it (wall clock) by idea id.
Stages = dict[str, dict[str, float]]


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
) -> tuple[Accepted, Stages, dict[str, float]]:
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


def stage_latencies(accepted: Accepted, stage: dict[str, float]) -> list[float]:
    """From each POST to its idea reaching `stage`; infinite for an idea that has not."""
    return [stage.get(idea_id, float("inf")) - submission.scheduled_at for idea_id, submission in accepted.items()]


def completion_times(accepted: Accepted, stages: Stages) -> list[float]:
    return [
        max(stage[idea_id] for stage in stages.values())
        for idea_id in accepted
        if all(idea_id in stage for stage in stages.values())
    ]


def keeps_up(accepted: Accepted, stages: Stages, rate: float, report: Report) -> bool:
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
