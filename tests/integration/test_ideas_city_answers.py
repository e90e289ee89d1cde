"""The ideas service's part of issue 9 against a real database and broker: participation processes
that open and close, the city's official answers with their public history and event, and ideas
that staff submit for a citizen. Who on the staff acted is kept, and never shown or announced."""

import json
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import eventlet
import pytest
import requests
from nameko.testing.utils import get_extension

from aufbruch.contracts.errors import Conflict, InvalidInput, NotFound
from aufbruch.db import Database
from aufbruch.unit_of_work import UnitOfWork
from services.ideas import answers, city_handlers, repository
from services.ideas.service import IdeasService
from tests.integration.test_ideas_service import AUTHOR, IDEA, Ideas, count, outbox
from tests.support.infrastructure import free_port

STAFF = {"user_id": str(uuid.uuid4()), "username": "lena.sachbearbeitung", "role": "staff"}


class CityIdeas(Ideas):
    def processes(self) -> dict:
        response = requests.get(f"{self.base_url}/processes", timeout=10)
        assert response.status_code == 200, response.text
        return {process["id"]: process for process in response.json()["items"]}

    def new_process(self, **changes) -> dict:
        today = city_today()
        return self.call(
            "create_process",
            {
                "id": f"prozess-{uuid.uuid4().hex[:8]}",
                "title": "Digitalgipfel 2027",
                "description": "Ideen für den Digitalgipfel.",
                "categories": ["mobility", "economy"],
                "opens_on": (today - timedelta(days=1)).isoformat(),
                "closes_on": (today + timedelta(days=1)).isoformat(),
            }
            | changes,
        )

    def published_idea(self, **changes) -> str:
        idea_id = self.submitted(**changes)
        self.decide(idea_id, "approve")
        return idea_id

    def answer(self, idea_id: str, status: str, text: str = "Die Verwaltung prüft den Vorschlag.") -> dict:
        return self.call("answer", idea_id, {"status": status, "text": text}, STAFF)

    def answers(self, idea_id: str) -> requests.Response:
        return requests.get(f"{self.base_url}/ideas/{idea_id}/answers", timeout=10)

    def submit_assisted(self, payload: dict, key: str | None = None) -> dict:
        return self.call("submit_assisted", payload, key, STAFF)


@pytest.fixture
def ideas(container_factory, config):
    port = free_port()
    container = container_factory(IdeasService, config | {"WEB_SERVER_ADDRESS": f"127.0.0.1:{port}"})
    container.start()
    return CityIdeas(container, f"http://127.0.0.1:{port}/api/v1")


def city_today() -> date:
    return datetime.now(ZoneInfo("Europe/Berlin")).date()


def no_staff_member_in(text: str) -> bool:
    return STAFF["user_id"] not in text and STAFF["username"] not in text


# --- processes ---------------------------------------------------------------------------------


def test_the_standing_process_exists_and_takes_ideas_without_a_process(ideas, database):
    idea_id = ideas.published_idea()
    ideas.submitted()

    standing = ideas.processes()["standing"]
    assert standing["standing"] is True and standing["state"] == "open"
    assert standing["opens_on"] is None and standing["closes_on"] is None
    assert "mobility" in standing["categories"] and "other" in standing["categories"]
    assert standing["figures"] == {"ideas_submitted": 2, "ideas_published": 1}
    assert ideas.get(idea_id).json()["process_id"] == "standing"
    [event] = outbox(database, "idea.published", idea_id)
    assert event["data"]["process_id"] == "standing"


def test_an_idea_in_an_open_process_is_counted_and_announced_with_its_process(ideas, database):
    process = ideas.new_process()
    assert process["state"] == "open" and process["figures"] == {"ideas_submitted": 0, "ideas_published": 0}

    idea_id = ideas.submitted(process_id=process["id"])

    [event] = outbox(database, "idea.submitted", idea_id)
    assert event["data"]["process_id"] == process["id"]
    assert ideas.get(idea_id).json()["process_id"] == process["id"]
    single = requests.get(f"{ideas.base_url}/processes/{process['id']}", timeout=10).json()
    assert single["figures"] == {"ideas_submitted": 1, "ideas_published": 0}
    assert ideas.processes()["standing"]["figures"]["ideas_submitted"] == 0


