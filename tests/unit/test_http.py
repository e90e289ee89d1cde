"""Unit tests of the shared HTTP plumbing (aufbruch.http): reading JSON bodies safely, writing JSON
responses, and the `http` entrypoint's table from what went wrong to the answer a client gets.

Errors that crossed RPC are sent through Nameko's own (de)serialisation, as a caller of an RPC sees them.
"""

import io
import json
import logging
from types import SimpleNamespace

import pytest
from nameko.exceptions import RemoteError, RpcTimeout, UnknownService, deserialize, serialize
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from aufbruch.contracts.errors import Conflict, InvalidInput, NotFound, Unavailable
from aufbruch.http import (
    ERROR_RESPONSES,
    MAX_BODY_BYTES,
    RETRY_AFTER_SECONDS,
    SECURITY_HEADERS,
    AdmittingHttpRequestHandler,
    Forbidden,
    HttpError,
    ServiceTimeout,
    ServiceUnreachable,
    Unauthorized,
    accepted_locale,
    answers_errors,
    http,
    json_response,
    parse_json,
    read_body,
    read_json,
)


def request(body=b"", content_type="application/json", **kwargs) -> Request:
    return EnvironBuilder(
        method="POST", path="/api/v1/ideas", data=body, content_type=content_type, **kwargs
    ).get_request()


def chunked_request(body: bytes) -> Request:
    """A body sent without Content-Length (chunked), as a WSGI server hands it over."""
    environ = EnvironBuilder(
        method="POST", input_stream=io.BytesIO(body), content_type="application/json"
    ).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    environ["wsgi.input_terminated"] = True
    return Request(environ)


def refused(req: Request) -> HttpError:
    with pytest.raises(HttpError) as info:
        read_json(req)
    return info.value


# --- content type ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "APPLICATION/JSON",
        "application/merge-patch+json",
        "application/vnd.aufbruch.idea+json",
    ],
)
def test_json_content_types_are_accepted(content_type):
    assert read_json(request('{"title": "Bänke"}'.encode(), content_type)) == {"title": "Bänke"}


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "text/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonp",
        "application/xml",
        "application/json-seq",
    ],
)
def test_other_content_types_get_415(content_type):
    error = refused(request('{"title": "Bänke"}'.encode(), content_type))
    assert error.status == 415
    assert "application/json" in error.message


def test_missing_content_type_gets_415():
    environ = EnvironBuilder(method="POST", data=b"{}").get_environ()
    environ.pop("CONTENT_TYPE", None)
    assert refused(Request(environ)).status == 415


# --- size --------------------------------------------------------------------------------------


def test_body_of_exactly_the_limit_is_read():
    body = json.dumps({"d": "x" * (MAX_BODY_BYTES - 9)}).encode()
    assert len(body) == MAX_BODY_BYTES
    assert read_json(request(body)) == {"d": "x" * (MAX_BODY_BYTES - 9)}


def test_limit_is_64_kib():
    assert MAX_BODY_BYTES == 64 * 1024


def test_content_length_over_the_limit_gets_413_without_reading_the_body():
    body = io.BytesIO(b"x" * (MAX_BODY_BYTES + 1))
    req = request(body.getvalue())
    req.environ["wsgi.input"] = body
    error = refused(req)
    assert error.status == 413
    assert str(MAX_BODY_BYTES) in error.message
    assert body.tell() == 0


def test_declared_length_over_the_limit_gets_413_even_with_a_short_body():
    req = request(b"{}")
    req.environ["CONTENT_LENGTH"] = str(MAX_BODY_BYTES + 1)
    assert refused(req).status == 413


def test_oversized_body_without_content_length_gets_413():
    assert refused(chunked_request(b"[" + b"1," * MAX_BODY_BYTES + b"1]")).status == 413


def test_small_body_without_content_length_is_read():
    assert read_json(chunked_request(b'{"ok": true}')) == {"ok": True}


def test_deeply_nested_body_over_the_limit_is_refused_for_its_size_first():
    assert refused(request(b"[" * 100_000)).status == 413


