"""Statistics for a venue's managers and a council's admins (see ``insight.stats.selectors``)."""

from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from backend import errors
from backend.openapi import error_responses
from backend.timestamps import ApiJSONRenderer as JSONRenderer
from insight.stats.exports import CsvRenderer, stats_export
from insight.stats.selectors import (
    DEFAULT_DAYS,
    FIRST_DATE,
    LAST_DATE,
    MAX_DAYS,
    DateRange,
    council_stats,
    venue_stats,
)
from venues.models import Council, Venue
from venues.scoping import CouncilScopedApi, VenueScopedApi

# Stats cover this century: a date far outside it (9999-12-30) overflowed the day arithmetic.
DATE_SCHEMA = {
    "type": "string",
    "format": "date",
    "pattern": r"^20[0-9]{2}-[0-9]{2}-[0-9]{2}$",
    "description": f"{FIRST_DATE} to {LAST_DATE}.",
}

RANGE_PARAMETERS = [
    OpenApiParameter(
        "format",
        OpenApiTypes.STR,
        enum=["json", "csv"],
        description="`csv` answers the same figures, the day series and the range's comments "
        "as a CSV download (UTF-8 with a BOM; cells that a spreadsheet would read as a formula "
        "start with a single quote).",
    ),
    OpenApiParameter(
        "from",
        DATE_SCHEMA,
        description=f"First day (inclusive, Europe/London). Default: {DEFAULT_DAYS - 1} days "
        "before `to`.",
    ),
    OpenApiParameter(
        "to", DATE_SCHEMA, description="Last day (inclusive, Europe/London). Default: today."
    ),
]

# "from" is a Python keyword: the fields are declared by name.
RangeSerializer = type(
    "StatsRangeSerializer",
    (serializers.Serializer,),
    {
        name: serializers.DateField(
            required=False,
            input_formats=["iso-8601"],
            validators=[MinValueValidator(FIRST_DATE), MaxValueValidator(LAST_DATE)],
        )
        for name in ("from", "to")
    },
)


def period_from(query_params) -> DateRange:
    """The ``?from=&to=`` range: ISO dates, both inclusive; ``to`` defaults to today (local),
    ``from`` to ``DEFAULT_DAYS`` days up to ``to``. ``from`` after ``to``, or more than
    ``MAX_DAYS`` days, is invalid."""
    serializer = RangeSerializer(data=query_params)
    serializer.is_valid(raise_exception=True)
    end = serializer.validated_data.get("to") or timezone.localdate()
    start = serializer.validated_data.get("from") or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise ValidationError({"from": [gettext("Must not be after `to`.")]})
    period = DateRange(start, end)
    if period.days > MAX_DAYS:
        raise ValidationError(
            {"from": [gettext("The range may span at most %(days)s days.") % {"days": MAX_DAYS}]}
        )
    return period


class DayCountSerializer(serializers.Serializer):
    date = serializers.DateField()
    count = serializers.IntegerField()


class FiguresSerializer(serializers.Serializer):
    checkins = serializers.IntegerField(help_text="Accepted check-ins in the range.")
    unique_visitors = serializers.IntegerField(help_text="Distinct residents who checked in.")
    repeat_visitors = serializers.IntegerField(
        help_text="Residents with two or more check-ins in the range."
    )
    rewards_issued = serializers.IntegerField(
        help_text="Rewards (points or vouchers) given for the range's check-ins."
    )
    vouchers_redeemed = serializers.IntegerField(help_text="Vouchers redeemed in the range.")
    comments = serializers.IntegerField(help_text="Comments written in the range, any status.")
    average_rating = serializers.FloatField(
        allow_null=True,
        help_text="Mean rating of the range's visible rated comments (2 decimals); null if none.",
    )


def _with_range(serializer_class, name: str, **extra_fields):
    """``serializer_class`` plus the resolved range and the day series (names cannot be
    declared as attributes: ``from`` is a keyword)."""
    return type(
        name,
        (serializer_class,),
        {
            "from": serializers.DateField(help_text="First day of the range (resolved)."),
            "to": serializers.DateField(help_text="Last day of the range (resolved)."),
            "checkins_by_day": DayCountSerializer(
                many=True, help_text="Every day of the range, zeros included."
            ),
            **extra_fields,
        },
    )


VenueStatsSerializer = _with_range(FiguresSerializer, "VenueStatsSerializer")


class CouncilVenueStatsSerializer(FiguresSerializer):
    venue = serializers.UUIDField()
    name = serializers.CharField()


CouncilStatsSerializer = _with_range(
    FiguresSerializer,
    "CouncilStatsSerializer",
    venues=CouncilVenueStatsSerializer(many=True, help_text="One row per venue, by name."),
)

ACCESS_ERRORS = (errors.INVALID, errors.NOT_AUTHENTICATED, errors.PERMISSION_DENIED)
CSV_RESPONSE = OpenApiResponse(
    response={"type": "string", "contentMediaType": "text/csv"},
    description="`?format=csv`: an attachment (`Content-Disposition`), UTF-8 with a BOM.",
)


def json_errors(*codes) -> dict:
    """The error responses, as JSON only (a CSV request that fails gets the JSON envelope)."""
    return {
        (status, "application/json"): answer for status, answer in error_responses(*codes).items()
    }


class StatsExportMixin:
    """JSON by default, CSV with ``?format=csv``; errors are always the JSON envelope."""

    renderer_classes = [JSONRenderer, CsvRenderer]

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response

    def answer(self, request, stats: dict, serializer_class, *, venues, scope: str, name: str):
        if request.accepted_renderer.format != CsvRenderer.format:
            return Response(serializer_class(stats).data)
        rows, filename = stats_export(stats=stats, venues=venues, scope=scope, name=name)
        return Response(rows, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


class VenueStatsApi(StatsExportMixin, VenueScopedApi):
    permission_by_method = {"GET": "venue.view_insight"}

    @extend_schema(
        operation_id="venue_stats",
        description="The venue's figures over a range of local days (managers only).",
        parameters=RANGE_PARAMETERS,
        responses={
            (200, "application/json"): VenueStatsSerializer,
            (200, "text/csv"): CSV_RESPONSE,
            **json_errors(*ACCESS_ERRORS, errors.NOT_FOUND),
        },
    )
    def get(self, request, venue: Venue):
        period = period_from(request.query_params)
        stats = venue_stats(venue=venue, period=period)
        venues = Venue.objects.filter(pk=venue.pk)
        return self.answer(
            request, stats, VenueStatsSerializer, venues=venues, scope="venue", name=venue.name
        )


class CouncilStatsApi(StatsExportMixin, CouncilScopedApi):
    permission_by_method = dict.fromkeys(
        ("GET", "POST", "PUT", "PATCH", "DELETE"), "council.view_insight"
    )

    @extend_schema(
        operation_id="council_stats",
        description="The council's figures over a range of local days, with a row per venue "
        "(council admins only). Check-ins, rewards, vouchers and comments are the sums of "
        "the venue rows; visitors are counted once across the council.",
        parameters=RANGE_PARAMETERS,
        responses={
            (200, "application/json"): CouncilStatsSerializer,
            (200, "text/csv"): CSV_RESPONSE,
            **json_errors(*ACCESS_ERRORS, errors.NOT_FOUND),
        },
    )
    def get(self, request, council: Council):
        period = period_from(request.query_params)
        stats = council_stats(council=council, period=period)
        venues = Venue.objects.filter(council=council)
        return self.answer(
            request,
            stats,
            CouncilStatsSerializer,
            venues=venues,
            scope="council",
            name=council.name,
        )
