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
import shutil
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import load, pipeline
from benchmarks.isolated_platform import running_platform
from benchmarks.phases.cost import measure_cost
from benchmarks.phases.end_to_end import measure_end_to_end
from benchmarks.phases.floor import measure_floor
from benchmarks.phases.gateway import measure_gateway
from benchmarks.phases.idle import measure_idle
from benchmarks.phases.keep_up import measure_keep_up
from benchmarks.phases.memory import measure_memory
from benchmarks.phases.replicas import measure_replicas
from benchmarks.plan import FULL, QUICK, Plan
from benchmarks.profiler import make_profiler
from benchmarks.report import Report
from tests.support.infrastructure import SmtpSink, ensure_management_api
from tests.support.platform import Platform


def measure_platform(platform: Platform, plan: Plan, report: Report, profile: str, logs: Path) -> load.MaxLoad:
    """Phases 0 to 4 on one platform; returns the floor's figures."""
    profiler = make_profiler(platform, profile, logs)
    subscriber = pipeline.PublishedSubscriber(platform.vhost.amqp_uri).start()
    try:
        idle_per_second = measure_idle(platform, plan, report)
        measure_cost(platform, subscriber, plan, report, idle_per_second)
        floor_load = measure_floor(platform, plan, report)
        measure_end_to_end(platform, subscriber, plan, report)
        measure_keep_up(platform, subscriber, plan, report, profiler)
        report.line("\n[4] peak memory (VmHWM) of each service, over every phase above")
        measure_memory(platform, report)
        return floor_load
    finally:
        subscriber.stop()


def main(argv: list[str] | None = None) -> int:
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
