"""Load with a ledger: thousands of ideas at a steady rate while notifications is restarted (SIGTERM)
and reporting is killed (SIGKILL) in the middle. Afterwards every accepted idea has a final status,
reporting's figures equal the ideas service's own, and every mail owed was sent exactly once.

`LOAD_IDEAS` (400) and `LOAD_RATE` (ideas per second, 20) make it bigger (RELIABILITY.md records
runs with 2,000 at 25/s); the figures are printed (`pytest -s`). The default keeps the suite within
CI's budget and leaves no backlog that slows the tests after it: delivering the mails (two per idea,
one SMTP connection each) takes longest.
"""

import os
import signal
import statistics
import time
import uuid
from collections import Counter

import eventlet
import pytest
import requests

from aufbruch.contracts.event_data import MAIL_KINDS
from tests.support.ideas import distinct_idea
from tests.support.infrastructure import wait_until

pytestmark = pytest.mark.e2e
IDEAS = int(os.environ.get("LOAD_IDEAS", 400))
RATE = float(os.environ.get("LOAD_RATE", 20))
SETTLE_SECONDS = 480


def submit_steadily(platform, run: str) -> tuple[list[requests.Response], list[float]]:
    """POST `IDEAS` ideas at `RATE` per second, each at its own moment, whatever the answers take;
    restart notifications and kill reporting half-way."""
    responses: list = [None] * IDEAS
    latencies: list = [None] * IDEAS
    session = requests.Session()
    session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=64))

    def submit(number: int):
        idea = distinct_idea(author={"email": f"load-{run}-{number}@example.org"})
        started = time.monotonic()
        responses[number] = session.post(f"{platform.base_url}/ideas", json=idea, timeout=30)
        latencies[number] = time.monotonic() - started

    def restart_consumers():
        platform.restart_services("notifications", how=signal.SIGTERM)
        platform.restart_services("reporting", how=signal.SIGKILL)

    pool = eventlet.GreenPool(64)
    start = time.monotonic()
    restarts = None
    for number in range(IDEAS):
        eventlet.sleep(max(0.0, start + number / RATE - time.monotonic()))
        if number == IDEAS // 2:
            restarts = eventlet.spawn(restart_consumers)
        pool.spawn_n(submit, number)
    pool.waitall()
    restarts.wait()
    print(f"\nsubmitted {IDEAS} ideas in {time.monotonic() - start:.1f} s")
    return responses, latencies


def ideas_by_status(platform, ids=None) -> dict:
    where, params = ("where id = any(%s)", (list(ids),)) if ids is not None else ("", ())
    return dict(platform.database.query(f"select status, count(*) from ideas.ideas {where} group by status", params))


@pytest.mark.timeout(900)  # about 2 minutes on a quiet machine; CI machines are not always quiet
def test_thousands_of_ideas_with_consumers_restarted_lose_nothing_and_mail_once(platform):
    run = uuid.uuid4().hex[:8]
    responses, latencies = submit_steadily(platform, run)
    assert Counter(response.status_code for response in responses) == {202: IDEAS}
    accepted = [response.json()["id"] for response in responses]
    platform.accepted.update(accepted)  # the tests after this one count them too
    print(
        f"POST latency p50 {statistics.median(latencies) * 1000:.0f} ms,"
        f" p99 {statistics.quantiles(latencies, n=100)[98] * 1000:.0f} ms"
    )

    settling = time.monotonic()
    wait_until(
        lambda: "submitted" not in ideas_by_status(platform, accepted),
        timeout=SETTLE_SECONDS,
        interval=1,
        message="every accepted idea to reach a final status",
    )
    statuses = ideas_by_status(platform, accepted)
    assert sum(statuses.values()) == IDEAS and set(statuses) <= {"published", "rejected", "in_review"}

    # Reporting's figures equal the ideas service's own (for every idea of the platform, not only these).
    wait_until(
        lambda: platform.summary()["by_status"] == ideas_by_status(platform),
        timeout=SETTLE_SECONDS,
        interval=1,
        message="reporting's figures to equal the ideas service's statuses",
    )

    owed = {"receipt": IDEAS, "published": statuses.get("published", 0), "rejected": statuses.get("rejected", 0)}
    owed = {kind: count for kind, count in owed.items() if count}

    def mails_sent() -> dict:
        return dict(
            platform.database.query(
                "select kind, count(*) from notifications.mails where recipient like %s and status = 'sent'"
                " group by kind",
                (f"load-{run}-%",),
            )
        )

    wait_until(lambda: mails_sent() == owed, timeout=SETTLE_SECONDS, interval=1, message=f"the mails owed: {owed}")
    print(f"settled {time.monotonic() - settling:.1f} s after the last POST: {statuses}, mails {owed}")

    rows = {
        f"<{mail_id}@aufbruch>"
        for (mail_id,) in platform.database.query(
            "select id from notifications.mails where recipient like %s", (f"load-{run}-%",)
        )
    }
    delivered = Counter(
        message["Message-ID"] for message in platform.mail.messages() if message["To"].startswith(f"load-{run}-")
    )
    assert set(delivered) == rows
    assert [message_id for message_id, times in delivered.items() if times > 1] == []
    wait_until(
        lambda: platform.summary()["notifications"]["sent"]
        == platform.database.query(
            "select count(*) from notifications.mails where status = 'sent' and idea_id is not null and kind = any(%s)",
            (list(MAIL_KINDS),),
        )[0][0],
        timeout=60,
        interval=1,
        message="reporting to count every mail sent about an idea (the ones notification.sent announces)",
    )
