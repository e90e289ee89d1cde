"""The page of a staff list: a whole number the database can use as an offset, or a 422 naming `page`."""

import pytest
from werkzeug.test import EnvironBuilder

from aufbruch.contracts.errors import InvalidInput
from aufbruch.contracts.ideas import MAX_PAGE
from services.gateway.webhooks_api import page_number


def request(query: str):
    return EnvironBuilder(path="/", query_string=query).get_request()


@pytest.mark.parametrize("query, page", [("", 1), ("page=1", 1), (f"page={MAX_PAGE}", MAX_PAGE)])
def test_a_whole_number_in_range_is_the_page(query, page):
    assert page_number(request(query)) == page


@pytest.mark.parametrize("raw", ["0", "-555", "1.5", "x", "²", "١", str(MAX_PAGE + 1), "9" * 40])
def test_anything_else_is_refused_naming_page(raw):
    with pytest.raises(InvalidInput) as refused:
        page_number(request(f"page={raw}"))
    assert list(refused.value.errors) == ["page"]
