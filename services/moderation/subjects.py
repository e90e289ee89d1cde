"""What a case, a flag, a hide and an audit entry are about: an idea, or a comment on an idea; pure.

Ideas and comments share one path through flags, hides, cases and the trail; a `Subject` carries the
difference (which id, which events), so no use case exists twice.
"""

import uuid
from dataclasses import dataclass

IDEA, COMMENT = "idea", "comment"
# What a subject must be for citizens to flag it and moderators to hide it (as NotFound says).
FLAGGABLE = {IDEA: "published idea", COMMENT: "posted comment"}


@dataclass(frozen=True)
class Subject:
    type: str
    idea_id: uuid.UUID
    comment_id: uuid.UUID | None = None
    hidden: bool = False

    @classmethod
    def idea(cls, idea_id: uuid.UUID, hidden: bool = False) -> "Subject":
        return cls(IDEA, idea_id, None, hidden)

    @classmethod
    def comment(cls, comment_id: uuid.UUID, idea_id: uuid.UUID, hidden: bool = False) -> "Subject":
        return cls(COMMENT, idea_id, comment_id, hidden)

    @classmethod
    def of(cls, row: dict) -> "Subject":
        """The subject of a case or audit row (`idea_id`, `comment_id` set for a comment's)."""
        if row["comment_id"]:
            return cls.comment(row["comment_id"], row["idea_id"], row.get("hidden", False))
        return cls.idea(row["idea_id"], row.get("hidden", False))

    @property
    def id(self) -> uuid.UUID:
        """The idea's id, or the comment's."""
        return self.comment_id or self.idea_id

    @property
    def in_events(self) -> dict:
        """How events name the subject: a comment's events also name its idea."""
        if self.comment_id:
            return {"comment_id": self.comment_id, "idea_id": self.idea_id}
        return {"idea_id": self.idea_id}

    @property
    def decided_event(self) -> str:
        # moderation.decided means a decision on an idea to its consumers (ideas, reporting).
        return "comment.moderated" if self.comment_id else "moderation.decided"