# --- malformed bodies --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body", [b"", b"{", b"{'title': 'x'}", b'{"a": 1,}', b"title=x", b"NaN-ish", b"\xef\xbb\xbf{}"]
)
def test_malformed_json_gets_400(body):
    error = refused(request(body))
    assert error.status == 400
    assert "not valid JSON" in error.message


def test_invalid_utf8_gets_400():
    error = refused(request(b'{"title": "\xff\xfe"}'))
    assert error.status == 400
    assert "UTF-8" in error.message


@pytest.mark.parametrize("depth", [50_000, MAX_BODY_BYTES])
def test_very_deeply_nested_json_within_the_size_limit_gets_400(depth):
    error = refused(request(b"[" * depth))
    assert error.status == 400
    assert "nested too deeply" in error.message


def test_deeply_nested_but_complete_json_gets_400():
    depth = 20_000
    error = refused(request(b"[" * depth + b"]" * depth))
    assert error.status == 400


def test_any_json_value_is_returned_as_parsed():
    assert read_json(request(b"[1, 2, 3]")) == [1, 2, 3]
    assert read_json(request('"Bänke"'.encode())) == "Bänke"


# --- json_response -----------------------------------------------------------------------------


def test_json_response_writes_json_with_status_and_content_type():
    response = json_response(202, {"id": "42", "title": "Größere Grünflächen"})
    assert response.status_code == 202
    assert response.mimetype == "application/json"
    assert json.loads(response.get_data()) == {"id": "42", "title": "Größere Grünflächen"}
    assert "Größere".encode() in response.get_data()  # UTF-8, not \\u escapes


def test_json_response_sets_every_security_header():
    response = json_response(200, {})
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_json_response_adds_extra_headers():
    response = json_response(503, {"error": "x"}, {"Retry-After": "5"})
    assert response.headers["Retry-After"] == "5"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_http_error_carries_status_message_and_headers():
    error = HttpError(413, "too big", {"X": "y"})
    assert (error.status, error.message, error.headers, str(error)) == (413, "too big", {"X": "y"}, "too big")
    assert HttpError(400, "bad").headers == {}


# --- read_body / parse_json --------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b'{"title": "B\xc3\xa4nke",   "z": 1, "a": [1,2]}\n',  # spacing, key order, trailing newline
        b"  [1, 2, 3]  ",
        b'"\\u00e4"',
        b'{"n": 1.50}',
    ],
)
def test_read_body_returns_the_raw_bytes_unchanged(body):
    assert read_body(request(body)) == body


def test_read_body_does_not_parse_the_body():
    assert read_body(request(b"{not json")) == b"{not json"


def test_read_body_reads_a_body_without_content_length():
    assert read_body(chunked_request(b'{"ok":  true}')) == b'{"ok":  true}'


def test_read_body_refuses_what_is_not_json_or_too_large():
    with pytest.raises(HttpError) as info:
        read_body(request(b"{}", "text/plain"))
    assert info.value.status == 415
    with pytest.raises(HttpError) as info:
        read_body(chunked_request(b"[" + b"1," * MAX_BODY_BYTES + b"1]"))
    assert info.value.status == 413


def test_parse_json_returns_the_document():
    assert parse_json('{"title": "Bänke", "n": [1, null]}'.encode()) == {"title": "Bänke", "n": [1, None]}


@pytest.mark.parametrize(
    "raw, fragment",
    [
        (b"", "not valid JSON"),
        (b"{", "not valid JSON"),
        (b"{'a': 1}", "not valid JSON"),
        (b'{"a": 1,}', "not valid JSON"),
        (b"\xef\xbb\xbf{}", "not valid JSON"),
        (b'"\xff"', "UTF-8"),
        (b"[" * 50_000, "nested too deeply"),
    ],
)
def test_parse_json_refuses_with_400(raw, fragment):
    with pytest.raises(HttpError) as info:
        parse_json(raw)
    assert info.value.status == 400
    assert fragment in info.value.message
    assert info.value.__suppress_context__  # `from None`: no chained json/codec trace


