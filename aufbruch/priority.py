"""CPU priority of a service process: the pipeline behind the intake yields to taking ideas in.

In a burst (a campaign launch, a council debate) the consumers behind the intake have more work than
two cores can do, and without this they take the CPU from the gateway and ideas: citizens' POSTs then
wait seconds (BENCHMARKS.md). A service whose work can wait in its durable queues declares itself
background work; its process is then scheduled after the intake's whenever both want the CPU, and at
the same speed when the machine has CPU to spare. Under docker compose, where each container has its
own scheduling group, `cpu_shares` in docker-compose.yml does the same between containers.
"""

import logging
import os

from nameko.extensions import DependencyProvider

log = logging.getLogger(__name__)


class BackgroundWork(DependencyProvider):
    """Lowers the process's CPU priority to the configured BACKGROUND_NICENESS (0 leaves it)."""

    def setup(self):
        niceness = int(self.container.config.get("BACKGROUND_NICENESS", 0))
        current = os.getpriority(os.PRIO_PROCESS, 0)
        if niceness > current:  # only ever lower: several services in one process (tests) set it once
            os.setpriority(os.PRIO_PROCESS, 0, niceness)
            log.info("%s runs as background work (niceness %d)", self.container.service_name, niceness)
