"""Phase 0: the idle platform's CPU (timers polling outboxes and mail), which phase 0b takes off."""

import time

from benchmarks.plan import Plan
from benchmarks.process_usage import cpu_snapshot, report_cpu
from benchmarks.report import Report
from tests.support.platform import Platform


def measure_idle(platform: Platform, plan: Plan, report: Report) -> dict[str, float]:
    """Each service's CPU seconds per second while nothing arrives."""
    idle_before = cpu_snapshot(platform)
    time.sleep(plan.idle_seconds)
    report.line(f"\n[0] the idle platform for {plan.idle_seconds:g} s (timers polling outboxes and mail)")
    idle_ms = report_cpu(report, idle_before, cpu_snapshot(platform), round(plan.idle_seconds), "second idle")
    return {name: ms / 1000 for name, ms in idle_ms.items()}
