"""Helpers for tests of the notifications service against the tests' SMTP server."""

import uuid
from urllib.parse import parse_qs, urlsplit

from nameko.testing.services import entrypoint_hook

from services.ideas.service import IdeasService
from tests.support.infrastructure import free_port, wait_until

WAIT = 30  # the SMTP sink is shared with the end-to-end platform, which may still be mailing


def start(container_factory, service_class, config):
    container = container_factory(service_class, config)
    container.start()
    return container


def call(container, method: str, *args):
    with entrypoint_hook(container, method) as hook:
        return hook(*args)


def address(prefix: str = "citizen") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.org"


def text_of(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def html_of(mail) -> str:
    return mail.get_body(("html",)).get_content()


def wait_for_mails(smtp_sink, to: str, expected: int, timeout: float = WAIT) -> list:
    return wait_until(
        lambda: len(messages := smtp_sink.messages_to(to)) >= expected and messages,
        timeout=timeout,
        message=f"{expected} mail(s) to {to}",
    )


def link_token(url: str) -> str:
    [token] = parse_qs(urlsplit(url).query)["token"]
    return token


def unsubscribe_url(mail) -> str:
    """The URL of the mail's List-Unsubscribe header (RFC 8058)."""
    return mail["List-Unsubscribe"].strip("<>")


def confirmation_url(mail) -> str:
    """The confirmation link in the mail's text: the web's page (PUBLIC_WEB_URL), which calls the API."""
    [url] = [line.strip() for line in text_of(mail).splitlines() if "/abo/bestaetigen?token=" in line]
    return url


def links_in(mail) -> list[str]:
    """Every link in the mail's text."""
    return [word for line in text_of(mail).splitlines() for word in line.split() if word.startswith("http")]


def start_ideas(container_factory, config):
    """The ideas service with its own HTTP port: `container.base_url` is its /api/v1."""
    port = free_port()
    container = start(container_factory, IdeasService, config | {"WEB_SERVER_ADDRESS": f"127.0.0.1:{port}"})
    container.base_url = f"http://127.0.0.1:{port}/api/v1"
    return container
