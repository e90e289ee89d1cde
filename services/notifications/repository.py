"""Every SQL statement of the notifications service; its handlers reach it through
aufbruch.unit_of_work.UnitOfWork."""

import uuid
from datetime import datetime, timedelta
from pathlib import Path

from aufbruch.unit_of_work import Transaction, UnitOfWork

SCHEMA = "notifications"
MIGRATIONS = Path(__file__).parent / "migrations"


class Repository(Transaction):
    """The statements, in the transaction of `self.conn` (with its inbox and outbox: Transaction)."""

    # --- mails -----------------------------------------------------------------------------------------

    def add_mail(self, mail: dict) -> bool:
        """Owe `mail` (keys: id, idea_id, kind, recipient, subject, text_body, html_body, dedup_key,
        list_id) unless a mail with its dedup_key is owed already; returns whether it was added."""
        row = self.conn.execute(
            "insert into mails (id, idea_id, kind, recipient, subject, text_body, html_body, dedup_key, list_id)"
            " values (%(id)s, %(idea_id)s, %(kind)s, %(recipient)s, %(subject)s, %(text_body)s, %(html_body)s,"
            " %(dedup_key)s, %(list_id)s) on conflict (dedup_key) do nothing returning id",
            mail,
        ).fetchone()
        return row is not None

    def claim_due(self, limit: int) -> list[dict]:
        """Lock due mails for this transaction; another replica skips them rather than sending twice."""
        return self.conn.execute(
            "select id, idea_id, kind, recipient, subject, text_body, html_body, attempts from mails"
            " where status = 'pending' and next_attempt_at <= now()"
            " order by next_attempt_at limit %s for update skip locked",
            (limit,),
        ).fetchall()

    def lock_recipient(self, recipient: str) -> bool:
        """Take the recipient's lock for this transaction, unless another replica holds it: the rate
        limit counts one replica's sends at a time."""
        return self.conn.execute(
            "select pg_try_advisory_xact_lock(hashtext('mail-to:' || lower(%s))) as locked", (recipient,)
        ).fetchone()["locked"]

    def sent_since(self, recipient: str, since: datetime) -> list[datetime]:
        rows = self.conn.execute(
            "select sent_at from mails where status = 'sent' and lower(recipient) = lower(%s) and sent_at > %s",
            (recipient, since),
        ).fetchall()
        return [row["sent_at"] for row in rows]

    def mark_sent(self, mail_id: uuid.UUID) -> None:
        self.conn.execute(
            "update mails set status = 'sent', sent_at = now(), attempts = attempts + 1, last_error = null"
            " where id = %s",
            (mail_id,),
        )

    def mark_failed(self, mail_id: uuid.UUID, error: str) -> None:
        self.conn.execute(
            "update mails set status = 'failed', attempts = attempts + 1, last_error = %s where id = %s",
            (error, mail_id),
        )

    def postpone(self, mail_id: uuid.UUID, delay: timedelta, error: str) -> None:
        self.conn.execute(
            "update mails set attempts = attempts + 1, last_error = %s, next_attempt_at = now() + %s where id = %s",
            (error, delay, mail_id),
        )

    def defer(self, mail_id: uuid.UUID, until: datetime) -> None:
        """Hold a mail back for the rate limit: not a failed attempt."""
        self.conn.execute("update mails set next_attempt_at = %s where id = %s", (until, mail_id))

    def mail(self, mail_id: uuid.UUID) -> dict | None:
        return self.conn.execute("select id, recipient, list_id from mails where id = %s", (mail_id,)).fetchone()

    def cancel_pending(self, recipient: str, list_id: str) -> int:
        return self.conn.execute(
            "update mails set status = 'cancelled' where status = 'pending'"
            " and lower(recipient) = lower(%s) and list_id = %s",
            (recipient, list_id),
        ).rowcount

    def add_opt_out(self, recipient_key: str, list_id: str) -> None:
        self.conn.execute(
            "insert into opt_outs (recipient_key, list_id) values (%s, %s) on conflict do nothing",
            (recipient_key, list_id),
        )

    def opted_out(self, recipient_key: str, list_id: str) -> bool:
        return (
            self.conn.execute(
                "select 1 from opt_outs where recipient_key = %s and list_id = %s", (recipient_key, list_id)
            ).fetchone()
            is not None
        )

    # --- followers and digest subscriptions ------------------------------------------------------------

    def add_follower(self, idea_id: uuid.UUID, email: str, locale: str, idea_title: str) -> dict:
        """The follower of `idea_id` with this address: a new, unconfirmed one or the one there is."""
        self.conn.execute(
            "insert into followers (id, idea_id, email, locale, idea_title) values (%s, %s, %s, %s, %s)"
            " on conflict (idea_id, lower(email)) do nothing",
            (uuid.uuid4(), idea_id, email, locale, idea_title),
        )
        return self.conn.execute(
            "select id, idea_id, email, locale, idea_title, confirmed_at from followers"
            " where idea_id = %s and lower(email) = lower(%s)",
            (idea_id, email),
        ).fetchone()

    def confirm_follower(self, follower_id: uuid.UUID) -> dict | None:
        return self.conn.execute(
            "update followers set confirmed_at = coalesce(confirmed_at, now())"
            " where id = %s returning idea_id, idea_title",
            (follower_id,),
        ).fetchone()

    def confirmed_followers(self, idea_id: uuid.UUID) -> list[dict]:
        return self.conn.execute(
            "select id, email, locale, idea_title from followers where idea_id = %s and confirmed_at is not null",
            (idea_id,),
        ).fetchall()

    def add_digest_subscription(self, category: str, email: str, locale: str) -> dict:
        self.conn.execute(
            "insert into digest_subscriptions (id, category, email, locale) values (%s, %s, %s, %s)"
            " on conflict (category, lower(email)) do nothing",
            (uuid.uuid4(), category, email, locale),
        )
        return self.conn.execute(
            "select id, category, email, locale, confirmed_at from digest_subscriptions"
            " where category = %s and lower(email) = lower(%s)",
            (category, email),
        ).fetchone()

    def confirm_digest_subscription(self, subscription_id: uuid.UUID) -> dict | None:
        """Confirm it; its first digest covers what is published from now on."""
        return self.conn.execute(
            "update digest_subscriptions set confirmed_at = coalesce(confirmed_at, now()),"
            " covered_until = coalesce(covered_until, now()) where id = %s returning category",
            (subscription_id,),
        ).fetchone()

    def claim_due_digests(self, covered_before: datetime, limit: int) -> list[dict]:
        return self.conn.execute(
            "select id, category, email, locale, covered_until from digest_subscriptions"
            " where confirmed_at is not null and covered_until <= %s"
            " order by covered_until limit %s for update skip locked",
            (covered_before, limit),
        ).fetchall()

    def cover_digest(self, subscription_id: uuid.UUID, until: datetime) -> None:
        self.conn.execute("update digest_subscriptions set covered_until = %s where id = %s", (until, subscription_id))

    def end_subscription(self, list_id: str) -> None:
        """Delete the follower or digest subscription that `list_id` names (other lists have no row)."""
        kind, _, subscription_id = list_id.partition(":")
        if kind == "follower":
            self.conn.execute("delete from followers where id = %s", (subscription_id,))
        elif kind == "digest":
            self.conn.execute("delete from digest_subscriptions where id = %s", (subscription_id,))

    # --- what digests and moderator alerts list --------------------------------------------------------

    def record_published(self, idea_id: uuid.UUID, title: str, category: str, published_at: datetime) -> None:
        self.conn.execute(
            "insert into published_ideas (idea_id, title, category, published_at) values (%s, %s, %s, %s)"
            " on conflict (idea_id) do nothing",
            (idea_id, title, category, published_at),
        )

    def set_hidden(self, idea_id: uuid.UUID, hidden: bool) -> None:
        self.conn.execute("update published_ideas set hidden = %s where idea_id = %s", (hidden, idea_id))

    def published_in(self, category: str, after: datetime, until: datetime) -> list[dict]:
        return self.conn.execute(
            "select idea_id, title from published_ideas where category = %s and not hidden"
            " and recorded_at > %s and recorded_at <= %s order by recorded_at, idea_id",
            (category, after, until),
        ).fetchall()

    def add_waiting_case(
        self, case_id: uuid.UUID, idea_id: uuid.UUID, reasons: list[str], requested_at: datetime
    ) -> None:
        self.conn.execute(
            "insert into waiting_cases (case_id, idea_id, reasons, requested_at) values (%s, %s, %s, %s)"
            " on conflict (case_id) do nothing",
            (case_id, idea_id, reasons, requested_at),
        )

    def drop_decided_cases(self, idea_id: uuid.UUID, decided_at: datetime) -> None:
        """A moderator decided on the idea: its cases opened until then wait no more."""
        self.conn.execute("delete from waiting_cases where idea_id = %s and requested_at <= %s", (idea_id, decided_at))

    def lock_moderator_alert_clock(self) -> dict | None:
        """{"last_sent_at": when the last moderator alert went out, or None}, locked for this
        transaction; None while another replica holds the lock (it is sending the batch)."""
        return self.conn.execute("select last_sent_at from moderator_alert_clock for update skip locked").fetchone()

    def unalerted_cases(self) -> list[dict]:
        return self.conn.execute(
            "select case_id, idea_id, reasons, requested_at from waiting_cases"
            " where alerted_at is null order by requested_at, case_id"
        ).fetchall()

    def mark_alerted(self, case_ids: list[uuid.UUID], at: datetime) -> None:
        self.conn.execute("update waiting_cases set alerted_at = %s where case_id = any(%s)", (at, case_ids))
        self.conn.execute("update moderator_alert_clock set last_sent_at = %s", (at,))

    # --- erasure ---------------------------------------------------------------------------------------

    def erase_address(self, email: str) -> tuple[int, int]:
        """Delete every subscription and mail of this address; returns (subscriptions, mails) deleted."""
        subscriptions = sum(
            self.conn.execute(f"delete from {table} where lower(email) = lower(%s)", (email,)).rowcount
            for table in ("followers", "digest_subscriptions")
        )
        mails = self.conn.execute("delete from mails where lower(recipient) = lower(%s)", (email,)).rowcount
        return subscriptions, mails


Work = UnitOfWork[Repository]  # what the handlers take: `with uow.transaction() as repository:`