@pytest.mark.parametrize(
    "dates, message",
    [
        ({"opens_on": -10, "closes_on": -1}, "closed on"),
        ({"opens_on": 1, "closes_on": 10}, "opens on"),
    ],
)
def test_a_closed_or_not_yet_open_process_refuses_with_409_and_stores_nothing(ideas, database, dates, message):
    today = city_today()
    process = ideas.new_process(**{name: (today + timedelta(days=days)).isoformat() for name, days in dates.items()})
    assert process["state"] == ("closed" if dates["closes_on"] < 0 else "upcoming")

    response = ideas.submit(process_id=process["id"], author=AUTHOR)

    assert response.status_code == 409 and message in response.json()["error"]
    for table in ("ideas.ideas", "ideas.contacts", "ideas.outbox"):
        assert count(database, table) == 0, table


def test_the_last_day_still_takes_ideas_and_an_admin_can_reopen_a_closed_process(ideas):
    today = city_today()
    last_day = ideas.new_process(opens_on=(today - timedelta(days=3)).isoformat(), closes_on=today.isoformat())
    assert ideas.submit(process_id=last_day["id"]).status_code == 202

    closed = ideas.new_process(
        closes_on=(today - timedelta(days=1)).isoformat(), opens_on=(today - timedelta(days=5)).isoformat()
    )
    assert ideas.submit(process_id=closed["id"]).status_code == 409
    reopened = ideas.call("change_process", closed["id"], {"closes_on": None})
    assert reopened["state"] == "open" and reopened["closes_on"] is None
    assert ideas.submit(process_id=closed["id"]).status_code == 202


def test_a_category_outside_the_process_and_an_unknown_process_are_422_naming_the_field(ideas, database):
    process = ideas.new_process(categories=["economy"])

    outside = ideas.submit(process_id=process["id"], category="mobility")
    unknown = ideas.submit(process_id="gibt-es-nicht")

    assert outside.status_code == 422 and set(outside.json()["errors"]) == {"category"}
    assert "economy" in outside.json()["errors"]["category"][0]
    assert unknown.status_code == 422 and set(unknown.json()["errors"]) == {"process_id"}
    assert count(database, "ideas.ideas") == 0


def test_creating_and_changing_processes_is_validated(ideas):
    existing = ideas.new_process()
    with pytest.raises(Conflict):
        ideas.new_process(id=existing["id"])
    with pytest.raises(InvalidInput) as invalid:
        ideas.call(
            "create_process",
            {"id": "X", "title": "Kurz", "categories": ["weather"], "opens_on": "2027-13-01", "extra": 1},
        )
    assert set(invalid.value.errors) == {"id", "title", "description", "categories", "opens_on", "extra"}
    with pytest.raises(InvalidInput) as backwards:
        ideas.call("change_process", existing["id"], {"closes_on": "2000-01-01"})
    assert set(backwards.value.errors) == {"closes_on"}
    with pytest.raises(Conflict):
        ideas.call("change_process", "standing", {"title": "Etwas anderes"})
    with pytest.raises(NotFound):
        ideas.call("change_process", "gibt-es-nicht", {"title": "Etwas anderes"})
    assert requests.get(f"{ideas.base_url}/processes/gibt-es-nicht", timeout=10).status_code == 404


# --- answers -----------------------------------------------------------------------------------


