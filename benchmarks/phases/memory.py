"""Phase 4 (and the end of phase 5): the peak memory (VmHWM) of services against the RSS target."""

from benchmarks.process_usage import rss_mb
from benchmarks.report import Report
from benchmarks.targets import SERVICE_RSS_MB
from tests.support.platform import SERVICES, Platform


def measure_memory(
    platform: Platform, report: Report, services: tuple[str, ...] = tuple(SERVICES), during: str = ""
) -> None:
    for name in services:
        peak = rss_mb(platform.processes[name].pid)
        report.figure(f"{name}: peak RSS{during}", f"{peak:.0f} MB", f"< {SERVICE_RSS_MB} MB", peak < SERVICE_RSS_MB)