# --- the http entrypoint's answers to errors ------------------------------------------------------


def over_rpc(exc: Exception) -> Exception:
    """The exception as the caller of an RPC sees it."""
    return deserialize(serialize(exc))


def raising(exc: Exception):
    @http("GET", "/anything")
    def handler(request):
        raise exc

    return handler


def body_of(response):
    assert response.mimetype == "application/json"
    return json.loads(response.get_data())


def assert_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value


def test_the_http_entrypoint_passes_a_normal_answer_through():
    answer = json_response(201, {"ok": True})

    @http("GET", "/ideas/<idea_id>")
    def handler(request, idea_id):
        assert (request, idea_id) == ("req", "42")
        return answer

    assert handler("req", idea_id="42") is answer
    assert handler.__name__ == "handler"
    [entrypoint] = getattr(handler, ENTRYPOINT_EXTENSIONS_ATTR)
    assert isinstance(entrypoint, AdmittingHttpRequestHandler) and entrypoint.url == "/ideas/<idea_id>"


def test_answering_errors_again_inside_the_entrypoint_wraps_nothing_twice():
    def handler(request):
        raise NotFound("x")

    answering = answers_errors(handler)
    assert answers_errors(answering) is answering
    stacked = http("GET", "/a")(http("GET", "/b")(answering))
    assert stacked is answering and stacked(None).status_code == 404
    assert {entrypoint.url for entrypoint in getattr(stacked, ENTRYPOINT_EXTENSIONS_ATTR)} == {"/a", "/b"}


@pytest.mark.parametrize("crossed_rpc", [False, True], ids=["local", "over_rpc"])
def test_invalid_input_gets_422_with_the_field_errors(crossed_rpc):
    errors = {"title": ["Length must be between 5 and 140."], "author": {"email": ["Not a valid email address."]}}
    error = InvalidInput(errors)
    if crossed_rpc:
        error = over_rpc(error)
        assert type(error) is InvalidInput

    response = raising(error)(None)

    assert response.status_code == 422
    assert body_of(response) == {"errors": errors}
    assert_security_headers(response)


@pytest.mark.parametrize("crossed_rpc", [False, True], ids=["local", "over_rpc"])
@pytest.mark.parametrize("kind, status", [(NotFound, 404), (Conflict, 409)])
def test_not_found_and_conflict_get_their_status_and_message(kind, status, crossed_rpc):
    error = kind("No idea with id nope.")
    if crossed_rpc:
        error = over_rpc(error)
        assert type(error) is kind

    response = raising(error)(None)

    assert response.status_code == status
    assert body_of(response) == {"error": "No idea with id nope."}
    assert_security_headers(response)
    assert "Retry-After" not in response.headers


@pytest.mark.parametrize(
    "error",
    [
        Unavailable("database unreachable at db:5432"),
        over_rpc(Unavailable("database unreachable at db:5432")),
        UnknownService("ideas"),
        RpcTimeout(),
        ServiceTimeout("ideas"),
        ServiceUnreachable("ideas"),
    ],
    ids=["Unavailable", "Unavailable_over_rpc", "UnknownService", "RpcTimeout", "ServiceTimeout", "ServiceUnreachable"],
)
def test_unavailable_services_get_503_with_retry_after(error):
    response = raising(error)(None)

    assert response.status_code == 503
    assert response.headers["Retry-After"] == RETRY_AFTER_SECONDS == "5"
    assert body_of(response) == {"error": "The service is temporarily unavailable. Please retry."}
    assert "database" not in response.get_data(as_text=True)
    assert_security_headers(response)


def test_unavailable_over_rpc_is_still_unavailable():
    assert type(over_rpc(Unavailable("x"))) is Unavailable


@pytest.mark.parametrize("status, headers", [(400, {}), (413, {}), (415, {}), (429, {"Retry-After": "30"})])
def test_http_error_gets_its_own_status_message_and_headers(status, headers):
    response = raising(HttpError(status, "Nope.", headers))(None)

    assert response.status_code == status
    assert body_of(response) == {"error": "Nope."}
    for name, value in headers.items():
        assert response.headers[name] == value
    assert_security_headers(response)


