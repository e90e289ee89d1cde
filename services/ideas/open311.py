"""A read-only Open311 GeoReport v2 view of the published ideas (http://wiki.open311.org/GeoReport_v2).

Categories are the services (service_code = category code, service_name its German label from
aufbruch/labels.py), published ideas are the service requests. Only published ideas appear, and never
personal data: the submitter's name and address live in another table that no query here reaches.
The platform has no geodata (`lat`/`long` are null, `address` is the district).

A request's status follows the city's official answer (services/ideas/answers.py): it is `closed`
once the city settled the idea (implemented or declined), `open` before, and its `status_notes` name
the official status (null while the city has not answered).

The mapping and the parsing of filters are pure functions; `services`, `requests` and `request`
are the use cases the HTTP entrypoints in service.py call, `respond` turns them into answers.
"""

import json
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from werkzeug.wrappers import Response

from aufbruch.contracts.errors import NotFound
from aufbruch.contracts.ideas import DEFAULT_LOCALE
from aufbruch.http import SECURITY_HEADERS
from aufbruch.labels import category_label, official_status_label
from aufbruch.unit_of_work import UnitOfWork
from services.ideas.answers import SETTLED
from services.ideas.domain import PUBLISHED, Idea
from services.ideas.handlers import idea_id_of
from services.ideas.repository import Repository

CONTENT_TYPE = "application/json; charset=utf-8"
GROUP = "Ideen"
MAX_RESULTS = 1000
DEFAULT_WINDOW = timedelta(days=90)
OPEN, CLOSED = "open", "closed"
STATUSES = (OPEN, CLOSED)
SERVICE_KEYWORDS = {
    "administration": "verwaltung,bürgerservice,digitalisierung",
    "education": "bildung,schule,kita,weiterbildung",
    "mobility": "mobilität,verkehr,radverkehr,bus,parken",
    "economy": "wirtschaft,handel,arbeit",
    "culture": "kultur,veranstaltungen,freizeit",
    "environment": "umwelt,klima,grün,natur",
    "health": "gesundheit,pflege,sport",
    "other": "sonstiges",
}

REQUEST_FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
)
SERVICE_FIELDS = ("service_code", "service_name", "description", "metadata", "type", "keywords", "group")


class Open311Error(Exception):
    """A request Open311 answers with `[{"code": …, "description": …}]` and that HTTP status."""

    def __init__(self, code: int, description: str):
        super().__init__(description)
        self.code = code
        self.description = description

    def body(self) -> list[dict]:
        return [{"code": self.code, "description": self.description}]


# --- mapping ------------------------------------------------------------------------------------


def service(category: str) -> dict:
    """A category as an Open311 service."""
    name = category_label(DEFAULT_LOCALE, category)
    return {
        "service_code": category,
        "service_name": name,
        "description": f"Ideen von Bürgerinnen und Bürgern zum Thema {name}.",
        "metadata": False,
        "type": "realtime",
        "keywords": SERVICE_KEYWORDS.get(category, category),
        "group": GROUP,
    }


def _timestamp(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat(timespec="seconds") if value else None


def service_request(idea: Idea) -> dict:
    """A published idea as an Open311 service request: exactly the spec's fields, no personal data."""
    return {
        "service_request_id": str(idea.id),
        "status": CLOSED if idea.official_status in SETTLED else OPEN,
        "status_notes": official_status_label(DEFAULT_LOCALE, idea.official_status) if idea.official_status else None,
        "service_name": category_label(DEFAULT_LOCALE, idea.category),
        "service_code": idea.category,
        "description": f"{idea.title}\n\n{idea.description}",
        "agency_responsible": None,
        "service_notice": None,
        "requested_datetime": _timestamp(idea.submitted_at),
        "updated_datetime": _timestamp(idea.published_at or idea.decided_at),
        "expected_datetime": None,
        "address": idea.district,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


# --- filters ------------------------------------------------------------------------------------


def _list(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def parse_datetime(name: str, value: str, city: tzinfo = UTC, end_of_day: bool = False) -> datetime:
    """An ISO 8601 date or date-time; without an offset it is read in the city's timezone. A date
    alone means its first moment, or with `end_of_day` its last (so an end_date names a whole day)."""
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day, time.max if end_of_day else time.min)
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        raise Open311Error(
            400, f"{name} must be an ISO 8601 date-time such as 2024-05-17T09:00:00+02:00, not {value!r}."
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=city)


def parse_statuses(value: str | None) -> list[str]:
    """The statuses asked for (comma-separated `open`, `closed`); all of them if none is given."""
    statuses = _list(value)
    unknown = [status for status in statuses if status not in STATUSES]
    if unknown:
        raise Open311Error(400, f"status must be open or closed (comma-separated), not {', '.join(unknown)}.")
    return statuses or list(STATUSES)


def parse_service_codes(value: str | None, categories: list[str]) -> list[str] | None:
    """The service codes asked for (comma-separated), or None for every service."""
    codes = _list(value)
    unknown = [code for code in codes if code not in categories]
    if unknown:
        raise Open311Error(
            400, f"service_code {', '.join(unknown)} is unknown; the services are {', '.join(categories)}."
        )
    return codes or None


def parse_filters(args: dict, categories: list[str], now: datetime, city: tzinfo = UTC) -> dict:
    """The filters of requests.json: `start`, `end` (on requested_datetime, both inclusive),
    `settled` (True: only closed requests, False: only open ones, None: both), `categories` (None
    for all). Without start_date and end_date the window is the last 90 days; with only one of them
    it is 90 days from or up to it."""
    end = parse_datetime("end_date", args["end_date"], city, end_of_day=True) if args.get("end_date") else None
    if args.get("start_date"):
        start = parse_datetime("start_date", args["start_date"], city)
        if end is None:
            end = start + DEFAULT_WINDOW
    else:
        start = (end or now) - DEFAULT_WINDOW
    if end is not None and end < start:
        raise Open311Error(400, "end_date must not be before start_date.")
    statuses = parse_statuses(args.get("status"))
    return {
        "start": start,
        "end": end,
        "settled": None if set(statuses) == set(STATUSES) else statuses[0] == CLOSED,
        "categories": parse_service_codes(args.get("service_code"), categories),
    }


# --- use cases ----------------------------------------------------------------------------------


def services(categories: list[str]) -> list[dict]:
    return [service(category) for category in categories]


def requests(
    uow: UnitOfWork[Repository], args: dict, categories: list[str], city: tzinfo = UTC, now: datetime | None = None
) -> list[dict]:
    filters = parse_filters(args, categories, now or datetime.now(UTC), city)
    with uow.transaction() as ideas:
        found = ideas.open311_requests(
            filters["settled"], filters["start"], filters["end"], filters["categories"], MAX_RESULTS
        )
    return [service_request(idea) for idea in found]


def request(uow: UnitOfWork[Repository], request_id: str) -> list[dict]:
    not_found = Open311Error(404, f"No service request with id {request_id}.")
    try:
        idea_id = idea_id_of(request_id)
    except NotFound:
        raise not_found from None
    with uow.transaction() as ideas:
        idea = ideas.get(idea_id)
    if idea is None or idea.status != PUBLISHED:  # ideas not published are not public
        raise not_found
    return [service_request(idea)]


def respond(produce) -> Response:
    """The JSON answer of `produce()`, or its Open311Error as the spec's error list."""
    try:
        status, body = 200, produce()
    except Open311Error as error:
        status, body = error.code, error.body()
    response = Response(json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE)
    response.headers.update(SECURITY_HEADERS)
    return response
