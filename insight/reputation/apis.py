"""``GET /api/v1/councils/{slug}/reputation/``: everything said about the council's venues,
newest first (paginated, the list envelope): its residents' comments (``source: "comment"``)
and the tips Foursquare users left on the linked places (``source: "foursquare"``, kept no
longer than Foursquare's other details), with each venue's rating trend beside them, for its
admins."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from backend import errors
from backend.openapi import error_responses
from backend.pagination import PageNumberPagination
from checkins.comments.apis import ReplyOutputSerializer
from insight.reputation.selectors import (
    SOURCE_COMMENT,
    SOURCE_FOURSQUARE,
    rating_trends,
    reputation_feed,
    reputation_items,
)
from insight.stats.apis import RANGE_PARAMETERS, period_from
from venues.models import Council, Venue
from venues.scoping import CouncilScopedApi


class ReputationItemSerializer(serializers.Serializer):
    """A comment or a Foursquare tip. Fields of one kind are null for the other."""

    id = serializers.UUIDField()
    source = serializers.ChoiceField(
        choices=[SOURCE_COMMENT, SOURCE_FOURSQUARE],
        help_text="`comment`: a resident's, here; `foursquare`: a tip on the venue's "
        "Foursquare place.",
    )
    venue = serializers.UUIDField(source="venue_id")
    venue_name = serializers.CharField(source="venue.name")
    body = serializers.SerializerMethodField(help_text="What was said.")
    created_at = serializers.DateTimeField(help_text="When its author wrote it.")
    # Comments only
    author_display_name = serializers.SerializerMethodField()
    rating = serializers.SerializerMethodField(help_text="1-5; comments only.")
    status = serializers.SerializerMethodField(help_text="`visible` or `hidden`; comments only.")
    hidden_reason = serializers.SerializerMethodField()
    open_reports = serializers.SerializerMethodField(help_text="Reports not yet reviewed.")
    reply = serializers.SerializerMethodField(help_text="The venue's reply to a comment.")
    # Foursquare tips only
    url = serializers.SerializerMethodField(help_text="The tip on Foursquare.")
    lang = serializers.SerializerMethodField(help_text="The tip's language, as Foursquare says.")
    agree_count = serializers.SerializerMethodField()
    disagree_count = serializers.SerializerMethodField()

    @staticmethod
    def _is_comment(item) -> bool:
        return item.source == SOURCE_COMMENT

    def get_body(self, item) -> str:
        return item.body if self._is_comment(item) else item.text

    def get_author_display_name(self, item) -> str | None:
        return item.author_shown_as if self._is_comment(item) else None

    def get_rating(self, item) -> int | None:
        return item.rating if self._is_comment(item) else None

    def get_status(self, item) -> str | None:
        return item.status if self._is_comment(item) else None

    def get_hidden_reason(self, item) -> str | None:
        return item.hidden_reason if self._is_comment(item) else None

    def get_open_reports(self, item) -> int | None:
        return item.open_reports if self._is_comment(item) else None

    @extend_schema_field(ReplyOutputSerializer(allow_null=True))
    def get_reply(self, item):
        reply = getattr(item, "reply", None) if self._is_comment(item) else None
        return ReplyOutputSerializer(reply).data if reply is not None else None

    def get_url(self, item) -> str | None:
        return None if self._is_comment(item) else item.url or None

    def get_lang(self, item) -> str | None:
        return None if self._is_comment(item) else item.lang or None

    def get_agree_count(self, item) -> int | None:
        return None if self._is_comment(item) else item.agree_count

    def get_disagree_count(self, item) -> int | None:
        return None if self._is_comment(item) else item.disagree_count


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
    results = ReputationItemSerializer(many=True)
    venues = RatingTrendSerializer(
        many=True, help_text="Each venue's rating trend over the range, by name."
    )


class CouncilReputationApi(CouncilScopedApi):
    permission_by_method = dict.fromkeys(
        ("GET", "POST", "PUT", "PATCH", "DELETE"), "council.view_insight"
    )

    @extend_schema(
        operation_id="council_reputation",
        description="Everything said about the council's venues, newest first and paginated: "
        "its residents' comments (`source: comment`; visible and hidden, with their open "
        "reports and the venue's reply) and the tips of their Foursquare places (`source: "
        "foursquare`; kept no longer than Foursquare's other details), and each venue's "
        "rating over `from`..`to` against the range of equal length before it, with "
        "Foursquare's rating and tips count where the sync has them (council admins only).",
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
        page = paginator.paginate_queryset(reputation_feed(venues=venues), request, view=self)
        response = paginator.get_paginated_response(
            ReputationItemSerializer(reputation_items(page), many=True).data
        )
        trends = rating_trends(venues=venues, period=period)
        response.data["venues"] = RatingTrendSerializer(trends, many=True).data
        return Response(response.data)
