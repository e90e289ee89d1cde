"""The participation use cases, the real handlers against the in-memory repository of conftest.py:
supports requested, confirmed and withdrawn by the mailed links, ideas learned from events in any
order, and comments posted, refused and threaded by moderation's decisions."""

import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from aufbruch.contracts.errors import Conflict, InvalidInput, NotFound
from aufbruch.contracts.events import new_event, parse_event
from aufbruch.contracts.participation import SupportRequest
from services.participation import handlers, repository
from services.participation.settings import ParticipationSettings

SETTINGS = ParticipationSettings("pseudonym-secret", "link-secret", "https://beteiligung.example")
TITLE = "Mehr Fahrradbügel am Bahnhof"
NOW = datetime.now(UTC)


def event(event_type: str, data: dict):
    return parse_event(new_event(event_type, data))


def visibility(idea_id, hidden: bool, at: datetime):
    change = "hidden" if hidden else "unhidden"
    return event(
        f"idea.{change}", {"idea_id": idea_id, "reason": "flags", "actor_kind": "automatic", f"{change}_at": at}
    )


def published_idea(uow) -> uuid.UUID:
    idea_id = uuid.uuid4()
    data = {"idea_id": idea_id, "title": TITLE, "description": "x" * 20, "category": "mobility", "published_at": NOW}
    handlers.remember_ideas(uow, [event("idea.published", data)])
    return idea_id


class Mailer:
    """Stands for notifications.send_support_confirmation: what it was asked to send."""

    def __init__(self):
        self.sent: list[tuple] = []

    def __call__(self, address: str, title: str, confirm_url: str, withdraw_url: str, locale: str) -> None:
        self.sent.append((address, title, confirm_url, withdraw_url, locale))


