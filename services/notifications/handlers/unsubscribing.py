"""Ending what a mail came from (its unsubscribe link names only the mail), and erasing an address."""

import uuid
from datetime import UTC, datetime

from aufbruch.contracts.errors import InvalidInput, validated
from aufbruch.contracts.notifications import ErasureRequest
from aufbruch.pseudonyms import pseudonym
from services.notifications.links import InvalidLink
from services.notifications.repository import Work
from services.notifications.settings import NotificationSettings


def _mail_id(settings: NotificationSettings, token: str) -> uuid.UUID:
    try:
        return settings.links.read_unsubscribe(token)
    except InvalidLink:
        raise InvalidInput({"token": ["The link is invalid."]}) from None


def unsubscribe_scope(uow: Work, settings: NotificationSettings, token: str) -> str | None:
    """What the link unsubscribes from (`idea`, `follower`, `digest`, `moderator_alerts`), None if
    it is done already (the address was erased); InvalidInput for a link we did not sign."""
    mail_id = _mail_id(settings, token)
    with uow.transaction() as repository:
        found = repository.mail(mail_id)
    return found["list_id"].partition(":")[0] if found else None


def unsubscribe(uow: Work, settings: NotificationSettings, token: str) -> dict | None:
    """End what the mail behind `token` came from, for its recipient: a follow or digest
    subscription is deleted; for the submitter's mails about an idea and moderator alerts the
    address (as a keyed hash) is kept on an opt-out list. Pending mails of that list are cancelled.
    Returns {"scope", "recipient"} (so the caller may erase the address), None if the address is
    gone already. Repeating it changes nothing."""
    mail_id = _mail_id(settings, token)
    with uow.transaction() as repository:
        found = repository.mail(mail_id)
        if found is None:
            return None
        repository.add_opt_out(pseudonym(settings.pseudonym_secret, found["recipient"]), found["list_id"])
        repository.end_subscription(found["list_id"])
        repository.cancel_pending(found["recipient"], found["list_id"])
    return {"scope": found["list_id"].partition(":")[0], "recipient": found["recipient"]}


def erasure_address(payload) -> str:
    return validated(ErasureRequest(), payload)["email"]


def erase(uow: Work, email: str, submissions_erased: int, requested_by: str) -> dict:
    """Delete the address from notifications (ideas already forgot it: `submissions_erased`) and
    announce `person.erased`, which never says whose address it was."""
    with uow.transaction() as repository:
        subscriptions, mails = repository.erase_address(email)
        erasure_id, erased_at = uuid.uuid4(), datetime.now(UTC)
        erasure = {
            "requested_by": requested_by,
            "submissions_erased": submissions_erased,
            "subscriptions_erased": subscriptions,
            "mails_erased": mails,
        }
        repository.add_event("person.erased", erasure | {"erasure_id": erasure_id, "erased_at": erased_at})
    return erasure | {"erasure_id": str(erasure_id), "erased_at": erased_at.isoformat()}
