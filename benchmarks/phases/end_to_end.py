"""Phase 2: ideas at the end-to-end target's rate, and per idea the time from its POST to its
`idea.published` at a subscriber, to reporting counting it, to both its mails being sent."""

from benchmarks import load, pipeline
from benchmarks.phases.open_loop import drive, keeps_up, stage_latencies
from benchmarks.plan import Plan
from benchmarks.report import Report, ms
from benchmarks.targets import END_TO_END_P99_MS, END_TO_END_RATE
from tests.support.platform import Platform


def measure_end_to_end(
    platform: Platform, subscriber: pipeline.PublishedSubscriber, plan: Plan, report: Report
) -> None:
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
