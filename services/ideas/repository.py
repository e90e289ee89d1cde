"""Every SQL statement of the ideas service."""
import uuid

from services.ideas.domain import PUBLISHED, Idea

_IDEA_COLUMNS = ("id, title, description, category, district, status, submitted_at,"
                 " published_at, decided_at, rejection_reasons")


def add(conn, idea: Idea, author: dict | None, locale: str) -> None:
    conn.execute(
        f"insert into ideas ({_IDEA_COLUMNS}) values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (idea.id, idea.title, idea.description, idea.category, idea.district, idea.status,
         idea.submitted_at, idea.published_at, idea.decided_at, idea.rejection_reasons),
    )
    if author and (author.get("name") or author.get("email")):
        conn.execute("insert into contacts (idea_id, name, email, locale) values (%s, %s, %s, %s)",
                     (idea.id, author.get("name"), author.get("email"), locale))


def get(conn, idea_id: uuid.UUID, for_update: bool = False) -> Idea | None:
    lock = " for update" if for_update else ""
    row = conn.execute(f"select {_IDEA_COLUMNS} from ideas where id = %s{lock}", (idea_id,)).fetchone()
    return Idea(**row) if row else None


def save_status(conn, idea: Idea) -> None:
    conn.execute(
        "update ideas set status = %s, published_at = %s, decided_at = %s, rejection_reasons = %s"
        " where id = %s",
        (idea.status, idea.published_at, idea.decided_at, idea.rejection_reasons, idea.id),
    )


def list_published(conn, category: str | None, limit: int, offset: int) -> tuple[list[Idea], int]:
    rows = conn.execute(
        f"select {_IDEA_COLUMNS}, count(*) over () as total from ideas"
        " where status = %s and (%s::text is null or category = %s)"
        " order by published_at desc, id limit %s offset %s",
        (PUBLISHED, category, category, limit, offset),
    ).fetchall()
    if not rows:
        total = conn.execute(
            "select count(*) as total from ideas where status = %s and (%s::text is null or category = %s)",
            (PUBLISHED, category, category)).fetchone()["total"]
        return [], total
    total = rows[0]["total"]
    return [Idea(**{k: v for k, v in row.items() if k != "total"}) for row in rows], total


def contact(conn, idea_id: uuid.UUID) -> dict | None:
    return conn.execute(
        "select c.name, c.email, c.locale, i.title from contacts c join ideas i on i.id = c.idea_id"
        " where c.idea_id = %s and c.email is not null", (idea_id,)).fetchone()


def erase_contacts(conn, email: str) -> int:
    """Forget every contact with this address (name included); returns how many there were."""
    return conn.execute("delete from contacts where lower(email) = lower(%s)", (email,)).rowcount


def claim_idempotency_key(conn, key: str, fingerprint: str, idea_id: uuid.UUID) -> dict:
    """Store the key for `idea_id`, or return the row of whoever stored it first."""
    conn.execute(
        "insert into idempotency_keys (key, request_fingerprint, idea_id) values (%s, %s, %s)"
        " on conflict (key) do nothing", (key, fingerprint, idea_id))
    return conn.execute("select request_fingerprint, idea_id from idempotency_keys where key = %s",
                        (key,)).fetchone()


def find_by_idempotency_key(conn, key: str) -> dict | None:
    return conn.execute("select request_fingerprint, idea_id from idempotency_keys where key = %s",
                        (key,)).fetchone()


def open311_requests(conn, statuses: list[str], start, end, categories: list[str] | None,
                     limit: int) -> list[Idea]:
    """Ideas in `statuses` submitted from `start` to `end` (inclusive; None: open-ended), in
    `categories` (None: all), newest first: the service requests of Open311's requests.json."""
    rows = conn.execute(
        f"select {_IDEA_COLUMNS} from ideas"
        " where status = any(%s) and submitted_at >= %s and (%s::timestamptz is null or submitted_at <= %s)"
        " and (%s::text[] is null or category = any(%s))"
        " order by submitted_at desc, id limit %s",
        (list(statuses), start, end, end, categories, categories, limit),
    ).fetchall()
    return [Idea(**row) for row in rows]
