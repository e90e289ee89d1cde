"""Every SQL statement of the webhooks service; its handlers reach it through
aufbruch.unit_of_work.UnitOfWork."""

import uuid
from datetime import timedelta
from pathlib import Path

from psycopg.types.json import Jsonb

from aufbruch.contracts.events import Event
from aufbruch.unit_of_work import Transaction, UnitOfWork

SCHEMA = "webhooks"
MIGRATIONS = Path(__file__).parent / "migrations"

_SUBSCRIPTION_COLUMNS = "id, url, event_types, created_at, disabled_at, consecutive_failures, signature_scheme"
_DELIVERY_COLUMNS = (
    "id, event_id, event_type, status, attempts, next_attempt_at, last_status_code,"
    " last_error, created_at, delivered_at"
)


class Repository(Transaction):
    """The statements, in the transaction of `self.conn` (with its inbox and outbox: Transaction)."""

    def add_subscription(
        self, subscription_id: uuid.UUID, url: str, event_types: list[str], secret: str, signature_scheme: str
    ) -> dict:
        return self.conn.execute(
            "insert into subscriptions (id, url, event_types, secret, signature_scheme) values (%s, %s, %s, %s, %s)"
            f" returning {_SUBSCRIPTION_COLUMNS}, secret",
            (subscription_id, url, event_types, secret, signature_scheme),
        ).fetchone()

    def subscriptions(self) -> list[dict]:
        return self.conn.execute(
            f"select {_SUBSCRIPTION_COLUMNS} from subscriptions order by created_at, id"
        ).fetchall()

    def subscription(self, subscription_id: uuid.UUID) -> dict | None:
        return self.conn.execute(
            f"select {_SUBSCRIPTION_COLUMNS} from subscriptions where id = %s", (subscription_id,)
        ).fetchone()

    def delete_subscription(self, subscription_id: uuid.UUID) -> bool:
        """Deletes the subscription with its deliveries (pending ones are never sent)."""
        return (
            self.conn.execute("delete from subscriptions where id = %s returning id", (subscription_id,)).fetchone()
            is not None
        )

    def active_subscription_ids(self, event_type: str) -> list[uuid.UUID]:
        """Active subscriptions whose filter names `event_type` or "*" (contracts.webhooks.matches)."""
        rows = self.conn.execute(
            "select id from subscriptions"
            " where disabled_at is null and event_types && array[%s, '*']::text[] order by id",
            (event_type,),
        ).fetchall()
        return [row["id"] for row in rows]

    def add_deliveries(self, owed: list[tuple[uuid.UUID, Event, dict]]) -> int:
        """One delivery per (subscription id, event, body), unless it exists already; how many are new."""
        if not owed:
            return 0
        rows = self.conn.execute(
            "insert into deliveries (id, subscription_id, event_id, event_type, body)"
            " select * from unnest(%s::uuid[], %s::uuid[], %s::uuid[], %s::text[], %s::jsonb[])"
            " on conflict (subscription_id, event_id) do nothing returning id",
            (
                [uuid.uuid4() for _ in owed],
                [subscription_id for subscription_id, _, _ in owed],
                [event.id for _, event, _ in owed],
                [event.type for _, event, _ in owed],
                [Jsonb(body) for _, _, body in owed],
            ),
        ).fetchall()
        return len(rows)

    def claim_due(
        self, limit: int, per_subscription: int, skip_subscriptions: list[uuid.UUID], lease: timedelta
    ) -> list[dict]:
        """Lease up to `limit` due deliveries, at most `per_subscription` of each active subscription
        (none of `skip_subscriptions`), by pushing their next attempt `lease` ahead. Rows another
        replica is claiming are skipped, so no delivery is claimed twice; one subscription's backlog
        never fills a batch."""
        return self.conn.execute(
            "with claimed as ("
            "  select due.id from subscriptions s cross join lateral ("
            "    select d.id from deliveries d"
            "    where d.subscription_id = s.id and d.status = 'pending' and d.next_attempt_at <= now()"
            "    order by d.next_attempt_at limit %(per_subscription)s for update of d skip locked) due"
            "  where s.disabled_at is null and not (s.id = any(%(skip)s))"
            "  limit %(limit)s)"
            " update deliveries d set next_attempt_at = now() + %(lease)s"
            " from claimed, subscriptions s"
            " where d.id = claimed.id and s.id = d.subscription_id"
            " returning d.id, d.subscription_id, d.event_type, d.body, d.attempts, s.url, s.secret, s.signature_scheme",
            {"per_subscription": per_subscription, "skip": list(skip_subscriptions), "limit": limit, "lease": lease},
        ).fetchall()

    def mark_delivered(self, delivery_id: uuid.UUID, status_code: int | None) -> None:
        self.conn.execute(
            "update deliveries set status = 'delivered', attempts = attempts + 1, delivered_at = now(),"
            " last_status_code = %s, last_error = null where id = %s and status = 'pending'",
            (status_code, delivery_id),
        )

    def record_failure(
        self, delivery_id: uuid.UUID, status_code: int | None, error: str | None, retry_in: timedelta | None
    ) -> None:
        """One more failed attempt; tried again after `retry_in`, or given up (failed) if None."""
        self.conn.execute(
            "update deliveries set attempts = attempts + 1, last_status_code = %s, last_error = %s,"
            " status = case when %s::interval is null then 'failed' else status end,"
            " next_attempt_at = coalesce(now() + %s::interval, next_attempt_at)"
            " where id = %s and status = 'pending'",
            (status_code, error, retry_in, retry_in, delivery_id),
        )

    def lock_subscription(self, subscription_id: uuid.UUID) -> None:
        """Taken first by every transaction recording a send's outcome, so that concurrent outcomes of one
        subscription's deliveries queue up instead of deadlocking (the subscription row, then deliveries)."""
        self.conn.execute("select id from subscriptions where id = %s for no key update", (subscription_id,))

    def subscription_succeeded(self, subscription_id: uuid.UUID) -> None:
        self.conn.execute(
            "update subscriptions set consecutive_failures = 0 where id = %s and consecutive_failures > 0",
            (subscription_id,),
        )

    def subscription_failed(self, subscription_id: uuid.UUID, disable_after: int) -> bool:
        """Counts a failed attempt; disables the subscription at `disable_after` failures in a row.
        True if this call disabled it."""
        row = self.conn.execute(
            "update subscriptions set consecutive_failures = consecutive_failures + 1,"
            " disabled_at = case when disabled_at is null and consecutive_failures + 1 >= %s"
            "                    then now() else disabled_at end"
            " where id = %s"
            # now() is this transaction's start: equal only if this statement set it
            " returning disabled_at is not distinct from now() as disabled_now",
            (disable_after, subscription_id),
        ).fetchone()
        return bool(row and row["disabled_now"])

    def fail_pending(self, subscription_id: uuid.UUID, error: str) -> int:
        return self.conn.execute(
            "update deliveries set status = 'failed', last_error = %s"
            " where subscription_id = %s and status = 'pending'",
            (error, subscription_id),
        ).rowcount

    def deliveries(self, subscription_id: uuid.UUID, page: int, per_page: int) -> tuple[list[dict], int]:
        total = self.conn.execute(
            "select count(*) as n from deliveries where subscription_id = %s", (subscription_id,)
        ).fetchone()["n"]
        rows = self.conn.execute(
            f"select {_DELIVERY_COLUMNS} from deliveries where subscription_id = %s"
            " order by created_at desc, id limit %s offset %s",
            (subscription_id, per_page, (page - 1) * per_page),
        ).fetchall()
        return rows, total


Work = UnitOfWork[Repository]  # what the handlers take: `with uow.transaction() as repository:`
