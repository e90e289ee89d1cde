"""Every SQL statement of the ideas service, as the methods of one transaction's `Repository`."""

import uuid
from pathlib import Path

from aufbruch.contracts.ideas import NOT_ANSWERED
from aufbruch.unit_of_work import Transaction
from services.ideas.answers import SETTLED, Answer
from services.ideas.domain import PUBLISHED, Idea, IdeaFilters
from services.ideas.processes import Process

SCHEMA = "ideas"
MIGRATIONS = Path(__file__).parent / "migrations"

_IDEA_COLUMNS = (
    "id, title, description, category, district, status, submitted_at,"
    " published_at, decided_at, rejection_reasons, process_id, assisted, official_status"
)
_PROCESS_COLUMNS = "id, title, description, categories, opens_on, closes_on"
_PUBLISHED_MATCHING = (
    " where status = %(published)s"
    " and (%(category)s::text is null or category = %(category)s)"
    " and (%(district)s::text is null or district = %(district)s)"
    " and (%(process_id)s::text is null or process_id = %(process_id)s)"
    " and (%(official_status)s::text is null"
    " or official_status is not distinct from nullif(%(official_status)s, %(not_answered)s))"
)


class Repository(Transaction):
    def check(self) -> None:
        """Raises unless the database answers (the health check)."""
        self.conn.execute("select 1")

    def add(self, idea: Idea, author: dict | None, locale: str) -> None:
        self.conn.execute(
            f"insert into ideas ({_IDEA_COLUMNS}) values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                idea.id,
                idea.title,
                idea.description,
                idea.category,
                idea.district,
                idea.status,
                idea.submitted_at,
                idea.published_at,
                idea.decided_at,
                idea.rejection_reasons,
                idea.process_id,
                idea.assisted,
                idea.official_status,
            ),
        )
        if author and (author.get("name") or author.get("email")):
            self.conn.execute(
                "insert into contacts (idea_id, name, email, locale) values (%s, %s, %s, %s)",
                (idea.id, author.get("name"), author.get("email"), locale),
            )

    def get(self, idea_id: uuid.UUID, for_update: bool = False) -> Idea | None:
        lock = " for update" if for_update else ""
        row = self.conn.execute(f"select {_IDEA_COLUMNS} from ideas where id = %s{lock}", (idea_id,)).fetchone()
        return Idea(**row) if row else None

    def save_status(self, idea: Idea) -> None:
        self.conn.execute(
            "update ideas set status = %s, published_at = %s, decided_at = %s, rejection_reasons = %s where id = %s",
            (idea.status, idea.published_at, idea.decided_at, idea.rejection_reasons, idea.id),
        )

    def list_published(self, filters: IdeaFilters, limit: int, offset: int) -> tuple[list[Idea], int]:
        """One page of the published ideas that match `filters`, newest first, and how many match."""
        params = vars(filters) | {
            "published": PUBLISHED,
            "not_answered": NOT_ANSWERED,
            "limit": limit,
            "offset": offset,
        }
        rows = self.conn.execute(
            f"select {_IDEA_COLUMNS}, count(*) over () as total from ideas{_PUBLISHED_MATCHING}"
            " order by published_at desc, id limit %(limit)s offset %(offset)s",
            params,
        ).fetchall()
        if not rows:
            total = self.conn.execute(f"select count(*) as total from ideas{_PUBLISHED_MATCHING}", params).fetchone()[
                "total"
            ]
            return [], total
        total = rows[0]["total"]
        return [Idea(**{k: v for k, v in row.items() if k != "total"}) for row in rows], total

    def contact(self, idea_id: uuid.UUID) -> dict | None:
        return self.conn.execute(
            "select c.name, c.email, c.locale, i.title from contacts c join ideas i on i.id = c.idea_id"
            " where c.idea_id = %s and c.email is not null",
            (idea_id,),
        ).fetchone()

    def erase_contacts(self, email: str) -> int:
        """Forget every contact with this address (name included); returns how many there were."""
        return self.conn.execute("delete from contacts where lower(email) = lower(%s)", (email,)).rowcount

    def claim_idempotency_key(self, key: str, fingerprint: str, idea_id: uuid.UUID) -> dict:
        """Store the key for `idea_id`, or return the row of whoever stored it first."""
        self.conn.execute(
            "insert into idempotency_keys (key, request_fingerprint, idea_id) values (%s, %s, %s)"
            " on conflict (key) do nothing",
            (key, fingerprint, idea_id),
        )
        return self.conn.execute(
            "select request_fingerprint, idea_id from idempotency_keys where key = %s", (key,)
        ).fetchone()

    def find_by_idempotency_key(self, key: str) -> dict | None:
        return self.conn.execute(
            "select request_fingerprint, idea_id from idempotency_keys where key = %s", (key,)
        ).fetchone()

    def open311_requests(
        self, settled: bool | None, start, end, categories: list[str] | None, limit: int
    ) -> list[Idea]:
        """Published ideas the city has settled (`settled` True: answered SETTLED), not settled
        (False) or either (None), submitted from `start` to `end` (inclusive; None: open-ended), in
        `categories` (None: all), newest first: the service requests of Open311's requests.json."""
        rows = self.conn.execute(
            f"select {_IDEA_COLUMNS} from ideas"
            " where status = %(published)s"
            " and (%(settled)s::boolean is null"
            " or coalesce(official_status = any(%(settling)s), false) = %(settled)s)"
            " and submitted_at >= %(start)s and (%(end)s::timestamptz is null or submitted_at <= %(end)s)"
            " and (%(categories)s::text[] is null or category = any(%(categories)s))"
            " order by submitted_at desc, id limit %(limit)s",
            {
                "published": PUBLISHED,
                "settled": settled,
                "settling": list(SETTLED),
                "start": start,
                "end": end,
                "categories": categories,
                "limit": limit,
            },
        ).fetchall()
        return [Idea(**row) for row in rows]

    def add_assistance(self, idea_id: uuid.UUID, staff_user_id: uuid.UUID, consent_given_at) -> None:
        self.conn.execute(
            "insert into assisted_submissions (idea_id, staff_user_id, consent_given_at) values (%s, %s, %s)",
            (idea_id, staff_user_id, consent_given_at),
        )

    def add_answer(self, answer: Answer, staff_user_id: uuid.UUID) -> None:
        self.conn.execute(
            "insert into answers (id, idea_id, official_status, previous_status, text, answered_at, answered_by)"
            " values (%s, %s, %s, %s, %s, %s, %s)",
            (
                answer.id,
                answer.idea_id,
                answer.official_status,
                answer.previous_status,
                answer.text,
                answer.answered_at,
                staff_user_id,
            ),
        )
        self.conn.execute(
            "update ideas set official_status = %s where id = %s", (answer.official_status, answer.idea_id)
        )

    def answers(self, idea_id: uuid.UUID) -> list[Answer]:
        """The idea's answers, oldest first; never who gave them."""
        rows = self.conn.execute(
            "select id, idea_id, official_status, previous_status, text, answered_at from answers"
            " where idea_id = %s order by answered_at, id",
            (idea_id,),
        ).fetchall()
        return [Answer(**row) for row in rows]

    def process(self, process_id: str, for_update: bool = False) -> Process | None:
        lock = " for update" if for_update else ""
        row = self.conn.execute(
            f"select {_PROCESS_COLUMNS} from processes where id = %s{lock}", (process_id,)
        ).fetchone()
        return Process(**row) if row else None

    def add_process(self, new: Process) -> bool:
        """False if a process with its id exists already."""
        return (
            self.conn.execute(
                f"insert into processes ({_PROCESS_COLUMNS}) values (%s, %s, %s, %s, %s, %s)"
                " on conflict (id) do nothing returning id",
                (new.id, new.title, new.description, new.categories, new.opens_on, new.closes_on),
            ).fetchone()
            is not None
        )

    def save_process(self, changed: Process) -> None:
        self.conn.execute(
            "update processes set title = %s, description = %s, categories = %s, opens_on = %s,"
            " closes_on = %s where id = %s",
            (changed.title, changed.description, changed.categories, changed.opens_on, changed.closes_on, changed.id),
        )

    def processes_with_figures(self, process_id: str | None = None) -> list[tuple[Process, dict]]:
        """Every process (or the one with `process_id`) with its figures: the standing one first, then
        the newest by opening day."""
        rows = self.conn.execute(
            "select p.id, p.title, p.description, p.categories, p.opens_on, p.closes_on,"
            " count(i.id) as ideas_submitted, count(i.id) filter (where i.status = %s) as ideas_published"
            " from processes p left join ideas i on i.process_id = p.id"
            " where %s::text is null or p.id = %s"
            " group by p.id order by p.opens_on desc nulls first, p.id",
            (PUBLISHED, process_id, process_id),
        ).fetchall()
        return [
            (
                Process(
                    **{key: row[key] for key in ("id", "title", "description", "categories", "opens_on", "closes_on")}
                ),
                {"ideas_submitted": row["ideas_submitted"], "ideas_published": row["ideas_published"]},
            )
            for row in rows
        ]
