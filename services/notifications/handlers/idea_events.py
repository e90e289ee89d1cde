"""The mails an idea's events owe: to its submitter (whose address ideas gives by RPC, as `contact`)
and to its confirmed followers. Each event takes effect once (the inbox)."""

from aufbruch.contracts.events import Event
from services.notifications.handlers.owing import owe
from services.notifications.repository import Repository, Work
from services.notifications.settings import NotificationSettings

# What a followed idea's change tells its followers: event type -> (template, the data field that
# dates the change). Another change is one entry here, its template in templates/<locale>/ and a
# handler calling `tell_followers`.
FOLLOWED_CHANGES = {
    "idea.published": ("follower_published", "published_at"),
    "idea.rejected": ("follower_rejected", "rejected_at"),
    "idea.hidden": ("follower_hidden", "hidden_at"),
    "idea.unhidden": ("follower_unhidden", "unhidden_at"),
    "idea.status_changed": ("follower_status_changed", "answered_at"),
}


def _mail_submitter(
    repository: Repository,
    settings: NotificationSettings,
    contact: dict | None,
    idea_id,
    kind: str,
    dedup_key: str,
    **context,
) -> None:
    if contact is None:  # no address given: nobody to tell
        return
    owe(
        repository,
        settings,
        template=kind,
        recipient=contact["email"],
        locale=contact["locale"],
        name=contact["name"],
        dedup_key=dedup_key,
        list_id=f"idea:{idea_id}",
        idea_id=idea_id,
        title=contact["title"],
        idea_url=settings.links.idea_url(idea_id, contact["locale"]),
        **context,
    )


def tell_followers(repository: Repository, settings: NotificationSettings, event: Event, **context) -> None:
    """Owe each confirmed follower of the event's idea the mail FOLLOWED_CHANGES names for it."""
    template, dated_by = FOLLOWED_CHANGES[event.type]
    idea_id = event.data["idea_id"]
    change = f"{event.type}@{event.data[dated_by].isoformat()}"
    for follower in repository.confirmed_followers(idea_id):
        owe(
            repository,
            settings,
            template=template,
            kind="follower_update",
            recipient=follower["email"],
            locale=follower["locale"],
            dedup_key=f"follower_update:{follower['id']}:{change}",
            list_id=f"follower:{follower['id']}",
            idea_id=idea_id,
            title=follower["idea_title"],
            idea_url=settings.links.idea_url(idea_id, follower["locale"]),
            **context,
        )


def idea_submitted(uow: Work, settings: NotificationSettings, event: Event, contact: dict | None) -> None:
    idea_id = event.data["idea_id"]
    with uow.transaction() as repository:
        if repository.first_delivery(event):
            _mail_submitter(repository, settings, contact, idea_id, "receipt", f"receipt:{idea_id}")


def idea_published(uow: Work, settings: NotificationSettings, event: Event, contact: dict | None) -> None:
    data = event.data
    with uow.transaction() as repository:
        if not repository.first_delivery(event):
            return
        repository.record_published(data["idea_id"], data["title"], data["category"], data["published_at"])
        _mail_submitter(repository, settings, contact, data["idea_id"], "published", f"published:{data['idea_id']}")
        tell_followers(repository, settings, event)


def idea_rejected(uow: Work, settings: NotificationSettings, event: Event, contact: dict | None) -> None:
    data = event.data
    with uow.transaction() as repository:
        if not repository.first_delivery(event):
            return
        repository.set_hidden(data["idea_id"], True)  # a hidden idea rejected for good stays out
        _mail_submitter(
            repository,
            settings,
            contact,
            data["idea_id"],
            "rejected",
            f"rejected:{data['idea_id']}",
            reason_codes=data["reasons"],
        )
        tell_followers(repository, settings, event, reason_codes=data["reasons"])


def idea_hidden(uow: Work, settings: NotificationSettings, event: Event, contact: dict | None) -> None:
    data = event.data
    with uow.transaction() as repository:
        if not repository.first_delivery(event):
            return
        repository.set_hidden(data["idea_id"], True)
        _mail_submitter(
            repository,
            settings,
            contact,
            data["idea_id"],
            "hidden",
            f"hidden:{data['idea_id']}@{data['hidden_at'].isoformat()}",
            reason_code=data["reason"],
        )
        tell_followers(repository, settings, event, reason_code=data["reason"])


def idea_unhidden(uow: Work, settings: NotificationSettings, event: Event) -> None:
    with uow.transaction() as repository:
        if repository.first_delivery(event):
            repository.set_hidden(event.data["idea_id"], False)
            tell_followers(repository, settings, event)


def idea_status_changed(uow: Work, settings: NotificationSettings, event: Event, contact: dict | None) -> None:
    """The city answered the idea: its submitter and its followers read the answer in their mail."""
    data = event.data
    answer = {"official_status": data["official_status"], "answer": data["answer"]}
    with uow.transaction() as repository:
        if not repository.first_delivery(event):
            return
        _mail_submitter(
            repository,
            settings,
            contact,
            data["idea_id"],
            "status_changed",
            f"status_changed:{data['answer_id']}",
            **answer,
        )
        tell_followers(repository, settings, event, **answer)
