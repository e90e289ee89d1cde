"""CPU time and peak memory of the platform's processes, read from /proc."""

import os
from pathlib import Path

from benchmarks.report import Report
from tests.support.platform import Platform


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
