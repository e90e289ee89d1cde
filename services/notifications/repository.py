"""Every SQL statement of the notifications service."""
import uuid
from datetime import timedelta

from services.notifications.mails import Mail


def add_mail(conn, idea_id: uuid.UUID, kind: str, recipient: str, mail: Mail) -> bool:
    row = conn.execute(
        "insert into mails (id, idea_id, kind, recipient, subject, body) values (%s, %s, %s, %s, %s, %s)"
        " on conflict (idea_id, kind) do nothing returning id",
        (uuid.uuid4(), idea_id, kind, recipient, mail.subject, mail.body),
    ).fetchone()
    return row is not None


def claim_due(conn, limit: int) -> list[dict]:
    """Lock due mails for this transaction; another replica skips them rather than sending twice."""
    return conn.execute(
        "select id, idea_id, kind, recipient, subject, body, attempts from mails"
        " where status = 'pending' and next_attempt_at <= now()"
        " order by next_attempt_at limit %s for update skip locked", (limit,)).fetchall()


def mark_sent(conn, mail_id: uuid.UUID) -> None:
    conn.execute("update mails set status = 'sent', sent_at = now(), attempts = attempts + 1,"
                 " last_error = null where id = %s", (mail_id,))


def mark_failed(conn, mail_id: uuid.UUID, error: str) -> None:
    conn.execute("update mails set status = 'failed', attempts = attempts + 1, last_error = %s"
                 " where id = %s", (error, mail_id))


def postpone(conn, mail_id: uuid.UUID, delay: timedelta, error: str) -> None:
    conn.execute("update mails set attempts = attempts + 1, last_error = %s,"
                 " next_attempt_at = now() + %s where id = %s", (error, delay, mail_id))


def add_confirmation_mail(conn, recipient: str, mail: Mail) -> uuid.UUID:
    return conn.execute(
        "insert into confirmation_mails (id, recipient, subject, body) values (%s, %s, %s, %s) returning id",
        (uuid.uuid4(), recipient, mail.subject, mail.body)).fetchone()["id"]


def claim_due_confirmation_mails(conn, limit: int) -> list[dict]:
    """Lock due confirmation mails for this transaction (replicas skip them, as with claim_due)."""
    return conn.execute(
        "select id, recipient, subject, body, attempts from confirmation_mails where next_attempt_at <= now()"
        " order by next_attempt_at limit %s for update skip locked", (limit,)).fetchall()


def postpone_confirmation_mail(conn, mail_id: uuid.UUID, delay: timedelta, error: str) -> None:
    conn.execute("update confirmation_mails set attempts = attempts + 1, last_error = %s,"
                 " next_attempt_at = now() + %s where id = %s", (error, delay, mail_id))


def forget_confirmation_mail(conn, mail_id: uuid.UUID) -> None:
    conn.execute("delete from confirmation_mails where id = %s", (mail_id,))
