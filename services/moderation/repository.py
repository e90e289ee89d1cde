"""Every SQL statement of the moderation service."""
import uuid
from datetime import datetime

from psycopg.types.json import Jsonb

from services.moderation.rules import Verdict


def record_decision(conn, idea_id: uuid.UUID, verdict: Verdict, decided_at: datetime) -> bool:
    """Store the automatic decision on an idea; False if the idea was decided before."""
    findings = [{"reason": f.reason, "outcome": f.outcome, "detail": f.detail} for f in verdict.findings]
    row = conn.execute(
        "insert into decisions (idea_id, outcome, reasons, findings, actor_kind, decided_at)"
        " values (%s, %s, %s, %s, 'automatic', %s) on conflict (idea_id) do nothing returning idea_id",
        (idea_id, verdict.outcome, verdict.reasons, Jsonb(findings), decided_at),
    ).fetchone()
    return row is not None
