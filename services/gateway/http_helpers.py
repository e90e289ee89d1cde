"""What the gateway's route modules share besides aufbruch/http.py: the API's prefix, and reading
and answering the few things several areas read and answer alike."""

from werkzeug.wrappers import Request, Response

from aufbruch.contracts.errors import InvalidInput
from aufbruch.contracts.ideas import MAX_PAGE
from aufbruch.http import SECURITY_HEADERS

API = "/api/v1"


def page_number(request: Request) -> int:
    """The `page` query parameter of a paged list (1 if absent), or InvalidInput naming it."""
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_PAGE):
        raise InvalidInput({"page": [f"Must be a whole number from 1 to {MAX_PAGE}."]})
    return int(raw)


def no_content() -> Response:
    response = Response(status=204)
    response.headers.update(SECURITY_HEADERS)
    return response


def link_token(request: Request) -> str:
    """The signed token of a link from a mail (`?token=`); empty if there is none."""
    return request.args.get("token", "")
