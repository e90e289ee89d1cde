"""Unit tests of GET /api/v1/categories: the configured categories in order, named from aufbruch/labels.py."""

import json

from nameko.testing.services import worker_factory
from werkzeug.test import EnvironBuilder

from services.gateway.service import GatewayService
from services.gateway.settings import GatewaySettings


def test_the_configured_categories_in_order_with_their_names_in_every_language():
    settings = GatewaySettings.from_config({"AMQP_URI": "amqp://", "IDEA_CATEGORIES": "mobility, culture,parks"})
    gateway = worker_factory(GatewayService, settings=settings)
    response = gateway.list_categories(EnvironBuilder(method="GET", path="/api/v1/categories").get_request())
    assert response.status_code == 200
    assert json.loads(response.get_data()) == {
        "items": [
            {"id": "mobility", "labels": {"de": "Mobilität", "en": "Mobility"}},
            {"id": "culture", "labels": {"de": "Kultur", "en": "Culture"}},
            {"id": "parks", "labels": {"de": "parks", "en": "parks"}},  # configured without a label: its code
        ]
    }
