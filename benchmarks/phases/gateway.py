"""Phase 5: the most the gateway accepts (wrk), with the pipeline running behind it and with every
consumer paused, as a ratio of the floor's figures."""

from benchmarks import load
from benchmarks.isolated_platform import consumers_paused
from benchmarks.plan import Plan
from benchmarks.process_usage import cpu_snapshot, report_cpu
from benchmarks.profiler import Profiler
from benchmarks.report import Report
from benchmarks.targets import GATEWAY_ACCEPTS_PER_SECOND, GATEWAY_P99_MS
from tests.support.platform import Platform


def wrk_against_gateway(
    platform: Platform, plan: Plan, report: Report, profiler: Profiler | None, phase: str
) -> tuple[load.MaxLoad, dict[str, float], dict[str, float]]:
    """wrk's figures, and each service's CPU seconds before and after."""
    recordings = profiler.record(phase, plan.wrk_seconds) if profiler else []
    cpu_before = cpu_snapshot(platform)
    gateway = load.wrk(f"{platform.base_url}/ideas", plan.wrk_seconds, plan.connections)
    cpu_after = cpu_snapshot(platform)
    if profiler:
        profiler.summarise(report, recordings)
    return gateway, cpu_before, cpu_after


def measure_gateway(
    platform: Platform, floor_load: load.MaxLoad, plan: Plan, report: Report, profiler: Profiler | None
) -> None:
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
