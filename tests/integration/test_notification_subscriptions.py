"""Notifications people asked for, against the real ideas service, PostgreSQL, RabbitMQ and the tests'
SMTP server: the mail's language, following with double opt-in, unsubscribing, batched moderator
alerts, category digests, the per-recipient rate limit, erasure, and exactly one mail per event and
recipient with redelivery and two replicas."""

import json
import time
import uuid
from datetime import UTC, datetime

import pytest
import requests
from kombu import Connection, Exchange, Producer

from aufbruch.contracts.errors import InvalidInput, NotFound
from aufbruch.contracts.events import new_event
from services.notifications.service import BATCH_INTERVAL_SECONDS, DELIVERY_INTERVAL_SECONDS, NotificationsService
from tests.support.infrastructure import SmtpSink, wait_until
from tests.support.notifications import (
    WAIT,
    address,
    call,
    confirmation_url,
    html_of,
    link_token,
    links_in,
    start,
    start_ideas,
    text_of,
    unsubscribe_url,
    wait_for_mails,
)

IDEA = {
    "title": "Ein Trinkbrunnen am Dreiecksplatz",
    "description": "Im Sommer fehlt in der Innenstadt frisches Trinkwasser für alle, die unterwegs sind.",
    "category": "environment",
}
# Long enough for an unwanted mail to show up if there were one: two batch ticks and a few deliveries.
QUIET_PERIOD = 2 * BATCH_INTERVAL_SECONDS + 4 * DELIVERY_INTERVAL_SECONDS
MODERATORS = "moderators-{}@example.org"


@pytest.fixture
def ideas(container_factory, config):
    return start_ideas(container_factory, config)


@pytest.fixture
def moderators() -> str:
    return MODERATORS.format(uuid.uuid4().hex[:8])


@pytest.fixture
def notifications_config(config, moderators):
    return config | {
        "PUBLIC_BASE_URL": "http://aufbruch.test",
        "PUBLIC_WEB_URL": "http://web.test",
        "MODERATOR_ALERT_ADDRESSES": moderators,
        "MODERATOR_ALERT_INTERVAL_SECONDS": 3600,
        "DIGEST_INTERVAL_SECONDS": 3600,
    }


@pytest.fixture
def notifications(container_factory, notifications_config, ideas):
    return start(container_factory, NotificationsService, notifications_config)


def submit(ideas, database, email: str | None = None, headers: dict | None = None, **fields) -> tuple[str, dict]:
    author = {"name": "Erika Muster", "email": email} if email else None
    response = requests.post(
        f"{ideas.base_url}/ideas", json=IDEA | {"author": author} | fields, headers=headers or {}, timeout=10
    )
    assert response.status_code == 202, response.text
    idea_id = response.json()["id"]
    [event] = [
        body
        for (body,) in database.query("select body from ideas.outbox where event_type = 'idea.submitted'")
        if body["data"]["idea_id"] == idea_id
    ]
    return idea_id, event


def now():
    return datetime.now(UTC)


def published(idea_id: str) -> dict:
    return new_event("idea.published", IDEA | {"idea_id": idea_id, "published_at": now()})


def hidden(idea_id: str) -> dict:
    return new_event(
        "idea.hidden", {"idea_id": idea_id, "reason": "flags", "actor_kind": "automatic", "hidden_at": now()}
    )


def unhidden(idea_id: str) -> dict:
    return new_event(
        "idea.unhidden",
        {"idea_id": idea_id, "reason": "false_positive", "actor_kind": "moderator", "unhidden_at": now()},
    )


def confirmed_follower(notifications, smtp_sink, idea_id: str) -> str:
    follower = address("follower")
    call(notifications, "follow", idea_id, {"email": follower}, None)
    [confirmation] = wait_for_mails(smtp_sink, follower, 1)
    assert call(notifications, "confirm", link_token(confirmation_url(confirmation)))["subscription"] == "follower"
    return follower


def quietly(check):
    time.sleep(QUIET_PERIOD)
    return check()


