"""Sends owed deliveries to the endpoints, each in its own green thread, so that one slow or dead
endpoint only ever delays its own deliveries.

The timer's worker only claims due deliveries (a short transaction that leases them: their next
attempt moves LEASE ahead) and hands each to this provider's GreenPool; it never waits for an
endpoint. Each send holds no database connection while it waits on the network, is bounded by
SEND_TIMEOUT_SECONDS, and records its outcome in a transaction of its own. A subscription with a
send in flight in this process is not claimed from again until that send ended, and a claim takes
at most PER_SUBSCRIPTION of one subscription's deliveries, so a dead endpoint occupies at most
PER_SUBSCRIPTION of the pool's POOL_SIZE threads.
"""

import json
import logging
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import eventlet
import requests
from nameko.extensions import DependencyProvider

from aufbruch.backoff import doubling_delay
from aufbruch.contracts.errors import Unavailable
from aufbruch.contracts.webhooks import signed_headers
from services.webhooks import repository

log = logging.getLogger(__name__)

SEND_TIMEOUT_SECONDS = 5
LEASE = timedelta(seconds=60)  # longer than any send: a delivery is not claimed again while in flight
POOL_SIZE = 100
PER_SUBSCRIPTION = 4
FIRST_RETRY_DELAY = timedelta(seconds=10)
LONGEST_RETRY_DELAY = timedelta(hours=1)
MAX_ATTEMPTS = 15  # per delivery; a subscription failing this often is disabled long before
DEFAULT_DISABLE_AFTER_FAILURES = 10
MAX_ERROR_LENGTH = 500


def truthy(value) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes", "on")


def retry_delay(attempts: int) -> timedelta:
    """Delay after the `attempts`-th failed attempt of a delivery: 10 s doubling, at most an hour."""
    return doubling_delay(attempts, FIRST_RETRY_DELAY, LONGEST_RETRY_DELAY)


def gives_up(attempts: int) -> bool:
    return attempts >= MAX_ATTEMPTS


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    status_code: int | None = None
    error: str | None = None


def post(url: str, secret: str, delivery_id, event: dict, timeout: float = SEND_TIMEOUT_SECONDS) -> Outcome:
    """POST `event` signed with `secret`; any 2xx answer counts as delivered. Redirects are not
    followed (an endpoint must be registered with its final URL)."""
    body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = signed_headers(secret, delivery_id, int(time.time()), body)
    try:
        # requests' timeout bounds each socket operation; eventlet.Timeout bounds the whole exchange
        # (an endpoint trickling a byte at a time).
        with eventlet.Timeout(timeout + 1):
            response = requests.post(url, data=body, headers=headers, timeout=timeout, allow_redirects=False)
            response.close()
    except eventlet.Timeout:
        return Outcome(False, error=f"no answer within {timeout} s")
    except requests.RequestException as exc:
        return Outcome(False, error=f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH])
    if 200 <= response.status_code < 300:
        return Outcome(True, response.status_code)
    return Outcome(False, response.status_code, f"HTTP {response.status_code}")


class Dispatcher(DependencyProvider):
    """`self.dispatcher.dispatch(self.db)` from a timer: claims due deliveries and sends them."""

    def setup(self):
        config = self.container.config
        self.disable_after = int(config.get("WEBHOOK_DISABLE_AFTER_FAILURES") or DEFAULT_DISABLE_AFTER_FAILURES)
        self.pool = eventlet.GreenPool(POOL_SIZE)
        self.in_flight = Counter()  # subscription id -> sends running in this process

    def stop(self):
        self.pool.waitall()  # every send ends within SEND_TIMEOUT_SECONDS

    def kill(self):
        for thread in list(self.pool.coroutines_running):
            thread.kill()

    def get_dependency(self, worker_ctx):
        return self

    def dispatch(self, db) -> int:
        """Claim and start sending due deliveries; returns how many were started."""
        free = self.pool.free()
        if free <= 0:
            return 0
        busy = [subscription_id for subscription_id, count in self.in_flight.items() if count > 0]
        with db.transaction() as conn:
            claimed = repository.claim_due(conn, free, PER_SUBSCRIPTION, busy, LEASE)
        for delivery in claimed:
            self.in_flight[delivery["subscription_id"]] += 1
            self.pool.spawn_n(self._send, db, delivery)
        return len(claimed)

    def _send(self, db, delivery: dict) -> None:
        subscription_id = delivery["subscription_id"]
        try:
            outcome = post(delivery["url"], delivery["secret"], delivery["id"], delivery["body"])
            self._record(db, delivery, outcome)
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

    def _record(self, db, delivery: dict, outcome: Outcome) -> None:
        subscription_id = delivery["subscription_id"]
        with db.transaction() as conn:
            repository.lock_subscription(conn, subscription_id)
            if outcome.delivered:
                repository.mark_delivered(conn, delivery["id"], outcome.status_code)
                repository.subscription_succeeded(conn, subscription_id)
                return
            attempts = delivery["attempts"] + 1
            retry_in = None if gives_up(attempts) else retry_delay(attempts)
            repository.record_failure(conn, delivery["id"], outcome.status_code, outcome.error, retry_in)
            if repository.subscription_failed(conn, subscription_id, self.disable_after):
                repository.fail_pending(conn, subscription_id, "subscription disabled after repeated failures")
                log.warning(
                    "webhook %s disabled after %s failed attempts in a row", subscription_id, self.disable_after
                )
