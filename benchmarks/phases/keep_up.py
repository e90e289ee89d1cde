"""Phase 3: ideas at the keep-up target's rate; does the whole pipeline complete them as fast as
they arrive."""

from benchmarks import load, pipeline
from benchmarks.phases.open_loop import drive, keeps_up, stage_latencies
from benchmarks.plan import Plan
from benchmarks.profiler import Profiler
from benchmarks.report import Report, ms
from benchmarks.targets import PIPELINE_KEEPS_UP_PER_SECOND
from tests.support.platform import Platform


def measure_keep_up(
    platform: Platform,
    subscriber: pipeline.PublishedSubscriber,
    plan: Plan,
    report: Report,
    profiler: Profiler | None,
) -> None:
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
