"""A consumer killed with SIGKILL in the middle of its work, and one stopped with SIGTERM: nothing is
lost and every effect (count, mail) happens exactly once.

To catch a service deterministically in the middle of a message, it is restarted with its database
behind a private proxy, which the test pauses: the handler has taken the message and waits for the
database. The broker confirms it holds the message as unacknowledged; then the process is killed.
To catch a mail delivery in flight, the SMTP server is stopped (SIGSTOP): the delivery waits for its
greeting while the mail's row is locked by the delivering transaction.
"""

import os
import signal
import uuid

import pytest

from tests.support.ideas import distinct_idea
from tests.support.infrastructure import wait_until
from tests.support.proxy import CuttableProxy

pytestmark = pytest.mark.e2e


@pytest.fixture
def private_database(platform):
    proxy = CuttableProxy(5432).start()
    yield proxy
    proxy.stop()


@pytest.fixture
def stopped_mail_server(platform):
    """The SMTP server frozen (it accepts connections in the kernel but never greets); `resume()`."""
    process = platform.mail.process
    os.kill(process.pid, signal.SIGSTOP)
    resumed = []

    def resume():
        if not resumed:
            os.kill(process.pid, signal.SIGCONT)
            resumed.append(True)

    yield resume
    resume()


@pytest.fixture(autouse=True)
def every_service_running_afterwards(platform):
    """A failed test here must not leave the platform without a service for the tests after it."""
    yield
    platform.revive()


def unacknowledged(platform, queue: str) -> int:
    return platform.vhost.queue(queue).get("messages_unacknowledged", 0)  # the broker's view, a few s late


def kill_while_handling(platform, service: str, queue: str, proxy: CuttableProxy, idea: dict) -> str:
    """Submit `idea` while `service` waits for its database in the middle of the idea's event from
    `queue`, SIGKILL the service there, and start it again normally; returns the idea's id."""
    platform.restart_services(service, DATABASE_URL=platform.database_url_through(proxy))
    proxy.pause()
    idea_id = platform.submit(idea).json()["id"]
    wait_until(
        lambda: unacknowledged(platform, queue) >= 1 and proxy.held_bytes > 0,
        timeout=60,
        interval=0.5,
        message=f"{service} to hold the event of {queue} unacknowledged, waiting for its database",
    )
    assert platform.stop_service(service, signal.SIGKILL) == -signal.SIGKILL
    proxy.cut()  # the dead process's database sessions end (and roll back) with their connections
    platform.start_service(service)
    platform.wait_until_consuming(service)
    return idea_id


def ideas_in_total(platform) -> int:
    return platform.database.query("select count(*) from ideas.ideas")[0][0]


def test_reporting_killed_in_the_middle_of_an_event_counts_it_exactly_once(platform, private_database):
    idea_id = kill_while_handling(platform, "reporting", "reporting--idea.submitted", private_database, distinct_idea())

    wait_until(
        lambda: platform.database.query(
            "select 1 from reporting.idea_facts where idea_id = %s and submitted_at is not null", (idea_id,)
        ),
        timeout=60,
        message="the redelivered idea.submitted to be counted",
    )
    platform.wait_for_status(idea_id, {"published"})
    wait_until(
        lambda: platform.summary()["total"] == ideas_in_total(platform),
        timeout=60,
        message="reporting's total to equal the ideas accepted",
    )


def test_notifications_killed_in_the_middle_of_an_event_mails_exactly_once(platform, private_database):
    address = f"killed-{uuid.uuid4().hex[:8]}@example.org"
    idea_id = kill_while_handling(
        platform,
        "notifications",
        "notifications--idea.submitted",
        private_database,
        distinct_idea(author={"email": address}),
    )

    platform.wait_for_status(idea_id, {"published"})
    wait_until(
        lambda: len(platform.mail.messages_to(address)) == 2,
        timeout=60,
        message="the receipt (its event redelivered after the kill) and the publication mail",
    )
    mails = platform.database.query(
        "select kind, status from notifications.mails where idea_id = %s order by kind", (idea_id,)
    )
    assert mails == [("published", "sent"), ("receipt", "sent")]
    assert_each_mail_once(platform, address, 2)


def assert_each_mail_once(platform, address: str, expected: int) -> None:
    """A mail's Message-ID is its row's id: a mail sent twice would show it twice."""
    message_ids = [message["Message-ID"] for message in platform.mail.messages_to(address)]
    assert len(message_ids) == len(set(message_ids)) == expected, message_ids


def mail_row(platform, idea_id: str, kind: str = "receipt"):
    rows = platform.database.query(
        "select status from notifications.mails where idea_id = %s and kind = %s", (idea_id, kind)
    )
    return rows[0][0] if rows else None


def delivery_in_flight(platform, idea_id: str) -> bool:
    """The receipt is owed and its row locked: a delivering transaction holds it."""
    with_lock = platform.database.query(
        "select id from notifications.mails where idea_id = %s and kind = 'receipt' for update skip locked", (idea_id,)
    )
    return mail_row(platform, idea_id) == "pending" and not with_lock


def test_notifications_killed_while_a_mail_is_being_delivered_sends_it_once(platform, stopped_mail_server):
    address = f"killed-smtp-{uuid.uuid4().hex[:8]}@example.org"
    idea_id = platform.submit(distinct_idea(author={"email": address})).json()["id"]
    wait_until(
        lambda: delivery_in_flight(platform, idea_id),
        timeout=30,
        message="the receipt's delivery to wait for the frozen mail server",
    )

    assert platform.stop_service("notifications", signal.SIGKILL) == -signal.SIGKILL
    assert mail_row(platform, idea_id) == "pending"  # the delivering transaction died with the process
    stopped_mail_server()
    platform.start_service("notifications")

    wait_until(lambda: len(platform.mail.messages_to(address)) == 2, timeout=60, message="receipt and publication")
    wait_until(lambda: mail_row(platform, idea_id, "published") == "sent", timeout=30, message="publication sent")
    assert_each_mail_once(platform, address, 2)


def test_sigterm_lets_a_mail_delivery_in_flight_finish_and_loses_nothing(platform, stopped_mail_server):
    address = f"sigterm-{uuid.uuid4().hex[:8]}@example.org"
    idea_id = platform.submit(distinct_idea(author={"email": address})).json()["id"]
    wait_until(
        lambda: delivery_in_flight(platform, idea_id),
        timeout=30,
        message="the receipt's delivery to wait for the frozen mail server",
    )

    process = platform.processes["notifications"]
    process.send_signal(signal.SIGTERM)
    stopped_mail_server()  # the delivery in flight gets its answer while the service shuts down
    assert process.wait(60) == 0
    assert mail_row(platform, idea_id) == "sent"  # finished before the process ended, not redone later
    sent = platform.database.query(
        "select count(*) from notifications.mails where idea_id = %s and status = 'sent'", (idea_id,)
    )[0][0]
    assert_each_mail_once(platform, address, sent)  # the publication too, if it was in the same batch

    platform.start_service("notifications")
    platform.wait_until_consuming("notifications")
    platform.wait_for_status(idea_id, {"published"})
    wait_until(lambda: mail_row(platform, idea_id, "published") == "sent", timeout=60, message="publication sent")
    wait_until(lambda: len(platform.mail.messages_to(address)) == 2, timeout=30, message="the publication mail")
    assert_each_mail_once(platform, address, 2)
