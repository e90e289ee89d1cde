"""An in-memory stand-in for services/webhooks/repository.py, so the unit tests run the real handlers.
Its clock (`now`) moves only when a test moves it."""

import uuid
from datetime import UTC, datetime, timedelta

from tests.support.unit_of_work import FakeTransaction


class FakeRepository(FakeTransaction):
    def __init__(self):
        super().__init__()
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
        self.subscription_rows: dict[uuid.UUID, dict] = {}
        self.delivery_rows: dict[uuid.UUID, dict] = {}

    def add_subscription(self, subscription_id, url, event_types, secret, signature_scheme) -> dict:
        row = {
            "id": subscription_id,
            "url": url,
            "event_types": list(event_types),
            "secret": secret,
            "created_at": self.now,
            "disabled_at": None,
            "consecutive_failures": 0,
            "signature_scheme": signature_scheme,
        }
        self.subscription_rows[subscription_id] = row
        return dict(row)

    def subscriptions(self) -> list[dict]:
        return [self._public(row) for row in self.subscription_rows.values()]

    def subscription(self, subscription_id) -> dict | None:
        row = self.subscription_rows.get(subscription_id)
        return self._public(row) if row else None

    def delete_subscription(self, subscription_id) -> bool:
        for delivery_id in [
            key for key, row in self.delivery_rows.items() if row["subscription_id"] == subscription_id
        ]:
            del self.delivery_rows[delivery_id]
        return self.subscription_rows.pop(subscription_id, None) is not None

    def active_subscription_ids(self, event_type: str) -> list[uuid.UUID]:
        return sorted(
            row["id"]
            for row in self.subscription_rows.values()
            if row["disabled_at"] is None and (event_type in row["event_types"] or "*" in row["event_types"])
        )

    def add_deliveries(self, owed) -> int:
        added = 0
        for subscription_id, event, body in owed:
            if any(
                (row["subscription_id"], row["event_id"]) == (subscription_id, event.id)
                for row in self.delivery_rows.values()
            ):
                continue
            delivery_id = uuid.uuid4()
            self.delivery_rows[delivery_id] = {
                "id": delivery_id,
                "subscription_id": subscription_id,
                "event_id": event.id,
                "event_type": event.type,
                "body": body,
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": self.now,
                "last_status_code": None,
                "last_error": None,
                "created_at": self.now,
                "delivered_at": None,
            }
            added += 1
        return added

    def claim_due(self, limit, per_subscription, skip_subscriptions, lease) -> list[dict]:
        claimed = []
        for subscription in self.subscription_rows.values():
            if subscription["disabled_at"] is not None or subscription["id"] in skip_subscriptions:
                continue
            due = sorted(
                (
                    row
                    for row in self.delivery_rows.values()
                    if row["subscription_id"] == subscription["id"]
                    and row["status"] == "pending"
                    and row["next_attempt_at"] <= self.now
                ),
                key=lambda row: row["next_attempt_at"],
            )[:per_subscription]
            for row in due:
                row["next_attempt_at"] = self.now + lease
                claimed.append(row | {key: subscription[key] for key in ("url", "secret", "signature_scheme")})
        return claimed[:limit]

    def mark_delivered(self, delivery_id, status_code) -> None:
        row = self.delivery_rows[delivery_id]
        if row["status"] == "pending":
            row |= {
                "status": "delivered",
                "attempts": row["attempts"] + 1,
                "delivered_at": self.now,
                "last_status_code": status_code,
                "last_error": None,
            }

    def record_failure(self, delivery_id, status_code, error, retry_in: timedelta | None) -> None:
        row = self.delivery_rows[delivery_id]
        if row["status"] != "pending":
            return
        row |= {"attempts": row["attempts"] + 1, "last_status_code": status_code, "last_error": error}
        if retry_in is None:
            row["status"] = "failed"
        else:
            row["next_attempt_at"] = self.now + retry_in

    def lock_subscription(self, subscription_id) -> None:
        pass  # one test, one thread: nothing to queue behind

    def subscription_succeeded(self, subscription_id) -> None:
        self.subscription_rows[subscription_id]["consecutive_failures"] = 0

    def subscription_failed(self, subscription_id, disable_after: int) -> bool:
        row = self.subscription_rows[subscription_id]
        row["consecutive_failures"] += 1
        if row["disabled_at"] is None and row["consecutive_failures"] >= disable_after:
            row["disabled_at"] = self.now
            return True
        return False

    def fail_pending(self, subscription_id, error: str) -> int:
        pending = [
            row
            for row in self.delivery_rows.values()
            if row["subscription_id"] == subscription_id and row["status"] == "pending"
        ]
        for row in pending:
            row |= {"status": "failed", "last_error": error}
        return len(pending)

    def deliveries(self, subscription_id, page: int, per_page: int) -> tuple[list[dict], int]:
        rows = sorted(
            (row for row in self.delivery_rows.values() if row["subscription_id"] == subscription_id),
            key=lambda row: row["created_at"],
            reverse=True,
        )
        return rows[(page - 1) * per_page : page * per_page], len(rows)

    @staticmethod
    def _public(row: dict) -> dict:
        return {key: value for key, value in row.items() if key != "secret"}
