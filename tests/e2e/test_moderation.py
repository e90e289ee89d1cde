"""End to end, through the gateway: human review, the race of two moderators, citizens' flags that
hide an idea, and who may call which moderation endpoint."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.support.ideas import distinct_idea
from tests.support.infrastructure import wait_until
from tests.support.staff import bearer

pytestmark = pytest.mark.e2e


def moderation(platform, method: str, path: str, token: str | None, **kwargs) -> requests.Response:
    return requests.request(method, f"{platform.base_url}{path}", headers=bearer(token), timeout=15, **kwargs)


def case_of(platform, token: str, idea_id: str) -> dict:
    def find():
        queue = moderation(platform, "GET", "/moderation/queue", token).json()["items"]
        return next((case for case in queue if case["idea_id"] == idea_id), None)

    return wait_until(find, message=f"a case for idea {idea_id} in the review queue")


def published_idea(platform) -> str:
    idea_id = platform.submit(distinct_idea()).json()["id"]
    platform.wait_for_status(idea_id, {"published"})
    return idea_id


def test_an_idea_with_a_phone_number_is_reviewed_and_approved_by_a_moderator(platform, moderator_token):
    address = f"review-{uuid.uuid4().hex[:8]}@example.org"
    idea = distinct_idea(
        description="Bitte den Spielplatz reparieren, erreichbar unter 0171 2345678 abends.", author={"email": address}
    )
    idea_id = platform.submit(idea).json()["id"]
    assert platform.wait_for_status(idea_id)["status"] == "in_review"

    case = case_of(platform, moderator_token, idea_id)
    assert case["reasons"] == ["personal_data"] and case["findings"][0]["spans"]
    decided = moderation(
        platform,
        "POST",
        f"/moderation/cases/{case['id']}/decision",
        moderator_token,
        json={"decision": "approve", "reason": "acceptable", "note": "Nummer der Stadtwerke"},
    )
    assert decided.status_code == 200

    assert platform.wait_for_status(idea_id, {"published"})["status"] == "published"
    wait_until(lambda: len(platform.mail.messages_to(address)) == 2, message="receipt and publication mails")
    history = moderation(platform, "GET", f"/moderation/cases/{case['id']}", moderator_token).json()["history"]
    assert [entry["action"] for entry in history] == ["automatic_decision", "case_opened", "decision"]
    assert history[-1]["note"] == "Nummer der Stadtwerke"


def test_of_two_moderators_deciding_one_case_the_second_gets_409(platform, admin, moderator_token):
    other_token = admin.create_user("moderator")["token"]
    idea_id = platform.submit(distinct_idea(description="Kontakt für Rückfragen: buerger@example.org bitte.")).json()[
        "id"
    ]
    case = case_of(platform, moderator_token, idea_id)

    decisions = [
        (moderator_token, {"decision": "approve", "reason": "acceptable"}),
        (other_token, {"decision": "reject", "reason": "personal_data"}),
    ]
    with ThreadPoolExecutor(2) as pool:
        statuses = sorted(
            pool.map(
                lambda decision: moderation(
                    platform, "POST", f"/moderation/cases/{case['id']}/decision", decision[0], json=decision[1]
                ).status_code,
                decisions,
            )
        )
    assert statuses == [200, 409]


def test_enough_citizens_flags_hide_an_idea_until_a_moderator_unhides_it(platform, moderator_token):
    idea_id = published_idea(platform)
    flags = [{"reason": "offensive", "email": f"flagger-{number}@example.org"} for number in range(3)]
    # Moderation learns of the publication from idea.published, a moment after ideas shows it.
    wait_until(
        lambda: moderation(platform, "POST", f"/ideas/{idea_id}/flags", None, json=flags[0]).status_code == 202,
        message="the first flag to be accepted",
    )
    assert moderation(platform, "POST", f"/ideas/{idea_id}/flags", None, json=flags[0]).status_code == 409
    for flag in flags[1:]:
        assert moderation(platform, "POST", f"/ideas/{idea_id}/flags", None, json=flag).status_code == 202

    hidden = platform.wait_for_status(idea_id, {"hidden"})
    assert "title" not in hidden and "description" not in hidden
    listed = requests.get(f"{platform.base_url}/ideas", params={"per_page": 100}, timeout=10).json()["items"]
    assert idea_id not in [idea["id"] for idea in listed]

    case = case_of(platform, moderator_token, idea_id)
    assert case["kind"] == "flags"
    moderation(
        platform,
        "POST",
        f"/moderation/cases/{case['id']}/decision",
        moderator_token,
        json={"decision": "approve", "reason": "false_positive"},
    )
    assert platform.wait_for_status(idea_id, {"published"})["status"] == "published"


def test_a_flag_names_what_is_wrong_with_it(platform):
    response = moderation(platform, "POST", f"/ideas/{uuid.uuid4()}/flags", None, json={"reason": "boring"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"reason", "email"}


ENDPOINTS = [
    ("GET", "/moderation/queue", None),
    ("GET", "/moderation/cases/{case}", None),
    ("POST", "/moderation/cases/{case}/decision", {"decision": "approve", "reason": "acceptable"}),
    ("POST", "/moderation/ideas/{idea}/hide", {"reason": "legal_review"}),
    ("POST", "/moderation/ideas/{idea}/unhide", {"reason": "corrected"}),
]


@pytest.mark.parametrize("method, path, body", ENDPOINTS)
@pytest.mark.parametrize("who", ["no token", "malformed header", "unknown token", "revoked token"])
def test_moderation_endpoints_refuse_anyone_without_a_valid_token(platform, admin, method, path, body, who):
    headers = {
        "no token": {},
        "malformed header": {"Authorization": "Basic bW9kZXJhdG9yOnNlY3JldA=="},
        "unknown token": bearer("aufb_" + uuid.uuid4().hex),
        "revoked token": bearer(revoked_moderator_token(admin)),
    }[who]
    url = platform.base_url + path.format(case=uuid.uuid4(), idea=uuid.uuid4())
    response = requests.request(method, url, json=body, headers=headers, timeout=15)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def revoked_moderator_token(admin) -> str:
    created = admin.create_user("moderator")
    assert admin.request("DELETE", f"/tokens/{created['token_id']}").status_code == 204
    return created["token"]


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_moderators_and_admins_may_use_every_moderation_endpoint(platform, admin, role):
    token = admin.token if role == "admin" else admin.create_user("moderator")["token"]
    idea_id = published_idea(platform)
    case_idea = platform.submit(distinct_idea(description="Rückruf bitte unter 05241 123456 an Werktagen.")).json()[
        "id"
    ]
    case = case_of(platform, token, case_idea)
    wait_until(
        lambda: moderation(
            platform, "POST", f"/moderation/ideas/{idea_id}/hide", token, json={"reason": "legal_review"}
        ).status_code
        == 200,
        message="moderation to know the idea is published",
    )
    answers = [
        moderation(platform, method, path.format(case=case["id"], idea=idea_id), token, json=body).status_code
        for method, path, body in ENDPOINTS
        if not path.endswith("/hide")
    ]
    assert answers == [200, 200, 200, 200]
