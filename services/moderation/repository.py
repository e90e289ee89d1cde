"""Every SQL statement of the moderation service, as the methods of one transaction's `Repository`.

Ideas and comments live in tables of their own (public_ideas and flags, comments and comment_flags);
`_TABLES` names them per subject type, so flags, hides, cases and the trail have one statement each.
"""

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from psycopg.types.json import Jsonb

from aufbruch.unit_of_work import Transaction
from services.moderation.rules import NEAR_DUPLICATE_THRESHOLD, SimilarIdea, Verdict
from services.moderation.subjects import COMMENT, IDEA, Subject

SCHEMA = "moderation"
MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class _Tables:
    rows: str  # the subjects citizens may flag, with their `hidden`
    columns: str  # `idea_id, comment_id, hidden` of a row
    key: str  # the subject's id, in its rows, flags, cases and trail
    flaggable: str  # the condition on a row for it to be flagged or hidden
    flags: str


_TABLES = {
    IDEA: _Tables("public_ideas", "idea_id, null::uuid as comment_id, hidden", "idea_id", "true", "flags"),
    COMMENT: _Tables("comments", "idea_id, comment_id, hidden", "comment_id", "posted", "comment_flags"),
}
_CASE_COLUMNS = (
    "id, idea_id, subject_type, comment_id, kind, status, reasons, findings, opened_at, decided_at,"
    " decision, decision_reason"
)
# Moderators judge the text itself, so a case is shown with the text moderation received.
_CASE_WITH_TEXT = (
    f"select {_CASE_COLUMNS}, case when subject_type = 'comment'"
    " then (select text from comments c where c.comment_id = cases.comment_id)"
    " else (select text from idea_texts t where t.idea_id = cases.idea_id) end as text"
)
_CLOSE = "update cases set status = 'decided', decided_at = now(), decision = %s, decision_reason = %s"


def findings_of(verdict: Verdict) -> list[dict]:
    return [asdict(finding) for finding in verdict.findings]