def test_an_answer_sets_the_official_status_and_is_public_history_and_an_event(ideas, database):
    idea_id = ideas.published_idea(author=AUTHOR)

    first = ideas.answer(idea_id, "under_evaluation", "Das Tiefbauamt prüft die Fahrradbügel.")
    second = ideas.answer(idea_id, "accepted", "Im Juni kommen 40 Bügel an den Bahnhof.")

    assert (first["official_status"], first["previous_status"]) == ("under_evaluation", None)
    assert (second["official_status"], second["previous_status"]) == ("accepted", "under_evaluation")
    view = ideas.get(idea_id).json()
    assert view["official_status"] == "accepted"
    assert [answer["id"] for answer in view["answers"]] == [first["id"], second["id"]]
    history = ideas.answers(idea_id)
    assert history.status_code == 200 and history.json()["items"] == view["answers"]
    assert history.json()["items"][1]["text"] == "Im Juni kommen 40 Bügel an den Bahnhof."
    events = outbox(database, "idea.status_changed", idea_id)
    assert [event["data"]["official_status"] for event in events] == ["under_evaluation", "accepted"]
    assert events[1]["data"] | {"answered_at": None} == {
        "idea_id": idea_id,
        "answer_id": second["id"],
        "title": IDEA["title"],
        "process_id": "standing",
        "official_status": "accepted",
        "previous_status": "under_evaluation",
        "answer": "Im Juni kommen 40 Bügel an den Bahnhof.",
        "answered_at": None,
    }
    assert database.query("select distinct answered_by::text from ideas.answers") == [(STAFF["user_id"],)]
    for public in (json.dumps(events), history.text, ideas.get(idea_id).text):
        assert no_staff_member_in(public) and AUTHOR["email"] not in public and AUTHOR["name"] not in public


def test_answers_given_at_once_are_taken_in_turn_so_the_history_is_one_chain(ideas, database, monkeypatch):
    idea_id = ideas.published_idea()
    decide = answers.answer

    def slow_answer(*args, **kwargs):  # holds each transaction open, so that the answers overlap
        given = decide(*args, **kwargs)
        eventlet.sleep(0.1)
        return given

    monkeypatch.setattr(answers, "answer", slow_answer)

    # Straight to the use case with the service's own pool: nameko's entrypoint_hook is not for
    # concurrent calls (parallel hooks share one result).
    uow = UnitOfWork(get_extension(ideas.container, Database), repository.Repository)
    body = {"status": "under_evaluation", "text": "Wir prüfen das."}
    given = list(eventlet.GreenPool().imap(lambda _: city_handlers.answer(uow, idea_id, body, STAFF), range(6)))

    # Each answer saw the one before it: exactly one is the first (previous null), none is lost.
    assert sorted(answer["previous_status"] or "" for answer in given) == [""] + ["under_evaluation"] * 5
    assert len(ideas.answers(idea_id).json()["items"]) == 6
    assert len(outbox(database, "idea.status_changed", idea_id)) == 6


def test_the_published_list_carries_the_official_status_but_not_the_history(ideas):
    idea_id = ideas.published_idea()
    ideas.answer(idea_id, "declined", "Dafür fehlt der Platz.")

    [listed] = ideas.published()["items"]
    assert listed["id"] == idea_id and listed["official_status"] == "declined" and "answers" not in listed


def test_the_published_list_filters_by_official_status_or_not_yet_answered(ideas):
    declined, accepted, unanswered = (ideas.published_idea() for _ in range(3))
    ideas.answer(declined, "declined", "Dafür fehlt der Platz.")
    ideas.answer(accepted, "accepted", "Im Juni kommen 40 Bügel.")

    def listed(**query) -> list[str]:
        return sorted(idea["id"] for idea in ideas.published(**query)["items"])

    assert listed(official_status="declined") == [declined]
    assert listed(official_status="accepted") == [accepted]
    assert listed(official_status="none") == [unanswered]
    assert listed(official_status="implemented") == []
    assert ideas.published(official_status="none")["total"] == 1


def test_the_published_list_filters_by_process_and_combines_filters(ideas):
    summit = ideas.new_process()["id"]
    in_summit = ideas.published_idea(process_id=summit, category="mobility")
    in_summit_elsewhere = ideas.published_idea(process_id=summit, category="economy", district="Avenwedde")
    ideas.published_idea()  # the standing process
    ideas.submitted(process_id=summit)  # not published

    assert {idea["id"] for idea in ideas.published(process_id=summit)["items"]} == {in_summit, in_summit_elsewhere}
    assert [idea["id"] for idea in ideas.published(process_id=summit, district="Avenwedde")["items"]] == [
        in_summit_elsewhere
    ]
    assert ideas.published(process_id=summit, category="culture")["total"] == 0
    assert ideas.published(process_id="kein-solcher-prozess")["total"] == 0
    assert ideas.published(process_id="standing")["total"] == 1