def token_of(url: str, page: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{SETTINGS.public_web_url}{page}"
    [token] = parse_qs(parts.query)["token"]
    return token


def support(email: str, **body) -> dict:
    """A support request's body as service.py hands it over: loaded with the shared contract."""
    return SupportRequest().load({"email": email} | body)


def mailed_tokens(uow, idea_id, email: str) -> tuple[str, str]:
    """Request a support by `email`; the confirm and withdraw tokens of the links in its mail."""
    mailer, request = Mailer(), support(email)
    handlers.request_support(uow, SETTINGS, idea_id, request, None, mailer)
    [(address, title, confirm_url, withdraw_url, locale)] = mailer.sent
    assert (address, title, locale) == (request["email"], TITLE, "de")
    return token_of(confirm_url, "/unterstuetzung/bestaetigen"), token_of(withdraw_url, "/unterstuetzung/zuruecknehmen")


def test_the_fake_repository_offers_every_method_of_the_real_one(uow):
    public = {name for name in dir(repository.Repository) if not name.startswith("_")}
    assert public <= set(dir(uow.repo))


def test_the_support_mail_links_the_web_pages_whose_tokens_confirm_and_withdraw(uow):
    idea_id = published_idea(uow)
    confirm, withdraw = mailed_tokens(uow, idea_id, "erika@example.org")
    assert handlers.support_count(uow, idea_id) == {"idea_id": idea_id, "count": 0, "open": True}  # not yet

    assert handlers.confirm_support(uow, SETTINGS, confirm) == {"idea_id": idea_id, "supported": True, "count": 1}
    assert handlers.withdrawal_state(uow, SETTINGS, withdraw) == {
        "idea_id": idea_id,
        "supported": True,
        "count": 1,
        "title": TITLE,
    }
    assert handlers.withdraw_support(uow, SETTINGS, withdraw) == {"idea_id": idea_id, "supported": False, "count": 0}
    assert "erika" not in str(vars(uow.repo))  # participation stores no address


@pytest.mark.parametrize(
    ("body", "accepted_locale", "mailed_locale"),
    [({}, None, "de"), ({}, "en", "en"), ({"locale": "en"}, None, "en"), ({"locale": "de"}, "en", "de")],
)
def test_the_support_mail_and_its_pages_speak_the_requests_locale_else_the_accepted_language_else_german(
    uow, body, accepted_locale, mailed_locale
):
    idea_id = published_idea(uow)
    mailer = Mailer()
    handlers.request_support(uow, SETTINGS, idea_id, support("erika@example.org", **body), accepted_locale, mailer)

    [(_, _, confirm_url, withdraw_url, locale)] = mailer.sent
    language = "/en" if mailed_locale == "en" else ""
    assert locale == mailed_locale
    confirm = token_of(confirm_url, f"{language}/unterstuetzung/bestaetigen")
    withdraw = token_of(withdraw_url, f"{language}/unterstuetzung/zuruecknehmen")
    assert handlers.confirm_support(uow, SETTINGS, confirm)["count"] == 1  # the page's language changes no token
    assert handlers.withdraw_support(uow, SETTINGS, withdraw)["count"] == 0


def test_confirming_twice_or_in_another_spelling_counts_once_and_is_announced_once(uow):
    idea_id = published_idea(uow)
    confirm, _ = mailed_tokens(uow, idea_id, "Erika@Example.org")
    again, _ = mailed_tokens(uow, idea_id, " erika@example.org")
    for token in (confirm, confirm, again):
        assert handlers.confirm_support(uow, SETTINGS, token)["count"] == 1
    [supported] = uow.repo.events_of("idea.supported")
    assert (supported["idea_id"], supported["support_count"]) == (idea_id, 1)


def test_withdrawing_twice_is_announced_once(uow):
    idea_id = published_idea(uow)
    confirm, withdraw = mailed_tokens(uow, idea_id, "erika@example.org")
    handlers.confirm_support(uow, SETTINGS, confirm)
    handlers.withdraw_support(uow, SETTINGS, withdraw)
    assert handlers.withdraw_support(uow, SETTINGS, withdraw)["count"] == 0
    [withdrawn] = uow.repo.events_of("idea.support_withdrawn")
    assert set(withdrawn) == {"idea_id", "support_count", "withdrawn_at"} and withdrawn["support_count"] == 0


def test_a_forged_or_crossed_token_is_refused_naming_the_token(uow):
    confirm, withdraw = mailed_tokens(uow, published_idea(uow), "erika@example.org")
    for use, token in (
        (handlers.confirm_support, withdraw),
        (handlers.withdraw_support, confirm),
        (handlers.confirm_support, "forged"),
    ):
        with pytest.raises(InvalidInput) as refused:
            use(uow, SETTINGS, token)
        assert list(refused.value.errors) == ["token"]


def test_no_mail_goes_out_for_an_unknown_unpublished_or_hidden_idea(uow):
    submitted = uuid.uuid4()
    data = {"idea_id": submitted, "title": TITLE, "description": "x" * 20, "category": "mobility", "submitted_at": NOW}
    handlers.remember_ideas(uow, [event("idea.submitted", data)])
    hidden = published_idea(uow)
    handlers.apply_idea_visibility(uow, [visibility(hidden, True, NOW)])
    mailer = Mailer()
    for idea_id, refusal in ((uuid.uuid4(), NotFound), (submitted, Conflict), (hidden, Conflict)):
        with pytest.raises(refusal):
            handlers.request_support(uow, SETTINGS, idea_id, support("erika@example.org"), None, mailer)
    assert mailer.sent == []


def test_a_confirmation_for_an_idea_hidden_meanwhile_is_refused_and_counts_nothing(uow):
    idea_id = published_idea(uow)
    confirm, _ = mailed_tokens(uow, idea_id, "erika@example.org")
    handlers.apply_idea_visibility(uow, [visibility(idea_id, True, NOW)])
    with pytest.raises(Conflict):
        handlers.confirm_support(uow, SETTINGS, confirm)
    assert handlers.support_count(uow, idea_id) == {"idea_id": idea_id, "count": 0, "open": False}
    assert uow.repo.events_of("idea.supported") == []


def test_the_latest_hide_or_unhide_wins_and_a_late_event_does_not_move_an_idea_back(uow):
    idea_id = published_idea(uow)
    later_unhide, earlier_hide = visibility(idea_id, False, NOW + timedelta(minutes=2)), visibility(idea_id, True, NOW)
    handlers.apply_idea_visibility(uow, [later_unhide, earlier_hide])
    data = {"idea_id": idea_id, "title": TITLE, "description": "x" * 20, "category": "mobility", "submitted_at": NOW}
    handlers.remember_ideas(uow, [event("idea.submitted", data)])
    assert handlers.support_count(uow, idea_id)["open"] is True


# --- comments ------------------------------------------------------------------------------------


def submit(uow, idea_id, body: str = "Gute Idee!", parent_id=None, author_name=None) -> uuid.UUID:
    submission = {"body": body, "parent_id": parent_id, "author_name": author_name}
    receipt = handlers.submit_comment(uow, idea_id, submission)
    assert (receipt["status"], receipt["parent_id"]) == ("submitted", parent_id)
    return receipt["id"]


def decide(uow, comment_id, idea_id, decision: str, actor_kind: str = "automatic"):
    decided = event(
        "comment.moderated",
        {
            "comment_id": comment_id,
            "idea_id": idea_id,
            "decision": decision,
            "reasons": [],
            "actor_kind": actor_kind,
            "decided_at": datetime.now(UTC),
        },
    )
    handlers.apply_comment_decision(uow, decided)
    return decided


def listed(uow, idea_id) -> list:
    return [
        (item["id"], [reply["id"] for reply in item["replies"]])
        for item in handlers.comment_threads(uow, idea_id)["items"]
    ]


def test_a_comment_waits_for_moderation_and_hands_only_its_text_to_it(uow):
    idea_id = published_idea(uow)
    comment_id = submit(uow, idea_id, author_name="Erika M.")
    [submitted] = uow.repo.events_of("comment.submitted")
    assert (submitted["comment_id"], submitted["body"]) == (comment_id, "Gute Idee!")
    assert "Erika" not in str(submitted)
    assert listed(uow, idea_id) == []


def test_an_approved_comment_is_posted_once_and_a_later_decision_does_not_take_it_back(uow):
    idea_id = published_idea(uow)
    comment_id = submit(uow, idea_id, author_name="Erika M.")
    approval = decide(uow, comment_id, idea_id, "approve")
    handlers.apply_comment_decision(uow, approval)  # redelivered
    decide(uow, comment_id, idea_id, "reject", "moderator")

    [posted] = uow.repo.events_of("comment.posted")
    assert posted["comment_id"] == comment_id and "Erika" not in str(posted)
    [item] = handlers.comment_threads(uow, idea_id)["items"]
    assert (item["id"], item["author_name"], item["body"]) == (comment_id, "Erika M.", "Gute Idee!")


def test_a_reviewed_comment_is_posted_on_approval_and_never_when_rejected(uow):
    idea_id = published_idea(uow)
    approved, rejected = submit(uow, idea_id, "Ruft an: 0171 2345678"), submit(uow, idea_id, "Ruft an: 0171 7654321")
    for comment_id in (approved, rejected):
        decide(uow, comment_id, idea_id, "review")
    assert listed(uow, idea_id) == []
    decide(uow, approved, idea_id, "approve", "moderator")
    decide(uow, rejected, idea_id, "reject", "moderator")
    assert listed(uow, idea_id) == [(approved, [])]
    assert [posted["comment_id"] for posted in uow.repo.events_of("comment.posted")] == [approved]


def test_replies_answer_only_visible_top_level_comments_of_the_same_idea(uow):
    idea_id, other_idea = published_idea(uow), published_idea(uow)
    top = submit(uow, idea_id)
    with pytest.raises(InvalidInput) as refused:  # not posted yet
        submit(uow, idea_id, "Finde ich auch.", parent_id=top)
    assert list(refused.value.errors) == ["parent_id"]
    decide(uow, top, idea_id, "approve")
    reply = submit(uow, idea_id, "Finde ich auch.", parent_id=top)
    decide(uow, reply, idea_id, "approve")
    assert listed(uow, idea_id) == [(top, [reply])]

    for target_idea, parent in ((idea_id, reply), (other_idea, top), (idea_id, uuid.uuid4())):
        with pytest.raises(InvalidInput) as refused:
            submit(uow, target_idea, "Und noch tiefer.", parent_id=parent)
        assert list(refused.value.errors) == ["parent_id"]
    assert len(uow.repo.events_of("comment.submitted")) == 2  # the refused ones left nothing behind


def test_a_hidden_comment_leaves_the_list_with_its_replies_until_it_is_unhidden(uow):
    idea_id = published_idea(uow)
    top = submit(uow, idea_id)
    decide(uow, top, idea_id, "approve")
    reply = submit(uow, idea_id, "Finde ich auch.", parent_id=top)
    decide(uow, reply, idea_id, "approve")

    def change(hidden: bool, at: datetime):
        name = "hidden" if hidden else "unhidden"
        data = {"comment_id": top, "idea_id": idea_id, "reason": "flags", "actor_kind": "automatic", f"{name}_at": at}
        handlers.apply_comment_visibility(uow, event(f"comment.{name}", data))

    change(True, NOW)
    assert handlers.comment_threads(uow, idea_id) == {"idea_id": idea_id, "items": [], "total": 0}
    change(False, NOW + timedelta(seconds=1))
    change(True, NOW - timedelta(seconds=1))  # an older hide, arriving late, changes nothing
    assert handlers.comment_threads(uow, idea_id)["total"] == 2
