"""Every SQL statement of the moderation service."""

import uuid
from dataclasses import asdict
from datetime import datetime

from psycopg.types.json import Jsonb

from services.moderation.rules import NEAR_DUPLICATE_THRESHOLD, SimilarIdea, Verdict


def findings_of(verdict: Verdict) -> list[dict]:
    return [asdict(finding) for finding in verdict.findings]


def record_decision(conn, idea_id: uuid.UUID, verdict: Verdict, decided_at: datetime) -> bool:
    """Store the automatic decision on an idea; False if the idea was decided before."""
    findings = findings_of(verdict)
    row = conn.execute(
        "insert into decisions (idea_id, outcome, reasons, findings, actor_kind, decided_at)"
        " values (%s, %s, %s, %s, 'automatic', %s) on conflict (idea_id) do nothing returning idea_id",
        (idea_id, verdict.outcome, verdict.reasons, Jsonb(findings), decided_at),
    ).fetchone()
    return row is not None


_CASE_COLUMNS = (
    "id, idea_id, subject_type, comment_id, kind, status, reasons, findings, opened_at, decided_at,"
    " decision, decision_reason"
)


def open_case(
    conn, idea_id: uuid.UUID, kind: str, reasons: list[str], findings: list[dict], comment_id: uuid.UUID | None = None
) -> dict | None:
    """Open a case for the idea (or its comment); None if one is open already (its reasons then cover this too)."""
    subject = ("comment_id", "comment") if comment_id else ("idea_id", "idea")
    return conn.execute(
        f"insert into cases (id, idea_id, comment_id, subject_type, kind, reasons, findings)"
        f" values (%s, %s, %s, %s, %s, %s, %s) on conflict ({subject[0]})"
        f" where status = 'open' and subject_type = '{subject[1]}' do nothing returning {_CASE_COLUMNS}",
        (uuid.uuid4(), idea_id, comment_id, subject[1], kind, reasons, Jsonb(findings)),
    ).fetchone()


# Moderators judge the text itself, so a case is shown with the text moderation received.
_CASE_WITH_TEXT = (
    f"select {_CASE_COLUMNS}, case when subject_type = 'comment'"
    " then (select text from comments c where c.comment_id = cases.comment_id)"
    " else (select text from idea_texts t where t.idea_id = cases.idea_id) end as text"
)


def open_cases(conn, limit: int, offset: int) -> list[dict]:
    return conn.execute(
        f"{_CASE_WITH_TEXT} from cases where status = 'open' order by opened_at, id limit %s offset %s", (limit, offset)
    ).fetchall()


def get_case(conn, case_id: uuid.UUID) -> dict | None:
    return conn.execute(f"{_CASE_WITH_TEXT} from cases where id = %s", (case_id,)).fetchone()


def close_case(conn, case_id: uuid.UUID, decision: str, reason: str) -> dict | None:
    """Decide an open case; None if it was not open, so that of two moderators only the first wins."""
    return conn.execute(
        f"update cases set status = 'decided', decided_at = now(), decision = %s, decision_reason = %s"
        f" where id = %s and status = 'open' returning {_CASE_COLUMNS}",
        (decision, reason, case_id),
    ).fetchone()


def close_open_case(
    conn, idea_id: uuid.UUID, decision: str, reason: str, comment_id: uuid.UUID | None = None
) -> dict | None:
    """Decide the open case of the idea, or of its comment `comment_id`, if there is one."""
    subject = "comment_id = %s and subject_type = 'comment'" if comment_id else "idea_id = %s and subject_type = 'idea'"
    return conn.execute(
        f"update cases set status = 'decided', decided_at = now(), decision = %s, decision_reason = %s"
        f" where {subject} and status = 'open' returning {_CASE_COLUMNS}",
        (decision, reason, comment_id or idea_id),
    ).fetchone()