# --- language ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers, fields, subject, pages",
    [
        ({"Accept-Language": "en-US,en;q=0.9,de;q=0.5"}, {}, "Your idea has arrived: ", "http://web.test/en"),
        ({"Accept-Language": "de-DE"}, {"locale": "en"}, "Your idea has arrived: ", "http://web.test/en"),
        ({"Accept-Language": "fr"}, {}, "Ihre Idee ist eingegangen: ", "http://web.test"),
        ({}, {}, "Ihre Idee ist eingegangen: ", "http://web.test"),
    ],
    ids=["accept-language-en", "explicit-locale-wins", "unsupported-language", "no-language"],
)
def test_the_receipt_is_in_the_language_of_the_submission_and_links_to_its_pages(
    ideas, notifications, database, smtp_sink, headers, fields, subject, pages
):
    to = address()
    idea_id, submitted = submit(ideas, database, to, headers, **fields)

    call(notifications, "on_idea_submitted", submitted)

    [mail] = wait_for_mails(smtp_sink, to, 1)
    assert mail["Subject"] == subject + IDEA["title"]
    assert mail.get_content_type() == "multipart/alternative"
    assert IDEA["title"] in text_of(mail) and IDEA["title"] in html_of(mail)
    assert mail["List-Unsubscribe"] == f"<{unsubscribe_url(mail)}>"
    assert unsubscribe_url(mail).startswith("http://aufbruch.test/api/v1/unsubscribe?token=")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    idea_page, unsubscribe_page = f"{pages}/ideen/{idea_id}", f"{pages}/abmelden?token="
    assert idea_page in links_in(mail) and f'href="{idea_page}"' in html_of(mail)
    [unsubscribe_link] = [link for link in links_in(mail) if link.startswith(unsubscribe_page)]
    assert link_token(unsubscribe_link) == link_token(unsubscribe_url(mail))  # the page and one-click do the same
    assert not [link for link in links_in(mail) if "/api/v1" in link]


# --- following: double opt-in, updates, unsubscribing ---------------------------------------------


def test_a_follower_hears_nothing_but_the_confirmation_until_confirming(ideas, notifications, database, smtp_sink):
    idea_id, _ = submit(ideas, database)
    follower = address("follower")

    call(notifications, "follow", idea_id, {"email": follower, "locale": "en"}, None)
    call(notifications, "follow", idea_id, {"email": follower.upper()}, "de")  # again: no second confirmation

    [confirmation] = wait_for_mails(smtp_sink, follower, 1)
    assert confirmation["Subject"] == f"Please confirm: news about the idea “{IDEA['title']}”"
    assert confirmation_url(confirmation).startswith("http://web.test/en/abo/bestaetigen?token=")
    call(notifications, "on_idea_published", published(idea_id))
    assert quietly(lambda: len(smtp_sink.messages_to(follower))) == 1  # not confirmed: no update

    answer = call(notifications, "confirm", link_token(confirmation_url(confirmation)))
    assert answer == {"subscription": "follower", "idea_id": idea_id, "title": IDEA["title"]}
    event = hidden(idea_id)
    call(notifications, "on_idea_hidden", event)
    call(notifications, "on_idea_hidden", event)

    [_, update] = wait_for_mails(smtp_sink, follower, 2)
    assert update["Subject"] == f"News about the idea “{IDEA['title']}”: hidden"
    assert "Several citizens reported it." in text_of(update)
    assert quietly(lambda: len(smtp_sink.messages_to(follower))) == 2


def status_changed(idea_id: str, official_status: str, answer: str) -> dict:
    return new_event(
        "idea.status_changed",
        {
            "idea_id": idea_id,
            "answer_id": uuid.uuid4(),
            "title": IDEA["title"],
            "process_id": "standing",
            "official_status": official_status,
            "previous_status": None,
            "answer": answer,
            "answered_at": now(),
        },
    )


def test_the_citys_answer_reaches_the_submitter_and_confirmed_followers_once(ideas, notifications, database, smtp_sink):
    submitter = address("submitter")
    idea_id, _ = submit(ideas, database, submitter, {"Accept-Language": "en"})
    follower = confirmed_follower(notifications, smtp_sink, idea_id)
    unconfirmed = address("unconfirmed")
    call(notifications, "follow", idea_id, {"email": unconfirmed}, None)
    event = status_changed(idea_id, "accepted", "Wir stellen im Juni zehn Bänke auf.")

    call(notifications, "on_idea_status_changed", event)
    call(notifications, "on_idea_status_changed", event)  # redelivered: no second mail

    def answers_to_submitter() -> list:  # the receipt may come too, through the broker
        return [mail for mail in smtp_sink.messages_to(submitter) if mail["Subject"].startswith("The city answered")]

    [answer] = wait_until(answers_to_submitter, timeout=WAIT, message="the answer mail to the submitter")
    assert answer["Subject"] == f"The city answered your idea: accepted – {IDEA['title']}"
    assert "Wir stellen im Juni zehn Bänke auf." in text_of(answer)
    [_, update] = wait_for_mails(smtp_sink, follower, 2)
    assert update["Subject"] == f"Neuigkeiten zur Idee „{IDEA['title']}“: angenommen"
    assert "Wir stellen im Juni zehn Bänke auf." in text_of(update)
    assert quietly(
        lambda: (
            len(answers_to_submitter()),
            len(smtp_sink.messages_to(follower)),
            len(smtp_sink.messages_to(unconfirmed)),
        )
    ) == (1, 2, 1)


