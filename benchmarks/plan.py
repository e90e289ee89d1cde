"""How long and how hard each phase runs: the full benchmark, and `--quick`, every phase briefly."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    wrk_seconds: float
    connections: int
    end_to_end_seconds: float
    keep_up_seconds: float
    settle_cap_seconds: float  # how long after its last POST a phase waits for the pipeline
    replica_events: int
    replica_wait_seconds: float  # at most, then the rate comes from what was decided
    idle_seconds: float
    cost_seconds: float  # of the sustainable rate that measures the CPU per idea


FULL = Plan(
    wrk_seconds=10,
    connections=16,
    end_to_end_seconds=6,
    keep_up_seconds=4,
    settle_cap_seconds=20,
    replica_events=800,
    replica_wait_seconds=20,
    idle_seconds=3,
    cost_seconds=10,
)
QUICK = Plan(
    wrk_seconds=1,
    connections=4,
    end_to_end_seconds=0.1,
    keep_up_seconds=0.04,
    settle_cap_seconds=60,
    replica_events=40,
    replica_wait_seconds=90,
    idle_seconds=1,
    cost_seconds=1,
)
