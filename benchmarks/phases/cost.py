"""Phase 0b: the pipeline's own cost, CPU per idea of each service at a rate it sustains with the
idle CPU taken off, and the most the machine's cores could complete at that cost."""

import os

from benchmarks import pipeline
from benchmarks.phases.open_loop import completion_times, drive
from benchmarks.plan import Plan
from benchmarks.report import Report
from tests.support.platform import Platform

# Far below what the pipeline completes, so that each idea's CPU is measured, not a queue's growth.
SUSTAINABLE_RATE = 5


def measure_cost(
    platform: Platform,
    subscriber: pipeline.PublishedSubscriber,
    plan: Plan,
    report: Report,
    idle_per_second: dict[str, float],
) -> None:
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
        cores = os.cpu_count() or 1
        ceiling = cores * 1000 / sum(spent.values())  # before PostgreSQL, RabbitMQ and the load take theirs
        report.figure(f"  so {cores} cores complete at most", f"{ceiling:,.0f} ideas/s")