def test_following_an_unknown_idea_or_with_a_bad_address_is_refused(ideas, notifications, database):
    idea_id, _ = submit(ideas, database)
    with pytest.raises(NotFound):
        call(notifications, "follow", str(uuid.uuid4()), {"email": address()}, None)
    for idea in (idea_id, str(uuid.uuid4())):  # the request is checked before the idea is looked for
        with pytest.raises(InvalidInput) as refused:
            call(notifications, "follow", idea, {"email": "not-an-address", "colour": "red"}, None)
        assert set(refused.value.errors) == {"email", "colour"}
    assert database.query("select count(*) from notifications.mails") == [(0,)]


def test_a_forged_or_altered_confirmation_link_confirms_nothing(ideas, notifications, database, smtp_sink):
    idea_id, _ = submit(ideas, database)
    follower = address("follower")
    call(notifications, "follow", idea_id, {"email": follower}, None)
    [confirmation] = wait_for_mails(smtp_sink, follower, 1)
    token = link_token(confirmation_url(confirmation))

    with pytest.raises(InvalidInput):
        call(notifications, "confirm", token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    assert database.query("select confirmed_at from notifications.followers") == [(None,)]


def test_unsubscribing_ends_a_follow_and_the_submitters_mails(ideas, notifications, database, smtp_sink):
    submitter = address("submitter")
    idea_id, submitted = submit(ideas, database, submitter)
    call(notifications, "on_idea_submitted", submitted)
    follower = confirmed_follower(notifications, smtp_sink, idea_id)
    call(notifications, "on_idea_published", published(idea_id))
    [receipt, _] = wait_for_mails(smtp_sink, submitter, 2)
    [_, update] = wait_for_mails(smtp_sink, follower, 2)

    assert call(notifications, "unsubscribe", link_token(unsubscribe_url(update)), False) == {
        "scope": "follower",
        "erased": False,
    }
    assert call(notifications, "unsubscribe", link_token(unsubscribe_url(receipt)), False) == {
        "scope": "idea",
        "erased": False,
    }
    assert call(notifications, "unsubscribe", link_token(unsubscribe_url(receipt)), False)["scope"] == "idea"
    call(notifications, "on_idea_hidden", hidden(idea_id))

    assert quietly(lambda: (len(smtp_sink.messages_to(follower)), len(smtp_sink.messages_to(submitter)))) == (2, 2)
    assert database.query("select count(*) from notifications.followers") == [(0,)]
    [(key,)] = database.query("select recipient_key from notifications.opt_outs where list_id like 'idea:%%'")
    assert "@" not in key and submitter not in key  # the opt-out list keeps a keyed hash, not the address


# --- moderator alerts and digests ----------------------------------------------------------------


def review_requested() -> dict:
    return new_event(
        "moderation.review_requested",
        {"case_id": uuid.uuid4(), "idea_id": uuid.uuid4(), "reasons": ["personal_data"], "requested_at": now()},
    )


def test_moderators_get_one_mail_per_interval_listing_the_waiting_cases(notifications, database, smtp_sink, moderators):
    database.query("update notifications.moderator_alert_clock set last_sent_at = now() returning 1")
    cases = [review_requested() for _ in range(3)]
    decided = review_requested()
    for event in [*cases, decided]:
        call(notifications, "on_review_requested", event)
        call(notifications, "on_review_requested", event)
    call(
        notifications,
        "on_moderation_decided",
        new_event(
            "moderation.decided",
            {
                "idea_id": decided["data"]["idea_id"],
                "decision": "approve",
                "reasons": ["acceptable"],
                "actor_kind": "moderator",
                "decided_at": now(),
            },
        ),
    )
    assert quietly(lambda: smtp_sink.messages_to(moderators)) == []  # an alert just went: the interval holds

    database.query(
        "update notifications.moderator_alert_clock set last_sent_at = now() - interval '1 hour' returning 1"
    )

    [alert] = wait_for_mails(smtp_sink, moderators, 1)
    assert alert["Subject"] == "3 Fälle warten auf Prüfung"
    for event in cases:
        assert f"Fall {event['data']['case_id']}" in text_of(alert)
    assert decided["data"]["case_id"] not in text_of(alert)  # decided meanwhile: it waits no more
    assert "http://web.test/verwaltung/pruefung" in text_of(alert)  # the staff pages' review queue
    call(notifications, "on_review_requested", review_requested())
    assert quietly(lambda: len(smtp_sink.messages_to(moderators))) == 1  # the next case waits for the interval


def test_a_digest_lists_the_ideas_published_in_its_category_since_the_last(ideas, notifications, database, smtp_sink):
    subscriber = address("digest")
    call(notifications, "subscribe_digest", {"email": subscriber, "category": "environment"}, "en")
    [confirmation] = wait_for_mails(smtp_sink, subscriber, 1)
    assert confirmation["Subject"] == "Please confirm: daily overview of new ideas on “Environment”"
    assert call(notifications, "confirm", link_token(confirmation_url(confirmation))) == {
        "subscription": "digest",
        "category": "environment",
    }
    titles = ["Mehr Schatten auf Schulhöfen", "Blühstreifen an der Dalke", "Radweg nach Avenwedde"]
    for title, category in zip(titles, ["environment", "environment", "mobility"], strict=True):
        call(
            notifications,
            "on_idea_published",
            new_event(
                "idea.published",
                IDEA | {"idea_id": uuid.uuid4(), "title": title, "category": category, "published_at": now()},
            ),
        )
    assert quietly(lambda: len(smtp_sink.messages_to(subscriber))) == 1  # a day has not passed

    database.query(
        "update notifications.digest_subscriptions set covered_until = covered_until - interval '1 hour' returning 1"
    )

    [_, digest] = wait_for_mails(smtp_sink, subscriber, 2)
    assert digest["Subject"] == "New ideas on “Environment”: 2"
    assert titles[0] in text_of(digest) and titles[1] in text_of(digest) and titles[2] not in text_of(digest)
    assert quietly(lambda: len(smtp_sink.messages_to(subscriber))) == 2


# --- rate limit ------------------------------------------------------------------------------------


def test_mails_over_the_rate_limit_wait_and_are_not_dropped(
    ideas, database, smtp_sink, notifications_config, container_factory
):
    limited = start(container_factory, NotificationsService, notifications_config | {"MAILS_PER_RECIPIENT_PER_HOUR": 2})
    submitter = address("many")
    idea_id, submitted = submit(ideas, database, submitter)

    call(limited, "on_idea_submitted", submitted)
    call(limited, "on_idea_published", published(idea_id))
    call(limited, "on_idea_hidden", hidden(idea_id))

    wait_for_mails(smtp_sink, submitter, 2)
    [(status, attempts, waits)] = quietly(
        lambda: database.query(
            "select status, attempts, next_attempt_at > now() + interval '50 minutes' from notifications.mails"
            " where kind = 'hidden'"
        )
    )
    assert (status, attempts, waits) == ("pending", 0, True)
    assert len(smtp_sink.messages_to(submitter)) == 2

    database.query(
        "update notifications.mails set sent_at = sent_at - interval '1 hour',"
        " next_attempt_at = now() where status = 'pending' or status = 'sent' returning 1"
    )

    [*_, last] = wait_for_mails(smtp_sink, submitter, 3)
    assert last["Subject"] == f"Ihre Idee ist vorübergehend ausgeblendet: {IDEA['title']}"


# --- exactly once with redelivery and two replicas ------------------------------------------------


def publish(amqp_uri: str, event: dict, times: int) -> None:
    exchange = Exchange(event["source"].rsplit(":", 1)[1] + ".events", type="topic", durable=True)
    with Connection(amqp_uri) as connection:
        producer = Producer(connection.default_channel)
        for _ in range(times):
            producer.publish(event, exchange=exchange, routing_key=event["type"], serializer="json", declare=[exchange])


def test_two_replicas_receiving_every_event_three_times_send_each_mail_once(
    ideas, database, smtp_sink, notifications_config, container_factory, vhost
):
    replicas = [start(container_factory, NotificationsService, notifications_config) for _ in range(2)]
    submitter = address("submitter")
    idea_id, submitted = submit(ideas, database, submitter)
    follower = confirmed_follower(replicas[0], smtp_sink, idea_id)

    for event in (submitted, published(idea_id), hidden(idea_id)):
        publish(vhost.amqp_uri, event, times=3)

    wait_for_mails(smtp_sink, submitter, 3)
    wait_for_mails(smtp_sink, follower, 3)  # confirmation, published, hidden
    time.sleep(QUIET_PERIOD)
    subjects = sorted(mail["Subject"] for mail in smtp_sink.messages_to(submitter))
    assert subjects == sorted(
        [
            f"Ihre Idee ist eingegangen: {IDEA['title']}",
            f"Ihre Idee ist veröffentlicht: {IDEA['title']}",
            f"Ihre Idee ist vorübergehend ausgeblendet: {IDEA['title']}",
        ]
    )
    assert len(smtp_sink.messages_to(follower)) == 3
    sent = database.query("select body from notifications.outbox where event_type = 'notification.sent'")
    assert len(sent) == 6


# --- erasure ---------------------------------------------------------------------------------------


def test_erasing_an_address_removes_it_from_ideas_and_notifications_and_says_so_without_it(
    ideas, notifications, database, smtp_sink
):
    person = address("erika")
    idea_id, submitted = submit(ideas, database, person)
    call(notifications, "on_idea_submitted", submitted)
    other_idea, _ = submit(ideas, database)
    call(notifications, "follow", other_idea, {"email": person}, None)
    wait_for_mails(smtp_sink, person, 2)
    wait_until(
        lambda: database.query("select count(*) from notifications.mails where status = 'sent'") == [(2,)],
        message="both mails marked sent",
    )

    erased = call(notifications, "erase_person", {"email": person.upper()})

    assert (erased["submissions_erased"], erased["subscriptions_erased"], erased["mails_erased"]) == (1, 1, 2)
    assert call(ideas, "get_contact", idea_id) is None
    assert database.query("select count(*) from ideas.contacts where lower(email) = lower(%s)", (person,)) == [(0,)]
    for table in ("followers", "mails"):
        assert database.query(f"select count(*) from notifications.{table}") == [(0,)]
    [(event,)] = database.query("select body from notifications.outbox where event_type = 'person.erased'")
    assert event["data"]["requested_by"] == "admin" and event["data"]["erasure_id"] == erased["erasure_id"]
    assert "@" not in json.dumps(event) and "erika" not in json.dumps(event)


def test_the_unsubscribe_link_can_erase_the_address_too(ideas, notifications, database, smtp_sink):
    person = address("erika")
    idea_id, submitted = submit(ideas, database, person)
    call(notifications, "on_idea_submitted", submitted)
    [receipt] = wait_for_mails(smtp_sink, person, 1)

    assert call(notifications, "unsubscribe", link_token(unsubscribe_url(receipt)), True) == {
        "scope": "idea",
        "erased": True,
    }

    assert call(ideas, "get_contact", idea_id) is None
    [(event,)] = database.query("select body from notifications.outbox where event_type = 'person.erased'")
    assert event["data"]["requested_by"] == "person"
    # The link still answers (the address is gone, so there is nothing left to do).
    assert call(notifications, "unsubscribe", link_token(unsubscribe_url(receipt)), True) == {
        "scope": None,
        "erased": False,
    }


# --- the mail server itself down, then up ------------------------------------------------------------


def test_a_mail_owed_while_the_mail_server_is_down_goes_out_once_it_is_up(
    ideas, database, notifications_config, container_factory, tmp_path
):
    sink = SmtpSink(tmp_path / "mail")  # its port is chosen, but the server not started: connections are refused
    service = start(container_factory, NotificationsService, notifications_config | {"SMTP_PORT": sink.port})
    to = address()
    idea_id, submitted = submit(ideas, database, to)

    call(service, "on_idea_submitted", submitted)
    call(service, "on_idea_published", published(idea_id))

    postponed = wait_until(
        lambda: (rows := database.query("select attempts, last_error from notifications.mails where attempts > 0"))
        and len(rows) == 2
        and rows,
        message="both mails tried once",
    )
    assert all(attempts == 1 and "refused" in error.lower() for attempts, error in postponed)
    sink.start()
    try:
        database.query("update notifications.mails set next_attempt_at = now() returning 1")  # the retry is due
        mails = wait_for_mails(sink, to, 2)
        assert quietly(lambda: len(sink.messages_to(to))) == 2
        assert {mail["Subject"].split(":")[0] for mail in mails} == {
            "Ihre Idee ist eingegangen",
            "Ihre Idee ist veröffentlicht",
        }
        assert database.query("select attempts from notifications.mails") == [(2,), (2,)]
    finally:
        sink.stop()
