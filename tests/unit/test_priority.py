"""A background service lowers its process's CPU priority, and never raises it again."""

import os
import subprocess
import sys

SETUP_TWICE = """
import os, types
from aufbruch.priority import BackgroundWork
for niceness in ({first}, {second}):
    work = BackgroundWork()
    work.container = types.SimpleNamespace(config={{"BACKGROUND_NICENESS": niceness}}, service_name="reporting")
    work.setup()
print(os.getpriority(os.PRIO_PROCESS, 0))
"""


def niceness_after(first: int, second: int) -> int:
    """In a process of its own: the test's own priority stays as it is."""
    finished = subprocess.run(
        [sys.executable, "-c", SETUP_TWICE.format(first=first, second=second)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(finished.stdout)


def test_background_work_runs_at_the_configured_niceness():
    assert niceness_after(10, 10) == 10


def test_a_second_service_in_the_process_never_raises_the_priority_again():
    assert niceness_after(10, 5) == 10


def test_niceness_zero_leaves_the_priority_as_it_is():
    assert niceness_after(0, 0) == os.getpriority(os.PRIO_PROCESS, 0)
