"""Hostile input and abuse through the gateway: bodies no parser should choke on, odd Unicode kept
verbatim, markup that comes back escaped in the one HTML page, security headers on every answer
(also the ones nobody wrote a handler for), a per-client rate limit on public writes, and logs that
hold neither citizens' addresses nor tokens."""

import socket
import subprocess
import sys
import unicodedata
import uuid
from pathlib import Path

import pytest
import requests

from aufbruch.http import SECURITY_HEADERS
from tests.support.ideas import distinct_idea
from tests.support.infrastructure import REPO_ROOT, free_port, wait_until
from tests.support.staff import bearer

pytestmark = pytest.mark.e2e
JSON = {"Content-Type": "application/json"}


def post_raw(platform, body: bytes, path: str = "/ideas", headers=JSON) -> requests.Response:
    return requests.post(f"{platform.base_url}{path}", data=body, headers=headers, timeout=30)


@pytest.mark.parametrize(
    "body, status",
    [
        (b'{"title": "\xff\xfe Radweg", "description": "x", "category": "other"}', 400),  # invalid UTF-8
        (b"[" * 30_000 + b"]" * 30_000, 400),  # nested 30,000 deep
        (b'{"a":' * 10_000 + b"1" + b"}" * 10_000, 400),  # objects 10,000 deep
        (b'{"title": ' + b"9" * 5_000 + b"}", 400),  # a 5,000-digit number
        (b'{"title": "' + "ü".encode() * 40_000 + b'"}', 413),  # 80 KB of two-byte chars
        (b"[" + b"{}," * 20_000 + b"{}]", 422),  # 20,000 items, in size
    ],
)
def test_bodies_meant_to_choke_the_parser_are_refused_without_a_5xx(platform, body, status):
    response = post_raw(platform, body)
    assert response.status_code == status, response.text[:300]
    assert "error" in response.json() or "errors" in response.json()


def test_a_chunked_body_without_content_length_is_refused(platform):
    """Eventlet does not tell Werkzeug that it ends chunked input, so Werkzeug, to be safe, reads no
    chunked body at all: the gateway sees an empty body (400). Clients send Content-Length."""

    def chunks():
        for _ in range(100):
            yield b" " * 1024

    response = requests.post(f"{platform.base_url}/ideas", data=chunks(), headers=JSON, timeout=30)
    assert response.status_code in (400, 413)
    assert response.json()["error"]


def test_a_huge_header_is_refused_without_a_5xx(platform):
    response = requests.get(f"{platform.base_url}/ideas", headers={"X-Padding": "x" * 100_000}, timeout=30)
    assert 400 <= response.status_code < 500


ODD_UNICODE = [
    "Zero\u200bwidth\u200djoiner und \u2066isolierte\u2069 Richtung",
    "Kombinierend: Gu\u0308tersloh neben Gütersloh",
    "Emoji mit Hautton 👩🏽‍🚒 und Flagge 🇩🇪",
    "\u202eRechts-nach-links-Override\u202c am Anfang",
    "Mathe 𝔄𝔲𝔣𝔟𝔯𝔲𝔠𝔥 und Zalgo Z\u0351\u0352\u0353a\u0354",
]


@pytest.mark.parametrize("title", ODD_UNICODE)
def test_odd_unicode_is_stored_and_returned_as_sent_in_its_composed_form(platform, title):
    idea = distinct_idea() | {"title": title}
    receipt = platform.submit(idea)
    assert receipt.status_code == 202, receipt.text
    assert platform.idea(receipt.json()["id"])["title"] == unicodedata.normalize("NFC", title)


