"""The reporting service's RPC contract: which figures may be asked for, and the open-data exports.

Dates are the city's calendar days (CITY_TIMEZONE), as ISO strings `YYYY-MM-DD`; `from_date` and
`to_date` are both inclusive and both optional. Over HTTP the gateway calls them `from` and `to`.
"""

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

METRICS = ("submissions", "publications")
INTERVALS = ("day", "week")
MAX_POINTS = 3700  # about ten years of days: a longer time series must be asked for in weeks

# The open-data export of published ideas (ideas.csv / ideas.json): no personal data, nothing but
# what the platform shows publicly anyway.
IDEA_EXPORT_COLUMNS = ("id", "title", "description", "category", "district", "published_at")
# The city's own evaluation of moderation (moderation.csv, admins only): no personal data, no
# moderator names, no texts.
MODERATION_EXPORT_COLUMNS = (
    "idea_id",
    "category",
    "district",
    "submitted_at",
    "decided_at",
    "decision",
    "actor_kind",
    "reasons",
    "turnaround_seconds",
    "hidden",
)
LICENSE = {
    "id": "dl-de/zero-2-0",
    "name": "Datenlizenz Deutschland – Zero – Version 2.0",
    "url": "https://www.govdata.de/dl-de/zero-2-0",
}


class Period(Schema):
    class Meta:
        unknown = RAISE

    from_date = fields.Date(load_default=None, allow_none=True)
    to_date = fields.Date(load_default=None, allow_none=True)

    @validates_schema
    def from_before_to(self, data: dict, **kwargs):
        if data.get("from_date") and data.get("to_date") and data["from_date"] > data["to_date"]:
            raise ValidationError("Must not be before the start of the period.", "to_date")


class TimeseriesQuery(Period):
    metric = fields.String(required=True, validate=validate.OneOf(METRICS))
    interval = fields.String(load_default="day", validate=validate.OneOf(INTERVALS))
