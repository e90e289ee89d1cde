"""The notifications handlers people call, run for real against an in-memory repository: following
an idea and category digests with double opt-in, unsubscribing from a mail's list, and erasure."""

import uuid
from datetime import timedelta

import pytest

from aufbruch.contracts.errors import Conflict, InvalidInput, NotFound
from aufbruch.pseudonyms import pseudonym
from services.notifications.handlers import batches, idea_events, subscriptions, unsubscribing
from services.notifications.repository import Repository
from tests.support.unit_of_work import FakeUnitOfWork
from tests.unit.notifications.fakes import FakeRepository
from tests.unit.notifications.support import SETTINGS, TITLE, contact, event, link, mails_to, token

IDEA_ID = uuid.UUID("9d0c1b7e-2a44-4f3e-8b61-5c2f0e7a9d12")
FOLLOWER = "follower@example.org"
PUBLIC_IDEA = {"id": IDEA_ID, "status": "published", "title": TITLE}


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork(FakeRepository())


def follow(uow, payload: dict, idea: dict = PUBLIC_IDEA, accepted_locale: str | None = None) -> None:
    asked = []

    def public_idea(idea_id: str) -> dict:
        asked.append(idea_id)
        return idea

    subscriptions.follow(uow, SETTINGS, public_idea, str(IDEA_ID), payload, accepted_locale)
    assert asked == [str(IDEA_ID)]


# --- following: double opt-in ----------------------------------------------------------------------------


def test_following_sends_one_confirmation_a_day_and_nothing_else_until_confirmed(uow):
    follow(uow, {"email": FOLLOWER}, accepted_locale="en")
    follow(uow, {"email": FOLLOWER.upper()})  # again, the same day: no second confirmation
    idea_events.idea_published(uow, SETTINGS, event("idea.published", IDEA_ID), None)

    [confirmation] = mails_to(uow.repo, FOLLOWER)
    assert confirmation["subject"] == f"Please confirm: news about the idea “{TITLE}”"
    confirm_url = link(confirmation, "/en/abo/bestaetigen")
    assert confirm_url.startswith("https://web.aufbruch.example/en/abo/bestaetigen?token=")

    answer = subscriptions.confirm(uow, SETTINGS, token(confirm_url))

    assert answer == {"subscription": "follower", "idea_id": str(IDEA_ID), "title": TITLE}
    idea_events.idea_unhidden(uow, SETTINGS, event("idea.unhidden", IDEA_ID))
    assert [mail["kind"] for mail in mails_to(uow.repo, FOLLOWER)] == ["follow_confirmation", "follower_update"]


@pytest.mark.parametrize("status", ["rejected", "hidden"])
def test_an_idea_that_is_rejected_or_hidden_cannot_be_followed(uow, status):
    with pytest.raises(Conflict):
        follow(uow, {"email": FOLLOWER}, PUBLIC_IDEA | {"status": status})
    assert uow.repo.mails == {}


def test_a_bad_request_is_refused_naming_its_fields_before_the_idea_is_looked_up(uow):
    with pytest.raises(InvalidInput) as refused:
        subscriptions.follow(
            uow, SETTINGS, pytest.fail, str(IDEA_ID), {"email": "not-an-address", "colour": "red"}, None
        )
    assert set(refused.value.errors) == {"email", "colour"}


def test_a_forged_link_confirms_nothing_and_one_for_an_ended_subscription_is_not_found(uow):
    follow(uow, {"email": FOLLOWER})
    [confirmation] = mails_to(uow.repo, FOLLOWER)
    signed = token(link(confirmation, "/abo/bestaetigen"))

    with pytest.raises(InvalidInput) as refused:
        subscriptions.confirm(uow, SETTINGS, signed[:-2] + ("AA" if not signed.endswith("AA") else "BB"))
    assert set(refused.value.errors) == {"token"}
    [follower] = uow.repo.followers.values()
    assert follower["confirmed_at"] is None

    uow.repo.followers.clear()
    with pytest.raises(NotFound):
        subscriptions.confirm(uow, SETTINGS, signed)


# --- digests: double opt-in ------------------------------------------------------------------------------


def test_a_confirmed_digest_lists_the_ideas_newly_published_in_its_category(uow):
    subscriber = "digest@example.org"
    subscriptions.subscribe_digest(uow, SETTINGS, {"email": subscriber, "category": "environment"}, "de")
    [confirmation] = mails_to(uow.repo, subscriber)
    assert batches.send_digests(uow, SETTINGS) == 0  # not confirmed: nothing is due
    assert subscriptions.confirm(uow, SETTINGS, token(link(confirmation, "/abo/bestaetigen"))) == {
        "subscription": "digest",
        "category": "environment",
    }
    shade, bus = uuid.uuid4(), uuid.uuid4()
    idea_events.idea_published(
        uow, SETTINGS, event("idea.published", shade, title="Mehr Schatten auf Schulhöfen"), None
    )
    idea_events.idea_published(
        uow, SETTINGS, event("idea.published", bus, title="Ein Bus nach Avenwedde", category="mobility"), None
    )
    [subscription] = uow.repo.digests.values()
    subscription["covered_until"] -= timedelta(days=1)  # a day has passed

    assert batches.send_digests(uow, SETTINGS) == 1

    [_, digest] = mails_to(uow.repo, subscriber)
    assert digest["subject"] == "Neue Ideen zu „Umwelt“: 1"
    assert "Mehr Schatten auf Schulhöfen" in digest["text_body"] and "Avenwedde" not in digest["text_body"]
    assert link(digest, f"/ideen/{shade}") == f"https://web.aufbruch.example/ideen/{shade}"
    assert batches.send_digests(uow, SETTINGS) == 0  # the next waits a day


