"""In-memory stand-ins for services/notifications/repository.py and the Mailer, so the unit tests run
the real handlers; each keeps its rows as dicts a test can read."""

import uuid
from datetime import UTC, datetime, timedelta

from tests.support.unit_of_work import FakeTransaction


def _now() -> datetime:
    return datetime.now(UTC)


class FakeRepository(FakeTransaction):
    def __init__(self):
        super().__init__()
        self.mails: dict[uuid.UUID, dict] = {}
        self.opt_outs: set[tuple[str, str]] = set()
        self.followers: dict[uuid.UUID, dict] = {}
        self.digests: dict[uuid.UUID, dict] = {}
        self.published: dict[uuid.UUID, dict] = {}
        self.waiting_cases: dict[uuid.UUID, dict] = {}
        self.moderator_alert_clock: dict = {"last_sent_at": None}

    # --- mails ---------------------------------------------------------------------------------------

    def add_mail(self, mail: dict) -> bool:
        if any(row["dedup_key"] == mail["dedup_key"] for row in self.mails.values()):
            return False
        self.mails[mail["id"]] = mail | {
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": _now(),
            "last_error": None,
            "sent_at": None,
        }
        return True

    def claim_due(self, limit: int) -> list[dict]:
        due = [row for row in self.mails.values() if row["status"] == "pending" and row["next_attempt_at"] <= _now()]
        return [dict(row) for row in sorted(due, key=lambda row: row["next_attempt_at"])[:limit]]

    def lock_recipient(self, recipient: str) -> bool:
        return True

    def sent_since(self, recipient: str, since: datetime) -> list[datetime]:
        return [
            row["sent_at"]
            for row in self.mails.values()
            if row["status"] == "sent" and row["recipient"].lower() == recipient.lower() and row["sent_at"] > since
        ]

    def mark_sent(self, mail_id) -> None:
        row = self.mails[mail_id]
        row |= {"status": "sent", "sent_at": _now(), "attempts": row["attempts"] + 1, "last_error": None}

    def mark_failed(self, mail_id, error: str) -> None:
        row = self.mails[mail_id]
        row |= {"status": "failed", "attempts": row["attempts"] + 1, "last_error": error}

    def postpone(self, mail_id, delay: timedelta, error: str) -> None:
        row = self.mails[mail_id]
        row |= {"attempts": row["attempts"] + 1, "last_error": error, "next_attempt_at": _now() + delay}

    def defer(self, mail_id, until: datetime) -> None:
        self.mails[mail_id]["next_attempt_at"] = until

    def mail(self, mail_id) -> dict | None:
        return self.mails.get(mail_id)

    def cancel_pending(self, recipient: str, list_id: str) -> int:
        pending = [
            row
            for row in self.mails.values()
            if row["status"] == "pending"
            and row["recipient"].lower() == recipient.lower()
            and row["list_id"] == list_id
        ]
        for row in pending:
            row["status"] = "cancelled"
        return len(pending)

    def add_opt_out(self, recipient_key: str, list_id: str) -> None:
        self.opt_outs.add((recipient_key, list_id))

    def opted_out(self, recipient_key: str, list_id: str) -> bool:
        return (recipient_key, list_id) in self.opt_outs

    # --- followers and digest subscriptions -----------------------------------------------------------

    def add_follower(self, idea_id, email: str, locale: str, idea_title: str) -> dict:
        for row in self.followers.values():
            if row["idea_id"] == idea_id and row["email"].lower() == email.lower():
                return dict(row)
        follower_id = uuid.uuid4()
        self.followers[follower_id] = {
            "id": follower_id,
            "idea_id": idea_id,
            "email": email,
            "locale": locale,
            "idea_title": idea_title,
            "confirmed_at": None,
        }
        return dict(self.followers[follower_id])

    def confirm_follower(self, follower_id) -> dict | None:
        row = self.followers.get(follower_id)
        if row is None:
            return None
        row["confirmed_at"] = row["confirmed_at"] or _now()
        return {"idea_id": row["idea_id"], "idea_title": row["idea_title"]}

    def confirmed_followers(self, idea_id) -> list[dict]:
        return [
            dict(row)
            for row in self.followers.values()
            if row["idea_id"] == idea_id and row["confirmed_at"] is not None
        ]

    def add_digest_subscription(self, category: str, email: str, locale: str) -> dict:
        for row in self.digests.values():
            if row["category"] == category and row["email"].lower() == email.lower():
                return dict(row)
        subscription_id = uuid.uuid4()
        self.digests[subscription_id] = {
            "id": subscription_id,
            "category": category,
            "email": email,
            "locale": locale,
            "confirmed_at": None,
            "covered_until": None,
        }
        return dict(self.digests[subscription_id])

    def confirm_digest_subscription(self, subscription_id) -> dict | None:
        row = self.digests.get(subscription_id)
        if row is None:
            return None
        row["confirmed_at"] = row["confirmed_at"] or _now()
        row["covered_until"] = row["covered_until"] or _now()
        return {"category": row["category"]}

    def claim_due_digests(self, covered_before: datetime, limit: int) -> list[dict]:
        due = [
            row
            for row in self.digests.values()
            if row["confirmed_at"] is not None and row["covered_until"] <= covered_before
        ]
        return [dict(row) for row in sorted(due, key=lambda row: row["covered_until"])[:limit]]

    def cover_digest(self, subscription_id, until: datetime) -> None:
        self.digests[subscription_id]["covered_until"] = until

    def end_subscription(self, list_id: str) -> None:
        kind, _, subscription_id = list_id.partition(":")
        table = {"follower": self.followers, "digest": self.digests}.get(kind)
        if table is not None:
            table.pop(uuid.UUID(subscription_id), None)

    # --- what digests and moderator alerts list ---------------------------------------------------------

    def record_published(self, idea_id, title: str, category: str, published_at: datetime) -> None:
        self.published.setdefault(
            idea_id,
            {"idea_id": idea_id, "title": title, "category": category, "hidden": False, "recorded_at": _now()},
        )

    def set_hidden(self, idea_id, hidden: bool) -> None:
        if idea_id in self.published:
            self.published[idea_id]["hidden"] = hidden

    def published_in(self, category: str, after: datetime, until: datetime) -> list[dict]:
        return [
            {"idea_id": row["idea_id"], "title": row["title"]}
            for row in sorted(self.published.values(), key=lambda row: row["recorded_at"])
            if row["category"] == category and not row["hidden"] and after < row["recorded_at"] <= until
        ]

    def add_waiting_case(self, case_id, idea_id, reasons: list[str], requested_at: datetime) -> None:
        self.waiting_cases.setdefault(
            case_id,
            {
                "case_id": case_id,
                "idea_id": idea_id,
                "reasons": reasons,
                "requested_at": requested_at,
                "alerted_at": None,
            },
        )

    def drop_decided_cases(self, idea_id, decided_at: datetime) -> None:
        for case_id in [
            key
            for key, row in self.waiting_cases.items()
            if row["idea_id"] == idea_id and row["requested_at"] <= decided_at
        ]:
            del self.waiting_cases[case_id]

    def lock_moderator_alert_clock(self) -> dict | None:
        return dict(self.moderator_alert_clock)

    def unalerted_cases(self) -> list[dict]:
        waiting = [row for row in self.waiting_cases.values() if row["alerted_at"] is None]
        return [
            {key: row[key] for key in ("case_id", "idea_id", "reasons", "requested_at")}
            for row in sorted(waiting, key=lambda row: row["requested_at"])
        ]

    def mark_alerted(self, case_ids: list, at: datetime) -> None:
        for case_id in case_ids:
            self.waiting_cases[case_id]["alerted_at"] = at
        self.moderator_alert_clock["last_sent_at"] = at

    # --- erasure -------------------------------------------------------------------------------------------

    def erase_address(self, email: str) -> tuple[int, int]:
        subscriptions = 0
        for table in (self.followers, self.digests):
            for key in [key for key, row in table.items() if row["email"].lower() == email.lower()]:
                del table[key]
                subscriptions += 1
        mails = [key for key, row in self.mails.items() if row["recipient"].lower() == email.lower()]
        for key in mails:
            del self.mails[key]
        return subscriptions, len(mails)


class FakeMailer:
    """Takes each message, or raises what `failures` holds next for it."""

    sender = "Aufbruch Gütersloh <no-reply@aufbruch.test>"

    def __init__(self):
        self.sent: list = []
        self.failures: list[Exception] = []

    def send(self, message) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message)
