"""The gateway's shared HTTP helpers (services/gateway/http_helpers.py): the page of a staff list (a whole
number the database can use as an offset, or a 422 naming `page`), 204 answers, a mailed link's token and
the client's language."""

import pytest
from werkzeug.test import EnvironBuilder

from aufbruch.contracts.errors import InvalidInput
from aufbruch.contracts.ideas import MAX_PAGE
from aufbruch.http import SECURITY_HEADERS
from services.gateway.http_helpers import link_token, no_content, page_number


def request(query: str = "", headers=None):
    return EnvironBuilder(path="/", query_string=query, headers=headers or {}).get_request()


@pytest.mark.parametrize("query, page", [("", 1), ("page=1", 1), (f"page={MAX_PAGE}", MAX_PAGE)])
def test_a_whole_number_in_range_is_the_page(query, page):
    assert page_number(request(query)) == page


@pytest.mark.parametrize("raw", ["0", "-555", "1.5", "x", "²", "١", str(MAX_PAGE + 1), "9" * 40])
def test_anything_else_is_refused_naming_page(raw):
    with pytest.raises(InvalidInput) as refused:
        page_number(request(f"page={raw}"))
    assert list(refused.value.errors) == ["page"]


def test_no_content_is_an_empty_204_with_the_security_headers():
    response = no_content()
    assert response.status_code == 204 and response.get_data() == b""
    assert all(response.headers[name] == value for name, value in SECURITY_HEADERS.items())


def test_a_links_token_is_its_query_parameter_or_empty():
    assert link_token(request("token=abc.def")) == "abc.def"
    assert link_token(request()) == ""