def test_a_digest_of_an_unknown_category_is_refused(uow):
    with pytest.raises(InvalidInput) as refused:
        subscriptions.subscribe_digest(uow, SETTINGS, {"email": "digest@example.org", "category": "weather"}, None)
    assert set(refused.value.errors) == {"category"}


# --- support confirmations (participation signs the links) ----------------------------------------------


@pytest.mark.parametrize(
    ("locale", "subject", "language"),
    [
        ("en", f"Please confirm your support: {TITLE}", "/en"),
        ("de", f"Bitte bestätigen Sie Ihre Unterstützung: {TITLE}", ""),
    ],
)
def test_a_support_confirmation_is_written_in_its_locale_with_the_links_participation_signed(
    uow, locale, subject, language
):
    supporter = "supporter@example.org"
    confirm_url = f"https://web.aufbruch.example{language}/unterstuetzung/bestaetigen?token=c0nf1rm"
    withdraw_url = f"https://web.aufbruch.example{language}/unterstuetzung/zuruecknehmen?token=w1thdr4w"

    subscriptions.confirm_support(uow, SETTINGS, supporter, TITLE, confirm_url, withdraw_url, locale)

    [mail] = mails_to(uow.repo, supporter)
    assert mail["subject"] == subject
    assert link(mail, f"{language}/unterstuetzung/bestaetigen") == confirm_url
    assert link(mail, f"{language}/unterstuetzung/zuruecknehmen") == withdraw_url
    assert link(mail, f"{language}/abmelden").startswith(f"https://web.aufbruch.example{language}/abmelden?token=")
    assert f'<html lang="{locale}">' in mail["html_body"]


# --- unsubscribing and erasure -------------------------------------------------------------------------


def unsubscribe_token(mail: dict) -> str:
    return token(link(mail, "/abmelden"))


def test_unsubscribing_from_a_follower_update_ends_the_follow_and_cancels_what_is_pending(uow):
    follow(uow, {"email": FOLLOWER})
    [confirmation] = mails_to(uow.repo, FOLLOWER)

    assert unsubscribing.unsubscribe_scope(uow, SETTINGS, unsubscribe_token(confirmation)) == "follower"
    ended = unsubscribing.unsubscribe(uow, SETTINGS, unsubscribe_token(confirmation))

    assert ended == {"scope": "follower", "recipient": FOLLOWER}
    assert uow.repo.followers == {} and confirmation["status"] == "cancelled"
    assert unsubscribing.unsubscribe(uow, SETTINGS, unsubscribe_token(confirmation)) == ended  # again: the same


def test_a_submitter_who_unsubscribed_is_owed_no_more_mails_about_the_idea(uow):
    idea_events.idea_submitted(uow, SETTINGS, event("idea.submitted", IDEA_ID), contact())
    [receipt] = mails_to(uow.repo, "erika@example.org")

    assert unsubscribing.unsubscribe(uow, SETTINGS, unsubscribe_token(receipt))["scope"] == "idea"
    idea_events.idea_published(uow, SETTINGS, event("idea.published", IDEA_ID), contact())

    assert [mail["kind"] for mail in mails_to(uow.repo, "erika@example.org")] == ["receipt"]
    [(key, list_id)] = uow.repo.opt_outs
    assert key == pseudonym(SETTINGS.pseudonym_secret, "erika@example.org") and list_id == f"idea:{IDEA_ID}"


@pytest.mark.parametrize("forged", ["", "forged.token", "a.b.c"])
def test_a_link_we_did_not_sign_unsubscribes_nothing(uow, forged):
    for use in (unsubscribing.unsubscribe, unsubscribing.unsubscribe_scope):
        with pytest.raises(InvalidInput) as refused:
            use(uow, SETTINGS, forged)
        assert set(refused.value.errors) == {"token"}


def test_erasure_removes_every_subscription_and_mail_of_the_address_and_announces_it_without_it(uow):
    person = "Erika@Example.org"
    follow(uow, {"email": person})
    subscriptions.subscribe_digest(uow, SETTINGS, {"email": person, "category": "mobility"}, None)
    idea_events.idea_submitted(uow, SETTINGS, event("idea.submitted", IDEA_ID), contact("erika@example.org"))
    follow(uow, {"email": "other@example.org"})
    [receipt] = mails_to(uow.repo, "erika@example.org")

    erased = unsubscribing.erase(uow, unsubscribing.erasure_address({"email": person}), 1, "admin")

    assert (erased["submissions_erased"], erased["subscriptions_erased"], erased["mails_erased"]) == (1, 2, 3)
    assert [row["email"] for row in uow.repo.followers.values()] == ["other@example.org"]
    assert uow.repo.digests == {} and len(uow.repo.mails) == 1
    [(event_type, data)] = uow.repo.events
    assert event_type == "person.erased" and str(data["erasure_id"]) == erased["erasure_id"]
    assert "@" not in repr(data) and "erika" not in repr(data).lower()
    assert unsubscribing.unsubscribe(uow, SETTINGS, unsubscribe_token(receipt)) is None  # nothing left to end


def test_an_erasure_needs_an_address(uow):
    with pytest.raises(InvalidInput) as refused:
        unsubscribing.erasure_address({"email": "not-an-address"})
    assert set(refused.value.errors) == {"email"}


def test_the_fake_offers_every_statement_of_the_repository():
    statements = {name for name in vars(Repository) if not name.startswith("_")}
    assert statements - set(dir(FakeRepository)) == set()