def test_error_table_covers_exactly_the_expected_kinds():
    assert set(ERROR_RESPONSES) == {
        HttpError,
        InvalidInput,
        NotFound,
        Conflict,
        Unavailable,
        UnknownService,
        RpcTimeout,
        ServiceTimeout,
        ServiceUnreachable,
        Unauthorized,
        Forbidden,
    }


def test_missing_credentials_get_401_with_a_bearer_challenge():
    response = answers_errors(lambda: (_ for _ in ()).throw(Unauthorized()))()
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert body_of(response)["error"]


def test_a_role_without_the_right_gets_403():
    response = answers_errors(lambda: (_ for _ in ()).throw(Forbidden()))()
    assert response.status_code == 403
    assert body_of(response)["error"]


def test_unexpected_error_gets_500_with_a_generic_body_and_the_trace_logged(caplog):
    with caplog.at_level(logging.ERROR, logger="aufbruch.http"):
        response = raising(ZeroDivisionError("secret detail in /srv/app/ideas.py line 42"))(None)

    assert response.status_code == 500
    assert body_of(response) == {"error": "Internal error."}
    assert_security_headers(response)
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "secret detail" not in text and "ZeroDivisionError" not in text
    logged = [record for record in caplog.records if record.name == "aufbruch.http"]
    assert any(record.exc_info and record.exc_info[0] is ZeroDivisionError for record in logged)
    assert any("handler" in record.getMessage() for record in logged)


def test_unexpected_error_over_rpc_gets_500_without_its_details(caplog):
    error = over_rpc(KeyError("author"))
    assert isinstance(error, RemoteError)

    with caplog.at_level(logging.ERROR, logger="aufbruch.http"):
        response = raising(error)(None)

    assert response.status_code == 500
    assert body_of(response) == {"error": "Internal error."}
    assert "KeyError" not in response.get_data(as_text=True)
    assert any(record.exc_info and record.exc_info[0] is RemoteError for record in caplog.records)


def test_expected_errors_are_not_logged_as_unexpected(caplog):
    with caplog.at_level(logging.ERROR, logger="aufbruch.http"):
        raising(NotFound("x"))(None)
        raising(HttpError(400, "bad"))(None)
    assert not [record for record in caplog.records if record.name == "aufbruch.http"]


def full(entrypoint: AdmittingHttpRequestHandler) -> AdmittingHttpRequestHandler:
    entrypoint.admission = SimpleNamespace(held=3, limit=3)  # type: ignore[assignment]
    return entrypoint


def test_beyond_its_limit_the_api_sheds_a_request_with_a_json_503_and_retry_after():
    answer = full(AdmittingHttpRequestHandler("GET", "/api/v1/ideas")).handle_request(request())

    assert answer.status_code == 503 and answer.headers["Retry-After"] == RETRY_AFTER_SECONDS
    assert body_of(answer) == {"error": "The platform is busy right now. Please retry shortly."}


def test_a_service_chooses_its_busy_answer():
    def busy_page(shed_request):
        return Response(f"busy at {shed_request.path}", status=503, mimetype="text/html")

    @http("GET", "/ideen", busy=busy_page)
    def handler(request):
        raise AssertionError("a shed request reaches no worker")

    [entrypoint] = getattr(handler, ENTRYPOINT_EXTENSIONS_ATTR)
    answer = full(entrypoint).handle_request(request())

    assert (answer.status_code, answer.mimetype, answer.get_data(as_text=True)) == (
        503,
        "text/html",
        "busy at /api/v1/ideas",
    )


@pytest.mark.parametrize(
    "accept_language, locale", [("en-GB,en;q=0.8", "en"), ("fr, de;q=0.5", "de"), ("fr", None), (None, None)]
)
def test_the_accepted_locale_is_the_best_language_the_platform_speaks(accept_language, locale):
    headers = {"Accept-Language": accept_language} if accept_language else {}
    assert accepted_locale(EnvironBuilder(path="/", headers=headers).get_request()) == locale
