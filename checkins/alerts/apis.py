"""Alerts over HTTP: a council's (its admins) and a venue's (its managers), and resolving one."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from backend import errors
from backend.openapi import error_responses
from backend.pagination import PaginatedListApi
from checkins.alerts.selectors import alerts_of_council, alerts_of_venue
from checkins.alerts.services import alert_resolve
from checkins.models import Alert, AlertKind
from venues.models import Council, Venue
from venues.scoping import CouncilScopedApi, VenueScopedApi

SCOPED_ERRORS = (errors.NOT_AUTHENTICATED, errors.PERMISSION_DENIED, errors.NOT_FOUND)


class AlertOutputSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=AlertKind.choices)
    kind_name = serializers.CharField(source="get_kind_display", help_text="The kind in words.")
    venue = serializers.UUIDField(source="venue_id")
    venue_name = serializers.CharField(source="venue.name")
    poster = serializers.SerializerMethodField()
    resident = serializers.UUIDField(
        source="account_id",
        allow_null=True,
        help_text=(
            "Whom it concerns (a resident; for `staff_burst` the staff member), as the opaque "
            "id of `GET /venues/{id}/checkins/?resident=`."
        ),
    )
    checkin = serializers.UUIDField(source="checkin_id", allow_null=True)

    class Meta:
        model = Alert
        fields = [
            "id",
            "kind",
            "kind_name",
            "venue",
            "venue_name",
            "poster",
            "resident",
            "checkin",
            "created_at",
            "last_seen_at",
            "occurrences",
            "detail",
            "resolved_at",
            "resolution",
        ]

    def get_poster(self, alert) -> dict | None:
        if alert.poster is None:
            return None
        return {"id": str(alert.poster_id), "label": alert.poster.label}


class AlertFilterSerializer(serializers.Serializer):
    open = serializers.BooleanField(
        required=False, default=False, help_text="Only the alerts not resolved yet."
    )


class ResolveInputSerializer(serializers.Serializer):
    resolution = serializers.CharField(
        max_length=500, required=False, allow_blank=True, help_text="What was done about it."
    )


def _open_only(request) -> bool:
    filters = AlertFilterSerializer(data=request.query_params)
    filters.is_valid(raise_exception=True)
    return filters.validated_data["open"]


def _resolve(request, alerts, alert_id) -> Response:
    alert = alerts.filter(pk=alert_id).first()
    if alert is None:
        raise Http404
    serializer = ResolveInputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    resolved = alert_resolve(
        alert=alert, by=request.user, resolution=serializer.validated_data.get("resolution", "")
    )
    return Response(AlertOutputSerializer(alerts.get(pk=resolved.pk)).data)


class CouncilAlertListApi(CouncilScopedApi, PaginatedListApi):
    permission_by_method = {"GET": "alert.view"}

    @extend_schema(
        operation_id="council_alerts_list",
        description="Alerts at every venue of the council, newest first.",
        parameters=[AlertFilterSerializer],
        responses={
            200: AlertOutputSerializer(many=True),
            **error_responses(errors.INVALID, *SCOPED_ERRORS),
        },
    )
    def get(self, request, council: Council):
        alerts = alerts_of_council(council=council, open_only=_open_only(request))
        return self.paginated(alerts, AlertOutputSerializer)


class CouncilAlertResolveApi(CouncilScopedApi):
    permission_by_method = {"POST": "alert.resolve"}

    @extend_schema(
        operation_id="council_alerts_resolve",
        description="Mark an alert resolved (again: no change).",
        request=ResolveInputSerializer,
        responses={200: AlertOutputSerializer, **error_responses(errors.INVALID, *SCOPED_ERRORS)},
    )
    def post(self, request, council: Council, alert_id):
        return _resolve(request, alerts_of_council(council=council), alert_id)


class VenueAlertListApi(VenueScopedApi, PaginatedListApi):
    permission_by_method = {"GET": "alert.view"}

    @extend_schema(
        operation_id="venue_alerts_list",
        description="Alerts at the venue, newest first.",
        parameters=[AlertFilterSerializer],
        responses={
            200: AlertOutputSerializer(many=True),
            **error_responses(errors.INVALID, *SCOPED_ERRORS),
        },
    )
    def get(self, request, venue: Venue):
        alerts = alerts_of_venue(venue=venue, open_only=_open_only(request))
        return self.paginated(alerts, AlertOutputSerializer)


class VenueAlertResolveApi(VenueScopedApi):
    permission_by_method = {"POST": "alert.resolve"}

    @extend_schema(
        operation_id="venue_alerts_resolve",
        description="Mark an alert of the venue resolved (again: no change).",
        request=ResolveInputSerializer,
        responses={200: AlertOutputSerializer, **error_responses(errors.INVALID, *SCOPED_ERRORS)},
    )
    def post(self, request, venue: Venue, alert_id):
        return _resolve(request, alerts_of_venue(venue=venue), alert_id)