def test_an_answer_that_may_not_follow_is_409_and_changes_nothing(ideas, database):
    idea_id = ideas.published_idea()
    with pytest.raises(Conflict, match="not yet answered"):
        ideas.answer(idea_id, "implemented")
    ideas.answer(idea_id, "accepted")
    ideas.answer(idea_id, "implemented")
    with pytest.raises(Conflict):
        ideas.answer(idea_id, "declined")

    assert ideas.get(idea_id).json()["official_status"] == "implemented"
    assert count(database, "ideas.answers") == 2
    assert len(outbox(database, "idea.status_changed")) == 2


def test_only_published_ideas_are_answered_and_show_answers(ideas, database):
    waiting = ideas.submitted()
    with pytest.raises(Conflict, match="submitted"):
        ideas.answer(waiting, "accepted")
    with pytest.raises(NotFound):
        ideas.answer(str(uuid.uuid4()), "accepted")
    with pytest.raises(InvalidInput) as invalid:
        ideas.call("answer", waiting, {"status": "maybe", "text": ""}, STAFF)
    assert set(invalid.value.errors) == {"status", "text"}
    assert ideas.answers(waiting).status_code == 404
    assert count(database, "ideas.answers") == 0 and outbox(database, "idea.status_changed") == []


# --- assisted submissions ----------------------------------------------------------------------


def test_an_assisted_idea_is_marked_keeps_who_helped_internally_and_goes_to_moderation(ideas, database):
    taken = ideas.submit_assisted(IDEA | {"author": AUTHOR, "consent": True})

    assert taken["created"] is True and taken["receipt"]["status"] == "submitted"
    idea_id = taken["receipt"]["id"]
    view = ideas.get(idea_id)
    assert view.json()["assisted"] is True and no_staff_member_in(view.text)
    [(staff_user_id, consent_given_at)] = database.query(
        "select staff_user_id::text, consent_given_at from ideas.assisted_submissions where idea_id = %s", (idea_id,)
    )
    assert staff_user_id == STAFF["user_id"] and consent_given_at is not None
    [event] = outbox(database, "idea.submitted", idea_id)  # moderation takes it from here, as any idea
    assert no_staff_member_in(json.dumps(event)) and AUTHOR["email"] not in json.dumps(event)
    assert ideas.contact(idea_id)["email"] == AUTHOR["email"]  # the citizen gets the receipt mail
    assert ideas.get(ideas.submitted()).json()["assisted"] is False


@pytest.mark.parametrize("consent", [False, None, "ja"])
def test_an_assisted_idea_without_the_citizens_consent_is_422_naming_consent(ideas, database, consent):
    payload = IDEA | ({} if consent is None else {"consent": consent})
    with pytest.raises(InvalidInput) as refused:
        ideas.submit_assisted(payload)
    assert set(refused.value.errors) == {"consent"}
    assert count(database, "ideas.ideas") == 0


def test_assisted_ideas_obey_processes_and_idempotency_keys(ideas, database):
    closed = ideas.new_process(
        opens_on=(city_today() - timedelta(days=9)).isoformat(),
        closes_on=(city_today() - timedelta(days=2)).isoformat(),
    )
    with pytest.raises(Conflict):
        ideas.submit_assisted(IDEA | {"consent": True, "process_id": closed["id"]})

    key = str(uuid.uuid4())
    first = ideas.submit_assisted(IDEA | {"consent": True}, key=key)
    again = ideas.submit_assisted(IDEA | {"consent": True}, key=key)
    assert (first["created"], again["created"]) == (True, False)
    assert again["receipt"] == first["receipt"]
    assert count(database, "ideas.assisted_submissions") == 1
