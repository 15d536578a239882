from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.authentication import AccountReadLaterMixin
from backend import errors
from backend.idempotency import IDEMPOTENCY_KEY_REUSED, idempotent
from backend.openapi import IDEMPOTENCY_KEY_PARAMETER, error_responses
from backend.pagination import PaginatedListApi
from backend.sql import row_by_pk
from backend.throttling import ScopedRateThrottle, UserRateThrottle
from checkins import error_codes
from checkins.models import CheckIn, CheckinMethod
from checkins.selectors import checkins_at_venue, checkins_of_resident
from checkins.services import Fix, checkin_record
from venues.models import Venue
from venues.permissions import VenueAccess
from venues.scoping import VenueScopedApi


class RewardSerializer(serializers.Serializer):
    offer = serializers.UUIDField()
    kind = serializers.ChoiceField(
        choices=[("points", "points"), ("voucher", "voucher")],
        help_text="`points` (then `points` says how many) or `voucher` (then `voucher` is its id).",
    )
    points = serializers.IntegerField(required=False)
    voucher = serializers.UUIDField(required=False)


class CheckinOutputSerializer(serializers.Serializer):
    # Declared field by field, not a ModelSerializer: that one reads the model's fields again
    # on every instance, a tenth of a millisecond of the check-in's answer.
    id = serializers.UUIDField(read_only=True)
    venue = serializers.UUIDField(source="venue_id")
    venue_name = serializers.CharField(source="venue.name")
    method = serializers.ChoiceField(choices=CheckinMethod.choices)
    distance_m = serializers.FloatField(allow_null=True, required=False)
    created_at = serializers.DateTimeField(read_only=True)


class CheckinListApi(AccountReadLaterMixin, PaginatedListApi):
    # A check-in (POST) is authenticated by the token alone: the service's lock reads the
    # resident's row (accounts/authentication.py).
    permission_classes = [IsAuthenticated]
    # Declared so the schema shows the paginated envelope of the list.
    throttle_classes = [UserRateThrottle, ScopedRateThrottle]

    def get_throttles(self):
        # A check-in is held to its own, stricter scope alone (one Redis round trip on the hot
        # path); reading one's list stays on the general per-user rate.
        if self.request.method == "POST":
            self.throttle_scope = "checkins"
            return [ScopedRateThrottle()]
        return [UserRateThrottle()]

    class InputSerializer(serializers.Serializer):
        venue = serializers.UUIDField(required=False)
        qr_token = serializers.CharField(required=False, max_length=2000)
        latitude = serializers.FloatField(required=False, min_value=-90, max_value=90)
        longitude = serializers.FloatField(required=False, min_value=-180, max_value=180)
        accuracy_m = serializers.FloatField(
            required=False, help_text="The phone's reported accuracy radius in metres."
        )

        def validate(self, attrs):
            gps_fields = {"latitude", "longitude", "accuracy_m"}
            given = gps_fields & set(attrs)
            if given and given != gps_fields:
                missing = sorted(gps_fields - given)
                raise ValidationError({name: ["Send the whole fix."] for name in missing})
            if "qr_token" not in attrs:
                if "venue" not in attrs:
                    raise ValidationError({"venue": ["Send a venue with a fix, or a qr_token."]})
                if not given:
                    raise ValidationError({"latitude": ["A GPS check-in needs the fix."]})
            return attrs

    class OutputSerializer(CheckinOutputSerializer):
        points_earned = serializers.IntegerField()
        rewards = RewardSerializer(many=True)

    @extend_schema(
        operation_id="checkins_list",
        responses={
            200: CheckinOutputSerializer(many=True),
            **error_responses(errors.NOT_AUTHENTICATED),
        },
    )
    def get(self, request):
        return self.paginated(checkins_of_resident(resident=request.user), CheckinOutputSerializer)

    @extend_schema(
        operation_id="checkins_create",
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=InputSerializer,
        responses={
            201: OutputSerializer,
            **error_responses(
                errors.INVALID,
                error_codes.OUTSIDE_GEOFENCE,
                error_codes.POOR_ACCURACY,
                error_codes.INVALID_QR,
                error_codes.VENUE_INACTIVE,
                error_codes.IMPOSSIBLE_TRAVEL,
                errors.NOT_AUTHENTICATED,
                error_codes.COOLDOWN,
                IDEMPOTENCY_KEY_REUSED,
                error_codes.REVOKED_QR,
                errors.THROTTLED,
            ),
        },
    )
    @idempotent
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        venue = None
        if "venue" in data:
            venue = row_by_pk(Venue, data["venue"])
            if venue is None:
                raise ValidationError({"venue": ["No venue has this id."]})
        fix = None
        if "latitude" in data:
            fix = Fix(data["latitude"], data["longitude"], data["accuracy_m"])
        outcome = checkin_record(
            resident=request.user, venue=venue, qr_token=data.get("qr_token"), fix=fix
        )
        body = {
            **CheckinOutputSerializer(outcome.checkin).data,
            "points_earned": outcome.points_earned,
            "rewards": outcome.rewards,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class VenueCheckinListApi(VenueScopedApi, PaginatedListApi):
    # Declared so the schema shows the paginated envelope of the list.
    access_by_method = {"GET": VenueAccess.MANAGE}

    class OutputSerializer(serializers.ModelSerializer):
        visitor = serializers.CharField(source="resident.display_name")

        class Meta:
            model = CheckIn
            fields = ["id", "visitor", "method", "distance_m", "created_at"]

    @extend_schema(
        operation_id="venue_checkins_list",
        description="Check-ins at the venue; visitors appear by display name only.",
        responses={
            200: OutputSerializer(many=True),
            **error_responses(errors.NOT_AUTHENTICATED, errors.PERMISSION_DENIED, errors.NOT_FOUND),
        },
    )
    def get(self, request, venue: Venue):
        return self.paginated(checkins_at_venue(venue=venue), self.OutputSerializer)
