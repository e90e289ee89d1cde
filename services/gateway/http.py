"""HTTP plumbing of the gateway: reading JSON bodies safely and writing JSON responses; no Nameko."""
import json

from werkzeug.wrappers import Request, Response

MAX_BODY_BYTES = 64 * 1024
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}


class HttpError(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def json_response(status: int, body, headers: dict | None = None) -> Response:
    response = Response(json.dumps(body, ensure_ascii=False), status=status,
                        mimetype="application/json")
    response.headers.update(SECURITY_HEADERS)
    response.headers.update(headers or {})
    return response


def _is_json(mimetype: str) -> bool:
    return mimetype == "application/json" or (mimetype.startswith("application/") and mimetype.endswith("+json"))


def read_json(request: Request):
    """The request's JSON document, or an HttpError with the status the problem deserves."""
    if not _is_json(request.mimetype):
        raise HttpError(415, "Content-Type must be application/json.")
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise HttpError(413, f"Request body must not exceed {MAX_BODY_BYTES} bytes.")
    raw = request.stream.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise HttpError(413, f"Request body must not exceed {MAX_BODY_BYTES} bytes.")
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise HttpError(400, "Request body is not valid UTF-8.") from None
    except RecursionError:
        raise HttpError(400, "Request body is nested too deeply.") from None
    except ValueError as exc:
        raise HttpError(400, f"Request body is not valid JSON: {exc}") from None
