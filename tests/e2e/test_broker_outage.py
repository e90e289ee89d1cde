"""RabbitMQ unreachable while ideas are submitted: every POST still gets 202, and every event
arrives once the broker is back (the ideas service accepts over HTTP and keeps events in its outbox)."""

import uuid

import pytest

from tests.support.ideas import distinct_idea
from tests.support.infrastructure import wait_until

pytestmark = pytest.mark.e2e


def test_ideas_are_accepted_during_a_broker_outage_and_flow_on_afterwards(platform):
    addresses = [f"outage-{uuid.uuid4().hex[:8]}@example.org" for _ in range(3)]
    platform.broker.cut()
    try:
        responses = [platform.submit(distinct_idea(author={"email": address})) for address in addresses]
        assert [response.status_code for response in responses] == [202, 202, 202]
        ids = [response.json()["id"] for response in responses]
        assert all(platform.idea(idea_id)["status"] == "submitted" for idea_id in ids)
    finally:
        platform.broker.restore()

    for idea_id in ids:
        # Consumers reconnect with growing pauses (kombu's back-off), so allow for a slow machine.
        assert platform.wait_for_status(idea_id, {"published"}, timeout=90)["status"] == "published"
    for address in addresses:
        wait_until(
            lambda address=address: len(platform.mail.messages_to(address)) == 2,
            timeout=60,
            message=f"both mails to {address}",
        )
