"""``GET /api/v1/councils/{slug}/reputation/``: the council's latest comments (paginated, the
list envelope) with each venue's rating trend beside them, for its admins."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from backend import errors
from backend.openapi import error_responses
from backend.pagination import PageNumberPagination
from checkins.models import Comment
from checkins.reputation.selectors import rating_trends, reputation_comments
from checkins.stats.apis import RANGE_PARAMETERS, period_from
from venues.models import Council, Venue
from venues.scoping import CouncilScopedApi


class ReputationCommentSerializer(serializers.ModelSerializer):
    venue = serializers.UUIDField(source="venue_id")
    venue_name = serializers.CharField(source="venue.name")
    author_display_name = serializers.CharField(source="author.display_name")
    open_reports = serializers.IntegerField(help_text="Reports not yet reviewed.")

    class Meta:
        model = Comment
        fields = [
            "id",
            "venue",
            "venue_name",
            "author_display_name",
            "body",
            "rating",
            "status",
            "hidden_reason",
            "open_reports",
            "created_at",
        ]


class RatingTrendSerializer(serializers.Serializer):
    venue = serializers.UUIDField()
    name = serializers.CharField()
    rating = serializers.FloatField(
        allow_null=True, help_text="Mean of the range's visible ratings (1-5)."
    )
    ratings = serializers.IntegerField()
    previous_rating = serializers.FloatField(
        allow_null=True, help_text="The same over the range of equal length before it."
    )
    previous_ratings = serializers.IntegerField()
    change = serializers.FloatField(allow_null=True, help_text="rating - previous_rating.")
    foursquare_rating = serializers.FloatField(allow_null=True, help_text="0-10.")
    foursquare_tips_count = serializers.IntegerField(allow_null=True)
    foursquare_fetched_at = serializers.DateTimeField(allow_null=True)


class ReputationSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ReputationCommentSerializer(many=True)
    venues = RatingTrendSerializer(
        many=True, help_text="Each venue's rating trend over the range, by name."
    )


class CouncilReputationApi(CouncilScopedApi):
    permission_by_method = dict.fromkeys(
        ("GET", "POST", "PUT", "PATCH", "DELETE"), "council.view_insight"
    )

    @extend_schema(
        operation_id="council_reputation",
        description="The latest comments across the council's venues (visible and hidden, "
        "with their open reports), paginated, and each venue's rating over `from`..`to` "
        "against the range of equal length before it, with Foursquare's rating and tips count "
        "where the sync has them (council admins only).",
        parameters=RANGE_PARAMETERS[1:],
        responses={
            200: ReputationSerializer,
            **error_responses(
                errors.INVALID, errors.NOT_AUTHENTICATED, errors.PERMISSION_DENIED, errors.NOT_FOUND
            ),
        },
    )
    def get(self, request, council: Council):
        period = period_from(request.query_params)
        venues = Venue.objects.filter(council=council)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(reputation_comments(venues=venues), request, view=self)
        response = paginator.get_paginated_response(
            ReputationCommentSerializer(page, many=True).data
        )
        trends = rating_trends(venues=venues, period=period)
        response.data["venues"] = RatingTrendSerializer(trends, many=True).data
        return Response(response.data)