def audit(
    conn,
    idea_id: uuid.UUID,
    action: str,
    actor: dict,
    *,
    case_id=None,
    outcome=None,
    reasons=(),
    findings=None,
    note=None,
    comment_id=None,
) -> None:
    conn.execute(
        "insert into audit_log (idea_id, comment_id, case_id, actor_kind, actor_id, actor_name, action, outcome,"
        " reasons, findings, note) values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            idea_id,
            comment_id,
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


def history(conn, idea_id: uuid.UUID, comment_id: uuid.UUID | None = None) -> list[dict]:
    """The trail of the idea itself, or of its comment `comment_id`."""
    subject = "comment_id = %s" if comment_id else "idea_id = %s and comment_id is null"
    return conn.execute(
        "select at, actor_kind, actor_name, action, outcome, reasons, findings, note, case_id"
        f" from audit_log where {subject} order by id",
        (comment_id or idea_id,),
    ).fetchall()


def remember_public_idea(conn, idea_id: uuid.UUID) -> None:
    conn.execute("insert into public_ideas (idea_id) values (%s) on conflict do nothing", (idea_id,))


def public_idea(conn, idea_id: uuid.UUID, for_update: bool = False) -> dict | None:
    lock = " for update" if for_update else ""
    return conn.execute(f"select idea_id, hidden from public_ideas where idea_id = %s{lock}", (idea_id,)).fetchone()


def set_hidden(conn, idea_id: uuid.UUID, hidden: bool) -> None:
    conn.execute("update public_ideas set hidden = %s where idea_id = %s", (hidden, idea_id))


def add_flag(conn, idea_id: uuid.UUID, reporter_key: str, reason: str) -> bool:
    row = conn.execute(
        "insert into flags (idea_id, reporter_key, reason) values (%s, %s, %s)"
        " on conflict do nothing returning idea_id",
        (idea_id, reporter_key, reason),
    ).fetchone()
    return row is not None


def flag_count(conn, idea_id: uuid.UUID) -> int:
    return conn.execute("select count(*) as n from flags where idea_id = %s", (idea_id,)).fetchone()["n"]


def flag_reasons(conn, idea_id: uuid.UUID) -> list[str]:
    return [
        row["reason"]
        for row in conn.execute(
            "select reason from flags where idea_id = %s group by reason order by count(*) desc, reason", (idea_id,)
        ).fetchall()
    ]


def remember_text(conn, idea_id: uuid.UUID, text: str) -> None:
    """Keep an idea's text (rules.combined_text) so later ideas can be compared with it; once per idea."""
    conn.execute(
        "insert into idea_texts (idea_id, text) values (%s, %s) on conflict (idea_id) do nothing", (idea_id, text)
    )


def similar_ideas(
    conn, idea_id: uuid.UUID, text: str, limit: int = 3, min_similarity: float = NEAR_DUPLICATE_THRESHOLD
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
    conn.execute("select set_config('pg_trgm.similarity_threshold', %s, true)", (str(min_similarity),))
    rows = conn.execute(
        "select idea_id, similarity(text, %(text)s) as similarity from idea_texts"
        " where text %% %(text)s and similarity(text, %(text)s) >= %(min)s and idea_id <> %(idea_id)s"
        " order by similarity desc, seen_at, idea_id limit %(limit)s",
        {"text": text, "min": min_similarity, "idea_id": idea_id, "limit": limit},
    ).fetchall()
    return [SimilarIdea(row["idea_id"], row["similarity"]) for row in rows]


def remember_comment(conn, comment_id: uuid.UUID, idea_id: uuid.UUID, text: str) -> bool:
    """Keep a comment's text for its case; False if it was seen before."""
    row = conn.execute(
        "insert into comments (comment_id, idea_id, text) values (%s, %s, %s)"
        " on conflict (comment_id) do nothing returning comment_id",
        (comment_id, idea_id, text),
    ).fetchone()
    return row is not None


def mark_comment_posted(conn, comment_id: uuid.UUID) -> None:
    conn.execute("update comments set posted = true where comment_id = %s", (comment_id,))


def comment(conn, comment_id: uuid.UUID, for_update: bool = False) -> dict | None:
    lock = " for update" if for_update else ""
    return conn.execute(
        f"select comment_id, idea_id, posted, hidden from comments where comment_id = %s{lock}", (comment_id,)
    ).fetchone()


def set_comment_hidden(conn, comment_id: uuid.UUID, hidden: bool) -> None:
    conn.execute("update comments set hidden = %s where comment_id = %s", (hidden, comment_id))


def add_comment_flag(conn, comment_id: uuid.UUID, reporter_key: str, reason: str) -> bool:
    row = conn.execute(
        "insert into comment_flags (comment_id, reporter_key, reason) values (%s, %s, %s)"
        " on conflict do nothing returning comment_id",
        (comment_id, reporter_key, reason),
    ).fetchone()
    return row is not None


def comment_flag_reasons(conn, comment_id: uuid.UUID) -> list[tuple[str, int]]:
    """Each reason given for flagging the comment with how many gave it, most frequent first."""
    return [
        (row["reason"], row["n"])
        for row in conn.execute(
            "select reason, count(*) as n from comment_flags where comment_id = %s group by reason"
            " order by count(*) desc, reason",
            (comment_id,),
        ).fetchall()
    ]
