"""GET /api/v1/categories: the configured idea categories in order, each with its name in every
language the platform speaks (aufbruch/labels.py), for the forms and filters of front ends."""

from aufbruch.config import categories as configured_categories
from aufbruch.contracts.ideas import LOCALES
from aufbruch.http import answers_errors, http, json_response
from aufbruch.labels import category_label


def category_list(categories: list[str]) -> dict:
    return {
        "items": [
            {"id": code, "labels": {locale: category_label(locale, code) for locale in LOCALES}} for code in categories
        ]
    }


class CategoriesApi:
    """Mixed into GatewayService; `self.config` is the gateway's Config (IDEA_CATEGORIES)."""

    @http("GET", "/api/v1/categories")
    @answers_errors
    def list_categories(self, request):
        return json_response(200, category_list(configured_categories(self.config)))
