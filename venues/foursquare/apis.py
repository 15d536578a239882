"""The Foursquare endpoints: start a venue's sync, and the council's drift report."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from backend import errors
from backend.openapi import error_responses
from venues.foursquare.selectors import council_foursquare_report, council_foursquare_summary
from venues.foursquare.serializers import (
    FoursquareLinkSerializer,
    FoursquarePlaceSerializer,
    FoursquareProposalSerializer,
)
from venues.foursquare.services import venue_foursquare_sync_request
from venues.models import Council, Venue
from venues.scoping import CouncilScopedApi, VenueScopedApi

SCOPED_ERRORS = (errors.NOT_AUTHENTICATED, errors.PERMISSION_DENIED, errors.NOT_FOUND)


class FoursquareSyncQueuedSerializer(serializers.Serializer):
    venue = serializers.UUIDField(source="id")
    foursquare = FoursquareLinkSerializer(source="*")
    queued = serializers.BooleanField(
        help_text="False when a sync of this venue was already asked for in the last minute."
    )


class VenueFoursquareSyncApi(VenueScopedApi):
    permission_by_method = {"POST": "venue.sync_foursquare"}

    @extend_schema(
        operation_id="venues_foursquare_sync",
        request=None,
        description=(
            "Queues a Foursquare sync of the venue: link (place match, then a nearby search), "
            "refresh the cached details, record drift, propose the council's values. The "
            "venue's `foursquare` block says how it went once the sync has run."
        ),
        responses={
            202: FoursquareSyncQueuedSerializer,
            **error_responses(*SCOPED_ERRORS, errors.SERVICE_UNAVAILABLE),
        },
    )
    def post(self, request, venue: Venue):
        queued = venue_foursquare_sync_request(venue=venue)
        # Without a broker the sync has already run in-process: answer with what it did.
        venue.refresh_from_db()
        venue.queued = queued
        return Response(FoursquareSyncQueuedSerializer(venue).data, status=status.HTTP_202_ACCEPTED)


class FoursquareReportVenueSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    postcode = serializers.CharField()
    foursquare = FoursquareLinkSerializer(source="*")
    # null when the venue has no cached listing (the related row raises AttributeError then)
    place = FoursquarePlaceSerializer(source="foursquare_place", allow_null=True)
    proposals = FoursquareProposalSerializer(source="foursquare_proposals", many=True)


class FoursquareSummarySerializer(serializers.Serializer):
    venues = serializers.IntegerField(help_text="Active venues of the council.")
    pending = serializers.IntegerField()
    linked = serializers.IntegerField()
    unmatched = serializers.IntegerField()
    error = serializers.IntegerField()
    drifted = serializers.IntegerField(help_text="Linked venues whose listing differs.")


class FoursquareReportSerializer(serializers.Serializer):
    council = serializers.SlugField()
    summary = FoursquareSummarySerializer()
    venues = FoursquareReportVenueSerializer(many=True)


class CouncilFoursquareReportApi(CouncilScopedApi):
    permission_by_method = {"GET": "council.view_insight"}

    @extend_schema(
        operation_id="councils_foursquare_report",
        description=(
            "How the council's venues stand on Foursquare: counts by sync status, and the "
            "venues that need a look (drifted, unmatched, in error) with what differs, the "
            "cached listing (rating, popularity, tips) and what was proposed to Foursquare."
        ),
        parameters=[
            OpenApiParameter(
                "all",
                OpenApiTypes.BOOL,
                description="Every active venue, not only those that need a look.",
            )
        ],
        responses={200: FoursquareReportSerializer, **error_responses(*SCOPED_ERRORS)},
    )
    def get(self, request, council: Council):
        everything = request.query_params.get("all", "").lower() in ("1", "true", "yes")
        report = {
            "council": council.slug,
            "summary": council_foursquare_summary(council),
            "venues": council_foursquare_report(council, everything=everything),
        }
        return Response(FoursquareReportSerializer(report).data)