def test_markup_in_a_district_comes_back_escaped_on_the_dashboard(platform):
    district = f"<script>alert('{uuid.uuid4().hex[:6]}')</script><img src=x onerror=alert(1)>"
    idea_id = platform.submit(distinct_idea(district=district)).json()["id"]
    platform.wait_for_status(idea_id, {"published"})
    wait_until(lambda: district in platform.summary()["by_district"], message="reporting to count the district")

    page = requests.get(f"{platform.base_url.removesuffix('/api/v1')}/dashboard", timeout=30)
    assert page.status_code == 200
    assert district not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(" in page.text
    assert platform.idea(idea_id)["district"] == district  # the API returns the data itself, as JSON


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/api/v1/no-such-thing"),
        ("GET", "/"),
        ("DELETE", "/api/v1/ideas"),
        ("PUT", "/api/v1/reports/summary"),
        ("GET", "/api/v1/ideas/%00"),
        ("GET", "/api/v1/ideas/" + "a" * 5000),
    ],
)
def test_every_answer_carries_the_security_headers_even_without_a_handler(platform, method, path):
    response = requests.request(method, f"{platform.base_url.removesuffix('/api/v1')}{path}", timeout=30)
    assert 400 <= response.status_code < 500
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (name, response.status_code)


@pytest.fixture
def strict_gateway(platform):
    """A second gateway of the same platform whose public writes are limited to a burst of 3."""
    port = free_port()
    log = open(platform.logs / "strict-gateway.log", "ab")
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "nameko"),
            "run",
            "--config",
            "deploy/config.yaml",
            "services.gateway.service:GatewayService",
        ],
        cwd=REPO_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=platform.env | {"HTTP_PORT": str(port), "PUBLIC_WRITE_RATE_LIMIT": "1", "PUBLIC_WRITE_BURST": "3"},
    )

    def listening():
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            return False

    wait_until(listening, timeout=60, interval=0.5, message="the strict gateway to listen")
    yield f"http://127.0.0.1:{port}/api/v1"
    process.terminate()
    process.wait(30)


def test_public_writes_over_the_limit_get_429_with_retry_after(platform, strict_gateway):
    answers = [requests.post(f"{strict_gateway}/ideas", json=distinct_idea(), timeout=30) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [202, 202, 202]
    for answer in answers:
        platform.accepted.add(answer.json()["id"])

    refused = requests.post(
        f"{strict_gateway}/ideas", json=distinct_idea(), timeout=30, headers={"X-Forwarded-For": "198.51.100.23"}
    )  # no trusted proxy: ignored
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.json()["error"]
    assert refused.headers["X-Content-Type-Options"] == "nosniff"
    flag = requests.post(
        f"{strict_gateway}/ideas/{answers[0].json()['id']}/flags",
        timeout=30,
        json={"reason": "spam", "email": "flagger@example.org"},
    )
    assert flag.status_code == 429
    assert requests.get(f"{strict_gateway}/ideas/{answers[0].json()['id']}", timeout=30).status_code == 200


def test_logs_hold_no_addresses_and_no_tokens(platform, admin):
    address = f"private-{uuid.uuid4().hex[:8]}@example.org"
    refused_address = f"refuse-{uuid.uuid4().hex[:8]}@example.org"  # the mail server refuses it (logged?)
    ideas = [
        platform.submit(distinct_idea(author={"name": "Erika Privat", "email": email})).json()["id"]
        for email in (address, refused_address)
    ]
    for idea_id in ideas:
        platform.wait_for_status(idea_id, {"published"})
    wait_until(lambda: len(platform.mail.messages_to(address)) == 2, timeout=60, message="both mails")
    wait_until(
        lambda: platform.database.query(
            "select 1 from notifications.mails where recipient = %s and status = 'failed'", (refused_address,)
        ),
        timeout=60,
        message="the refused mail to be recorded as failed",
    )
    requests.get(f"{platform.base_url}/admin/users", headers=bearer(admin.token), timeout=30)
    requests.get(f"{platform.base_url}/admin/users", headers=bearer(admin.token[:-4] + "xxxx"), timeout=30)

    logs = "".join(path.read_text(errors="replace") for path in platform.logs.glob("*.log"))
    assert logs  # the services do log
    for secret in (address, refused_address, "Erika Privat", admin.token, admin.token[:-4]):
        assert secret not in logs
