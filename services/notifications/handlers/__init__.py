"""The notifications service's use cases, one module per concern; the entrypoints in service.py only
translate to them, with a unit of work (aufbruch.unit_of_work.UnitOfWork over repository.Repository, or an
in-memory fake in the unit tests).

Every mail is first *owed* (owing.py): rendered and stored in `mails` under a key naming its cause
and recipient, in the same transaction as the event that caused it is recorded as handled. A timer
delivers owed mails (sending.py), so a slow or absent mail server never holds up an event queue, and
neither a redelivered event nor a second replica can owe a mail twice.

- idea_events.py: the mails an idea's events owe its submitter and its followers
- subscriptions.py: following an idea, category digests, support confirmations, confirming (double opt-in)
- unsubscribing.py: unsubscribing from a mail's list, erasing an address
- batches.py: moderator alerts and digests, assembled on a timer
- sending.py: delivering owed mails, retrying and announcing them
"""
