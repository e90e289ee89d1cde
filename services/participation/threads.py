"""Comment threads one level deep: which parent a comment may answer, and how threads are shown; pure."""

from aufbruch.contracts.errors import InvalidInput

POSTED = "posted"


def check_parent(parent: dict | None, idea_id) -> None:
    """InvalidInput naming parent_id unless `parent` is a visible top-level comment on `idea_id`."""
    if parent is None or parent["idea_id"] != idea_id:
        raise InvalidInput({"parent_id": ["No comment with this id on this idea."]})
    if parent["parent_id"] is not None:
        raise InvalidInput({"parent_id": ["Replies can only answer a top-level comment, not another reply."]})
    if parent["status"] != POSTED or parent["hidden"]:
        raise InvalidInput({"parent_id": ["This comment is not visible and cannot be answered."]})


def threads(visible: list[dict]) -> list[dict]:
    """Top-level comments in the given order, each with its replies; a reply whose parent is not
    among `visible` (hidden) is not shown either."""
    tops = {comment["id"]: comment | {"replies": []} for comment in visible if comment["parent_id"] is None}
    for comment in visible:
        if comment["parent_id"] in tops:
            tops[comment["parent_id"]]["replies"].append(comment)
    return list(tops.values())