class Repository(Transaction):
    # --- automatic decisions ---------------------------------------------------------------------

    def record_decision(self, idea_id: uuid.UUID, verdict: Verdict, decided_at: datetime) -> bool:
        """Store the automatic decision on an idea; False if the idea was decided before."""
        row = self.conn.execute(
            "insert into decisions (idea_id, outcome, reasons, findings, actor_kind, decided_at)"
            " values (%s, %s, %s, %s, 'automatic', %s) on conflict (idea_id) do nothing returning idea_id",
            (idea_id, verdict.outcome, verdict.reasons, Jsonb(findings_of(verdict)), decided_at),
        ).fetchone()
        return row is not None

    def remember_text(self, idea_id: uuid.UUID, text: str) -> None:
        """Keep an idea's text (rules.combined_text) so later ideas can be compared with it; once per idea."""
        self.conn.execute(
            "insert into idea_texts (idea_id, text) values (%s, %s) on conflict (idea_id) do nothing", (idea_id, text)
        )

    def similar_ideas(
        self, idea_id: uuid.UUID, text: str, limit: int = 3, min_similarity: float = NEAR_DUPLICATE_THRESHOLD
    ) -> list[SimilarIdea]:
        """The ideas (other than idea_id) whose texts are at least min_similarity similar to text, most similar first.

        similarity() rather than word_similarity(): both texts are whole ideas, and similarity() compares
        them symmetrically as wholes. word_similarity(a, b) scores how well a matches the best-fitting
        stretch of b, so a short idea would count as a duplicate of any long idea that happens to use its
        words, and the score would depend on which idea came first.

        The `%` operator lets the GIN index pick the candidates; it compares with pg_trgm's threshold,
        which set_config(..., true) sets for this transaction only. set_limit() would set it for the
        pooled connection's whole session and so leak into whoever uses the connection next. Run this in
        a transaction (the service's `db.transaction()` is one); the explicit similarity() condition keeps
        the result right even where the threshold did not stick.
        """
        self.conn.execute("select set_config('pg_trgm.similarity_threshold', %s, true)", (str(min_similarity),))
        rows = self.conn.execute(
            "select idea_id, similarity(text, %(text)s) as similarity from idea_texts"
            " where text %% %(text)s and similarity(text, %(text)s) >= %(min)s and idea_id <> %(idea_id)s"
            " order by similarity desc, seen_at, idea_id limit %(limit)s",
            {"text": text, "min": min_similarity, "idea_id": idea_id, "limit": limit},
        ).fetchall()
        return [SimilarIdea(row["idea_id"], row["similarity"]) for row in rows]

    def remember_comment(self, comment_id: uuid.UUID, idea_id: uuid.UUID, text: str) -> bool:
        """Keep a comment's text for its case; False if it was seen before."""
        row = self.conn.execute(
            "insert into comments (comment_id, idea_id, text) values (%s, %s, %s)"
            " on conflict (comment_id) do nothing returning comment_id",
            (comment_id, idea_id, text),
        ).fetchone()
        return row is not None

    def mark_comment_posted(self, comment_id: uuid.UUID) -> None:
        self.conn.execute("update comments set posted = true where comment_id = %s", (comment_id,))

    def remember_public_idea(self, idea_id: uuid.UUID) -> None:
        self.conn.execute("insert into public_ideas (idea_id) values (%s) on conflict do nothing", (idea_id,))

    # --- cases -----------------------------------------------------------------------------------

    def open_case(self, subject: Subject, kind: str, reasons: list[str], findings: list[dict]) -> dict | None:
        """Open a case on the subject; None if one is open already (its reasons then cover this too)."""
        key = _TABLES[subject.type].key
        return self.conn.execute(
            f"insert into cases (id, idea_id, comment_id, subject_type, kind, reasons, findings)"
            f" values (%s, %s, %s, %s, %s, %s, %s) on conflict ({key})"
            f" where status = 'open' and subject_type = '{subject.type}' do nothing returning {_CASE_COLUMNS}",
            (uuid.uuid4(), subject.idea_id, subject.comment_id, subject.type, kind, reasons, Jsonb(findings)),
        ).fetchone()

    def open_cases(self, limit: int, offset: int) -> list[dict]:
        return self.conn.execute(
            f"{_CASE_WITH_TEXT} from cases where status = 'open' order by opened_at, id limit %s offset %s",
            (limit, offset),
        ).fetchall()

    def case(self, case_id: uuid.UUID) -> dict | None:
        return self.conn.execute(f"{_CASE_WITH_TEXT} from cases where id = %s", (case_id,)).fetchone()

    def close_case(self, case_id: uuid.UUID, decision: str, reason: str) -> dict | None:
        """Decide an open case; None if it was not open, so that of two moderators only the first wins."""
        return self.conn.execute(
            f"{_CLOSE} where id = %s and status = 'open' returning {_CASE_COLUMNS}", (decision, reason, case_id)
        ).fetchone()

    def close_open_case(self, subject: Subject, decision: str, reason: str) -> dict | None:
        """Decide the subject's open case, if there is one."""
        return self.conn.execute(
            f"{_CLOSE} where {_TABLES[subject.type].key} = %s and subject_type = %s and status = 'open'"
            f" returning {_CASE_COLUMNS}",
            (decision, reason, subject.id, subject.type),
        ).fetchone()

    # --- the trail -------------------------------------------------------------------------------

    def audit(
        self,
        subject: Subject,
        action: str,
        actor: dict,
        *,
        case_id=None,
        outcome=None,
        reasons=(),
        findings=None,
        note=None,
    ) -> None:
        self.conn.execute(
            "insert into audit_log (idea_id, comment_id, case_id, actor_kind, actor_id, actor_name, action, outcome,"
            " reasons, findings, note) values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                subject.idea_id,
                subject.comment_id,
                case_id,
                actor["kind"],
                actor.get("user_id"),
                actor.get("username"),
                action,
                outcome,
                list(reasons),
                Jsonb(findings) if findings is not None else None,
                note,
            ),
        )

    def history(self, subject: Subject) -> list[dict]:
        """The trail of the subject: an idea's own entries, or its comment's."""
        condition = "comment_id = %s" if subject.type == COMMENT else "idea_id = %s and comment_id is null"
        return self.conn.execute(
            "select at, actor_kind, actor_name, action, outcome, reasons, findings, note, case_id"
            f" from audit_log where {condition} order by id",
            (subject.id,),
        ).fetchall()

    # --- flags and visibility --------------------------------------------------------------------

    def flaggable(self, subject_type: str, subject_id: uuid.UUID) -> Subject | None:
        """The published idea or posted comment `subject_id`, locked (serialising its flags), or None."""
        tables = _TABLES[subject_type]
        row = self.conn.execute(
            f"select {tables.columns} from {tables.rows} where {tables.key} = %s and {tables.flaggable} for update",
            (subject_id,),
        ).fetchone()
        return Subject.of(row) if row else None

    def set_hidden(self, subject: Subject, hidden: bool) -> None:
        tables = _TABLES[subject.type]
        self.conn.execute(f"update {tables.rows} set hidden = %s where {tables.key} = %s", (hidden, subject.id))

    def add_flag(self, subject: Subject, reporter_key: str, reason: str) -> bool:
        """Record a reporter's flag; False if they flagged the subject before."""
        tables = _TABLES[subject.type]
        row = self.conn.execute(
            f"insert into {tables.flags} ({tables.key}, reporter_key, reason) values (%s, %s, %s)"
            " on conflict do nothing returning reporter_key",
            (subject.id, reporter_key, reason),
        ).fetchone()
        return row is not None

    def flag_reasons(self, subject: Subject) -> list[tuple[str, int]]:
        """Each reason given for flagging the subject with how many gave it, most frequent first."""
        tables = _TABLES[subject.type]
        rows = self.conn.execute(
            f"select reason, count(*) as n from {tables.flags} where {tables.key} = %s group by reason"
            " order by count(*) desc, reason",
            (subject.id,),
        ).fetchall()
        return [(row["reason"], row["n"]) for row in rows]
