"""`make bench` itself works: every phase of the benchmark runs briefly against a platform of its own
and prints its figures (the figures are not judged here; BENCHMARKS.md has them). It runs before the
end-to-end tests start their platform (pyproject.toml's `testpaths`), on a machine that is otherwise
idle: beside that platform it took more than twice as long."""

import os
import subprocess
import sys

import pytest

from tests.support.infrastructure import REPO_ROOT

pytestmark = pytest.mark.e2e


def test_the_benchmark_runs_every_phase_and_prints_a_verdict_for_every_target():
    # Small pools: the test needs no throughput, and the tests' PostgreSQL is shared by other platforms.
    finished = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick"],
        cwd=REPO_ROOT,
        env=os.environ | {"DB_POOL_SIZE": "2"},
        capture_output=True,
        text=True,
        timeout=280,
    )

    assert finished.returncode == 0, finished.stderr[-3000:]
    output = finished.stdout
    for phase in (
        "[0] the idle platform",
        "[0b] the pipeline's cost",
        "[1] the framework's floor",
        "[2] 200 ideas/s",
        "[3] 500 ideas/s",
        "[4] peak memory",
        "[5] the most the gateway accepts",
        "[6] a CPU-bound consumer",
    ):
        assert phase in output, output
    for figure in (
        "cores complete at most",
        "floor service: accepted per second",
        "POST to idea.published seen",
        "counted by reporting",
        "gateway: accepted ideas per second",
        "gateway: peak RSS",
        "gateway: peak RSS during the burst",
        "moderation, 1 replica",
        "moderation, 2 replicas",
    ):
        assert figure in output, output
    assert "targets met" in output
    assert "n/a" not in output.split("[6]")[1], output  # both replica runs measured a rate
