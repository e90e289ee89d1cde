"""The webhooks service's real handlers against an in-memory repository: registration, deliveries
owed once per event and subscription, claiming with leases, retries with growing delays, giving up,
and disabling a subscription that keeps failing."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from aufbruch.contracts.errors import InvalidInput, NotFound
from aufbruch.contracts.events import new_event, parse_event
from services.webhooks import handlers
from services.webhooks.repository import Repository
from services.webhooks.sender import Outcome
from tests.support.unit_of_work import FakeUnitOfWork
from tests.unit.webhooks.fakes import FakeRepository

DELIVERED = Outcome(True, 200)
FAILED = Outcome(False, 500, "HTTP 500")
DISABLE_AFTER = 3


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork(FakeRepository())


def register(uow, event_types=("idea.published",), url="https://city.example/hooks") -> dict:
    return handlers.register(uow, url, list(event_types), allow_http=False)


def received(event_type: str = "idea.published") -> tuple:
    data = {
        "idea.published": {
            "idea_id": uuid.uuid4(),
            "title": "Mehr Bäume in der Innenstadt",
            "description": "Schatten für heiße Sommertage in der Fußgängerzone.",
            "category": "environment",
            "district": None,
            "published_at": datetime.now(UTC),
        },
        "idea.flagged": {"idea_id": uuid.uuid4(), "reason": "spam", "flag_count": 1, "flagged_at": datetime.now(UTC)},
    }[event_type]
    body = new_event(event_type, data)
    return parse_event(body), body


def pending(uow) -> list[dict]:
    return [row for row in uow.repo.delivery_rows.values() if row["status"] == "pending"]


def later(uow, delay: timedelta) -> None:
    uow.repo.now += delay


# --- registration and the admin's views -------------------------------------------------------------


def test_registering_answers_the_secret_once_and_never_again(uow):
    created = register(uow)
    assert created["secret"].startswith("whsec_") and created["event_types"] == ["idea.published"]
    assert "secret" not in handlers.get(uow, created["id"])
    assert [listed["id"] for listed in handlers.list_webhooks(uow)] == [created["id"]]
    assert all("secret" not in listed for listed in handlers.list_webhooks(uow))


def test_a_new_webhook_is_signed_as_standard_webhooks_and_its_views_say_so(uow):
    created = register(uow)
    assert created["signature_scheme"] == "standard-webhooks"
    assert handlers.get(uow, created["id"])["signature_scheme"] == "standard-webhooks"
    assert [listed["signature_scheme"] for listed in handlers.list_webhooks(uow)] == ["standard-webhooks"]


def test_a_webhook_registered_before_standard_webhooks_keeps_the_legacy_scheme_in_its_views_and_sends(uow):
    legacy = register(uow)
    uow.repo.subscription_rows[uuid.UUID(legacy["id"])]["signature_scheme"] = "legacy"  # as the migration leaves it
    again = register(uow)  # the admin registers its endpoint again once the receiver is ready
    handlers.owe_deliveries(uow, [received()])

    assert handlers.get(uow, legacy["id"])["signature_scheme"] == "legacy"
    schemes = {str(row["subscription_id"]): row["signature_scheme"] for row in handlers.claim_due(uow, 100, [])}
    assert schemes == {legacy["id"]: "legacy", again["id"]: "standard-webhooks"}


def test_plain_http_is_refused_unless_allowed(uow):
    with pytest.raises(InvalidInput) as refused:
        handlers.register(uow, "http://city.example/hooks", ["*"], allow_http=False)
    assert set(refused.value.errors) == {"url"}
    assert handlers.register(uow, "http://127.0.0.1:8080/hooks", ["*"], allow_http=True)["url"].startswith("http://")


@pytest.mark.parametrize("subscription_id", ["not-a-uuid", str(uuid.uuid4())])
def test_an_unknown_webhook_is_not_found(uow, subscription_id):
    for use in (handlers.get, handlers.delete, handlers.deliveries):
        with pytest.raises(NotFound, match="No webhook with id"):
            use(uow, subscription_id)


@pytest.mark.parametrize("page", [0, -1, "2", True, 1.5])
def test_the_delivery_log_wants_a_whole_page_number(uow, page):
    with pytest.raises(InvalidInput) as refused:
        handlers.deliveries(uow, register(uow)["id"], page)
    assert set(refused.value.errors) == {"page"}


# --- deliveries owed ------------------------------------------------------------------------------------


def test_each_event_is_owed_once_to_each_active_subscription_that_takes_its_type(uow):
    published_only = register(uow)
    everything = register(uow, ["*"])
    register(uow, ["idea.rejected"])
    disabled = register(uow, ["*"])
    uow.repo.subscription_rows[uuid.UUID(disabled["id"])]["disabled_at"] = uow.repo.now
    published, flagged = received("idea.published"), received("idea.flagged")

    assert handlers.owe_deliveries(uow, [published, flagged, published]) == 3
    assert handlers.owe_deliveries(uow, [published, flagged]) == 0  # redelivered: nothing new

    owed = {(str(row["subscription_id"]), row["event_type"]) for row in uow.repo.delivery_rows.values()}
    assert owed == {
        (published_only["id"], "idea.published"),
        (everything["id"], "idea.published"),
        (everything["id"], "idea.flagged"),
    }
    [row] = [row for row in pending(uow) if row["event_type"] == "idea.flagged"]
    assert row["body"] == flagged[1]  # sent on as it came, unknown fields and all


def test_the_log_lists_a_subscriptions_deliveries_newest_first(uow):
    subscription = register(uow)
    for _ in range(3):
        handlers.owe_deliveries(uow, [received()])
        later(uow, timedelta(seconds=1))

    log = handlers.deliveries(uow, subscription["id"], page=1, per_page=2)

    assert (log["total"], log["page"], log["per_page"], len(log["items"])) == (3, 1, 2, 2)
    assert log["items"][0]["created_at"] > log["items"][1]["created_at"]
    assert log["items"][0]["status"] == "pending" and "body" not in log["items"][0]


# --- claiming, retrying, giving up, disabling ----------------------------------------------------------


def test_a_claim_leases_due_deliveries_at_most_a_few_per_subscription_and_none_of_a_busy_one(uow):
    busy, other = register(uow), register(uow)
    for _ in range(handlers.PER_SUBSCRIPTION + 2):
        handlers.owe_deliveries(uow, [received()])

    claimed = handlers.claim_due(uow, 100, [uuid.UUID(busy["id"])])

    assert len(claimed) == handlers.PER_SUBSCRIPTION
    assert {str(row["subscription_id"]) for row in claimed} == {other["id"]}
    assert all(row["url"] and row["secret"].startswith("whsec_") for row in claimed)
    assert len(handlers.claim_due(uow, 100, [uuid.UUID(busy["id"])])) == 2  # the leased ones are not due
    later(uow, handlers.LEASE)
    assert len(handlers.claim_due(uow, 100, [])) == 2 * handlers.PER_SUBSCRIPTION  # a crashed send's lease ended


def send(uow, outcome: Outcome, disable_after: int = DISABLE_AFTER) -> list[dict]:
    """Claim what is due and record `outcome` for each; returns the claimed deliveries."""
    claimed = handlers.claim_due(uow, 100, [])
    for delivery in claimed:
        handlers.record_outcome(uow, delivery, outcome, disable_after)
    return claimed


def test_a_failed_delivery_is_retried_after_growing_delays_and_a_success_ends_the_run_of_failures(uow):
    subscription = register(uow)
    handlers.owe_deliveries(uow, [received()])

    assert len(send(uow, FAILED)) == 1
    [row] = pending(uow)
    assert row["next_attempt_at"] - uow.repo.now == timedelta(seconds=10)
    assert send(uow, FAILED) == []  # not due yet
    later(uow, timedelta(seconds=10))
    send(uow, FAILED)
    assert row["next_attempt_at"] - uow.repo.now == timedelta(seconds=20)
    assert handlers.get(uow, subscription["id"])["consecutive_failures"] == 2

    later(uow, timedelta(seconds=20))
    send(uow, DELIVERED)

    assert (row["status"], row["attempts"], row["last_status_code"], row["last_error"]) == ("delivered", 3, 200, None)
    assert handlers.get(uow, subscription["id"])["consecutive_failures"] == 0


def test_a_delivery_fails_for_good_once_its_attempts_are_used_up(uow):
    register(uow)
    handlers.owe_deliveries(uow, [received()])
    [row] = pending(uow)
    row["attempts"] = handlers.RETRIES.attempts - 1

    send(uow, FAILED, disable_after=1000)

    assert (row["status"], row["attempts"], row["last_error"]) == ("failed", handlers.RETRIES.attempts, "HTTP 500")


def test_a_subscription_failing_again_and_again_is_disabled_its_pending_deliveries_failed(uow):
    subscription = register(uow)
    healthy = register(uow)
    handlers.owe_deliveries(uow, [received(), received()])

    for _ in range(DISABLE_AFTER):
        later(uow, timedelta(hours=1))
        for delivery in handlers.claim_due(uow, 100, [uuid.UUID(healthy["id"])])[:1]:
            handlers.record_outcome(uow, delivery, FAILED, DISABLE_AFTER)

    shown = handlers.get(uow, subscription["id"])
    assert shown["disabled_at"] is not None and shown["consecutive_failures"] == DISABLE_AFTER
    log = handlers.deliveries(uow, subscription["id"])["items"]
    assert {entry["status"] for entry in log} == {"failed"}
    assert handlers.owe_deliveries(uow, [received()]) == 1  # only the healthy subscription is owed more
    assert handlers.get(uow, healthy["id"])["disabled_at"] is None


def test_the_fake_offers_every_statement_of_the_repository():
    statements = {name for name in vars(Repository) if not name.startswith("_")}
    assert statements - set(dir(FakeRepository)) == set()
