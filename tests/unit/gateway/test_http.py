"""Unit tests of the gateway's HTTP plumbing: reading JSON bodies safely, writing JSON responses."""
import io
import json

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from aufbruch.http import MAX_BODY_BYTES, SECURITY_HEADERS, HttpError, json_response, read_json


def request(body=b"", content_type="application/json", **kwargs) -> Request:
    return EnvironBuilder(method="POST", path="/api/v1/ideas", data=body, content_type=content_type,
                          **kwargs).get_request()


def chunked_request(body: bytes) -> Request:
    """A body sent without Content-Length (chunked), as a WSGI server hands it over."""
    environ = EnvironBuilder(method="POST", input_stream=io.BytesIO(body),
                             content_type="application/json").get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    environ["wsgi.input_terminated"] = True
    return Request(environ)


def refused(req: Request) -> HttpError:
    with pytest.raises(HttpError) as info:
        read_json(req)
    return info.value


# --- content type ------------------------------------------------------------------------------

@pytest.mark.parametrize("content_type", [
    "application/json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON",
    "application/merge-patch+json",
    "application/vnd.aufbruch.idea+json",
])
def test_json_content_types_are_accepted(content_type):
    assert read_json(request('{"title": "Bänke"}'.encode(), content_type)) == {"title": "Bänke"}


@pytest.mark.parametrize("content_type", [
    "text/plain", "text/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
    "application/jsonp", "application/xml", "application/json-seq",
])
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

@pytest.mark.parametrize("body", [b"", b"{", b"{'title': 'x'}", b'{"a": 1,}', b"title=x", b"NaN-ish", b"\xef\xbb\xbf{}"])
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
    assert read_json(request('"Bänke"'.encode("utf-8"))) == "Bänke"


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
