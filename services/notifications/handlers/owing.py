"""Owing a mail: rendered once, stored under a key that makes it owed once, unless its recipient
unsubscribed from its list."""

import uuid

from aufbruch.pseudonyms import pseudonym
from services.notifications import rendering
from services.notifications.repository import Repository
from services.notifications.settings import NotificationSettings


def owe(
    repository: Repository,
    settings: NotificationSettings,
    *,
    template: str,
    recipient: str,
    locale: str,
    dedup_key: str,
    list_id: str,
    kind: str | None = None,
    idea_id=None,
    name: str | None = None,
    **context,
) -> bool:
    """Render and store one mail unless it is owed already or the recipient unsubscribed from
    `list_id`; returns whether it was added. `kind` defaults to the template's name."""
    if repository.opted_out(pseudonym(settings.pseudonym_secret, recipient), list_id):
        return False
    mail_id = uuid.uuid4()
    rendered = rendering.render(
        template,
        locale,
        name=name,
        unsubscribe_url=settings.links.unsubscribe_page_url(mail_id, locale),
        **context,
    )
    return repository.add_mail(
        {
            "id": mail_id,
            "idea_id": idea_id,
            "kind": kind or template,
            "recipient": recipient,
            "subject": rendered.subject,
            "text_body": rendered.text,
            "html_body": rendered.html,
            "dedup_key": f"{dedup_key}:{recipient.lower()}",
            "list_id": list_id,
        }
    )
