"""`--profile`: py-spy records the named services while a phase runs; the busiest functions are printed."""

import subprocess
from collections import Counter
from pathlib import Path

from benchmarks.report import Report
from tests.support.platform import Platform

# A service's name, its py-spy process, and the file it records to.
Recording = tuple[str, subprocess.Popen, Path]


class Profiler:
    def __init__(self, platform: Platform, services: list[str], logs: Path):
        self.platform, self.services, self.logs = platform, services, logs

    def record(self, phase: str, seconds: float) -> list[Recording]:
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
    def summarise(report: Report, recordings: list[Recording]) -> None:
        for name, process, output in recordings:
            process.wait(60)
            if not output.exists():
                report.line(f"  profile of {name}: py-spy recorded nothing")
                continue
            own: Counter[str] = Counter()
            total = 0
            for line in output.read_text().splitlines():
                stack, _, count = line.rpartition(" ")
                total += int(count)
                own[stack.split(";")[-1]] += int(count)
            report.line(f"  profile of {name} ({output}): busiest functions, share of samples")
            for frame, samples in own.most_common(8):
                report.line(f"    {samples / total:6.1%}  {frame}")


def make_profiler(platform: Platform, profile: str, logs: Path) -> Profiler | None:
    """A profiler of the services named in `profile` (comma-separated), or none for an empty one."""
    return Profiler(platform, [name for name in profile.split(",") if name], logs) if profile else None
