"""The web's pages rendered for real against a gateway that answers from a table (no network)."""

from types import SimpleNamespace

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from services.web.gateway import Answer
from services.web.pages import Pages, environment
from services.web.settings import WebSettings

SETTINGS = WebSettings(
    gateway_url="http://gateway.test",
    public_base_url="http://api.test",
    public_web_url="http://web.test",
    session_secret="x" * 32,
    accessibility_contact="barrierefreiheit@guetersloh.test",
)
IDEA_ID = "0b5f2c1e-8a1d-4c1e-9f3a-2d4e5f6a7b8c"
COMMENT_ID = "1c6f2c1e-8a1d-4c1e-9f3a-2d4e5f6a7b8c"
CATEGORIES = {
    "items": [
        {"id": "mobility", "labels": {"de": "Mobilität", "en": "Mobility"}},
        {"id": "environment", "labels": {"de": "Umwelt", "en": "Environment"}},
    ]
}
PROCESSES = {
    "items": [
        {
            "id": "standing",
            "title": "Ideen jederzeit",
            "description": "Immer offen",
            "state": "open",
            "standing": True,
            "closes_on": None,
            "figures": {"ideas_published": 3, "ideas_submitted": 4},
        },
        {
            "id": "radwege-2027",
            "title": "Radwege 2027",
            "description": "Wo fehlen Radwege?",
            "state": "open",
            "standing": False,
            "closes_on": "2027-03-31",
            "figures": {"ideas_published": 1, "ideas_submitted": 2},
        },
    ]
}
PUBLISHED = {
    "id": IDEA_ID,
    "title": "Mehr Bänke im Stadtpark",
    "description": "Im Stadtpark fehlen Sitzbänke <script>alert(1)</script> für ältere Menschen.",
    "category": "environment",
    "district": "Innenstadt",
    "status": "published",
    "submitted_at": "2026-12-01T09:30:00+00:00",
    "published_at": "2026-12-01T09:31:00+00:00",
    "rejection_reasons": [],
    "process_id": "standing",
    "assisted": False,
    "official_status": "accepted",
    "answers": [
        {
            "id": "a1",
            "official_status": "under_evaluation",
            "previous_status": None,
            "text": "Wir prüfen.",
            "answered_at": "2026-12-02T10:00:00+00:00",
        },
        {
            "id": "a2",
            "official_status": "accepted",
            "previous_status": "under_evaluation",
            "text": "Machen wir.",
            "answered_at": "2026-12-03T10:00:00+00:00",
        },
    ],
}
COMMENTS = {
    "idea_id": IDEA_ID,
    "total": 2,
    "items": [
        {
            "id": COMMENT_ID,
            "parent_id": None,
            "body": "Gute Idee!",
            "author_name": "Erika",
            "posted_at": "2026-12-02T08:00:00+00:00",
            "replies": [
                {
                    "id": "r1",
                    "parent_id": COMMENT_ID,
                    "body": "Finde ich auch.",
                    "author_name": None,
                    "posted_at": "2026-12-02T09:00:00+00:00",
                }
            ],
        },
    ],
}


class FakeGateway:
    """Answers `(method, path)` from `answers` (a 404 otherwise) and keeps every request."""

    def __init__(self, answers: dict | None = None):
        self.answers = {
            ("GET", "/categories"): Answer(200, CATEGORIES),
            ("GET", "/processes"): Answer(200, PROCESSES),
            ("GET", "/ideas"): Answer(200, {"items": [PUBLISHED], "page": 1, "per_page": 20, "total": 1}),
            ("GET", f"/ideas/{IDEA_ID}"): Answer(200, PUBLISHED),
            ("GET", f"/ideas/{IDEA_ID}/supports"): Answer(200, {"idea_id": IDEA_ID, "count": 7, "open": True}),
            ("GET", f"/ideas/{IDEA_ID}/comments"): Answer(200, COMMENTS),
        } | (answers or {})
        self.requests: list[dict] = []

    def request(self, method, path, **kwargs):
        self.requests.append({"method": method, "path": path} | kwargs)
        return self.answers.get((method, path), Answer(404, {"error": "not found"}))

    def sent(self, method, path) -> dict:
        return next(each for each in self.requests if (each["method"], each["path"]) == (method, path))


def pages() -> Pages:
    made = Pages()
    made.settings = SimpleNamespace(value=SETTINGS)  # what the bound SharedSettings hands out
    made.env = environment()
    return made


def request(path: str, method: str = "GET", data: dict | None = None, **headers) -> Request:
    builder = EnvironBuilder(
        path=path, method=method, data=data, headers=headers, environ_base={"REMOTE_ADDR": "203.0.113.9"}
    )
    return Request(builder.get_environ())
