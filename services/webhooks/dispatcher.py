"""Sends owed deliveries to the endpoints, each in its own green thread, so that one slow or dead
endpoint only ever delays its own deliveries.

The timer's worker only claims due deliveries (a short transaction that leases them: their next
attempt moves handlers.LEASE ahead) and hands each to this provider's GreenPool; it never waits for
an endpoint. Each send holds no database connection while it waits on the network, is bounded by
sender.SEND_TIMEOUT_SECONDS, and records its outcome in a transaction of its own. A subscription with
a send in flight in this process is not claimed from again until that send ended, and a claim takes
at most handlers.PER_SUBSCRIPTION of one subscription's deliveries, so a dead endpoint occupies at
most that many of the pool's POOL_SIZE threads.
"""

import logging
from collections import Counter

import eventlet
from nameko.extensions import DependencyProvider

from aufbruch.contracts.errors import Unavailable
from services.webhooks import handlers
from services.webhooks.repository import Work
from services.webhooks.sender import post

log = logging.getLogger(__name__)

POOL_SIZE = 100


class Dispatcher(DependencyProvider):
    """`self.dispatcher.dispatch(uow, disable_after)` from a timer: claims due deliveries and sends them."""

    def setup(self):
        self.pool = eventlet.GreenPool(POOL_SIZE)
        self.in_flight: Counter = Counter()  # subscription id -> sends running in this process

    def stop(self):
        self.pool.waitall()  # every send ends within SEND_TIMEOUT_SECONDS

    def kill(self):
        for thread in list(self.pool.coroutines_running):
            thread.kill()

    def get_dependency(self, worker_ctx):
        return self

    def dispatch(self, uow: Work, disable_after: int) -> int:
        """Claim and start sending due deliveries; returns how many were started."""
        free = self.pool.free()
        if free <= 0:
            return 0
        busy = [subscription_id for subscription_id, count in self.in_flight.items() if count > 0]
        claimed = handlers.claim_due(uow, free, busy)
        for delivery in claimed:
            self.in_flight[delivery["subscription_id"]] += 1
            self.pool.spawn_n(self._send, uow, delivery, disable_after)
        return len(claimed)

    def _send(self, uow: Work, delivery: dict, disable_after: int) -> None:
        subscription_id = delivery["subscription_id"]
        try:
            outcome = post(
                delivery["url"], delivery["signature_scheme"], delivery["secret"], delivery["id"], delivery["body"]
            )
            handlers.record_outcome(uow, delivery, outcome, disable_after)
        except Unavailable:
            log.warning(
                "webhook delivery %s: outcome not recorded, database unavailable; it is tried"
                " again when its lease ends",
                delivery["id"],
            )
        except Exception:
            log.exception("webhook delivery %s failed unexpectedly", delivery["id"])
        finally:
            self.in_flight[subscription_id] -= 1
            if self.in_flight[subscription_id] <= 0:
                del self.in_flight[subscription_id]
