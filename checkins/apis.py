from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import ages
from accounts.authentication import AccountReadLaterMixin
from accounts.children.selectors import child_may_act_for
from accounts.member_codes import member_find
from backend import errors
from backend.errors import ApplicationError
from backend.idempotency import IDEMPOTENCY_KEY_REUSED, idempotent
from backend.openapi import IDEMPOTENCY_KEY_PARAMETER, error_responses
from backend.pagination import PaginatedListApi
from backend.sql import row_by_pk
from backend.throttling import ScopedRateThrottle, UserRateThrottle
from checkins import error_codes
from checkins.models import CheckIn, CheckinMethod
from checkins.selectors import checkin_get, checkins_at_venue, checkins_of_resident
from checkins.services import CheckinOutcome, Fix, checkin_record, checkin_record_assisted
from checkins.voiding import REASON_MAX_LENGTH, checkin_void
from rewards.evidence import Evidence
from rewards.fields import VenueField
from venues.access import may
from venues.models import Venue
from venues.scoping import VenueScopedApi


class RewardSerializer(serializers.Serializer):
    offer = serializers.UUIDField()
    kind = serializers.ChoiceField(
        choices=[("points", "points"), ("voucher", "voucher")],
        help_text="`points` (then `points` says how many) or `voucher` (then `voucher` is its id).",
    )
    points = serializers.IntegerField(required=False)
    voucher = serializers.UUIDField(required=False)


class NotEarnedSerializer(serializers.Serializer):
    offer = serializers.UUIDField()
    title = serializers.CharField()
    accepts = serializers.ListField(
        child=serializers.ChoiceField(choices=Evidence.choices),
        help_text="The evidence that would have earned it.",
    )


class CheckinOutputSerializer(serializers.Serializer):
    # Declared field by field, not a ModelSerializer: that one reads the model's fields again
    # on every instance, a tenth of a millisecond of the check-in's answer.
    id = serializers.UUIDField(read_only=True)
    venue = serializers.UUIDField(source="venue_id")
    venue_name = serializers.CharField(source="venue.name")
    method = serializers.ChoiceField(choices=CheckinMethod.choices)
    evidence = serializers.ChoiceField(
        choices=Evidence.choices, help_text="How presence was shown: what the check-in proves."
    )
    distance_m = serializers.FloatField(allow_null=True, required=False)
    created_at = serializers.DateTimeField(read_only=True)
    voided_at = serializers.DateTimeField(
        allow_null=True, help_text="Set when the check-in was voided as fraud."
    )


class CheckinListApi(AccountReadLaterMixin, PaginatedListApi):
    # A check-in (POST) is authenticated by the token alone: the service's lock reads the
    # resident's row (accounts/authentication.py).
    permission_classes = [IsAuthenticated]
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
        for_child = serializers.UUIDField(
            required=False,
            help_text="One of the caller's children (`/me/children/`): the check-in is the "
            "child's, its offers and wallet the child's, and no coordinates are kept for it "
            "(a fix sent is only checked against the geofence).",
        )

        def validate(self, attrs):
            gps_fields = {"latitude", "longitude", "accuracy_m"}
            given = gps_fields & set(attrs)
            if given and given != gps_fields:
                missing = sorted(gps_fields - given)
                raise ValidationError({name: [_("Send the whole fix.")] for name in missing})
            if "qr_token" not in attrs:
                if "venue" not in attrs:
                    raise ValidationError({"venue": [_("Send a venue with a fix, or a qr_token.")]})
                if not given:
                    raise ValidationError({"latitude": [_("A GPS check-in needs the fix.")]})
            return attrs

    class OutputSerializer(CheckinOutputSerializer):
        points_earned = serializers.IntegerField()
        rewards = RewardSerializer(many=True)
        not_earned = NotEarnedSerializer(
            many=True,
            help_text="Offers this check-in's evidence did not earn (it still counts as a visit).",
        )

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
                error_codes.EXPIRED_QR,
                error_codes.VENUE_INACTIVE,
                error_codes.IMPOSSIBLE_TRAVEL,
                error_codes.LOCATION_MISMATCH,
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
                raise ValidationError({"venue": [_("No venue has this id.")]})
        fix = None
        if "latitude" in data:
            fix = Fix(data["latitude"], data["longitude"], data["accuracy_m"])
        resident = request.user
        if "for_child" in data:
            resident = child_may_act_for(parent=request.user, child_id=data["for_child"])
            if resident is None:
                raise ValidationError({"for_child": [_("No child of yours has this id.")]})
        outcome = checkin_record(
            resident=resident, venue=venue, qr_token=data.get("qr_token"), fix=fix
        )
        return Response(_outcome_body(outcome), status=status.HTTP_201_CREATED)


def _outcome_body(outcome: CheckinOutcome) -> dict:
    return {
        **CheckinOutputSerializer(outcome.checkin).data,
        "points_earned": outcome.points_earned,
        "rewards": outcome.rewards,
        "not_earned": outcome.not_earned,
    }


class VenueCheckinListApi(VenueScopedApi, PaginatedListApi):
    permission_by_method = {"GET": "checkin.view"}

    class OutputSerializer(serializers.ModelSerializer):
        visitor = serializers.SerializerMethodField(
            help_text="The visitor's display name; `A young visitor` for anyone under 18."
        )
        resident = serializers.UUIDField(
            source="resident_id",
            help_text="An opaque id of the visitor: `?resident=` lists their check-ins here.",
        )
        assisted_by = serializers.CharField(
            source="assisted_by.display_name",
            allow_null=True,
            default=None,
            help_text="The staff member who checked them in at the desk (evidence `staff`).",
        )

        class Meta:
            model = CheckIn
            fields = [
                "id",
                "visitor",
                "resident",
                "method",
                "evidence",
                "assisted_by",
                "distance_m",
                "created_at",
                "voided_at",
                "void_reason",
            ]

        def get_visitor(self, checkin) -> str:
            # ICO Children's code: a child's name is not staff's to read in a list of visits.
            if ages.is_minor(checkin.resident):
                return _("A young visitor")
            return checkin.resident.display_name

    class FilterSerializer(serializers.Serializer):
        resident = serializers.UUIDField(required=False)

    @extend_schema(
        operation_id="venue_checkins_list",
        description=(
            "Check-ins at the venue, newest first; visitors appear by display name only. "
            "`?resident=` narrows them to one visitor's history."
        ),
        parameters=[FilterSerializer],
        responses={
            200: OutputSerializer(many=True),
            **error_responses(
                errors.INVALID, errors.NOT_AUTHENTICATED, errors.PERMISSION_DENIED, errors.NOT_FOUND
            ),
        },
    )
    def get(self, request, venue: Venue):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        checkins = checkins_at_venue(
            venue=venue, resident_id=filters.validated_data.get("resident")
        )
        return self.paginated(checkins, self.OutputSerializer)


class CheckinAssistedApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        venue = VenueField()
        resident = serializers.CharField(
            max_length=254, help_text="The resident's member code (XXXX-XXXX) or email."
        )

    @extend_schema(
        operation_id="checkins_assisted_create",
        description=(
            "Staff at the desk check a resident in (someone without a smartphone, say): the "
            "same cooldown, travel and reward rules, recorded with the evidence `staff` and the "
            "staff member's name."
        ),
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=InputSerializer,
        responses={
            201: CheckinListApi.OutputSerializer,
            **error_responses(
                errors.INVALID,
                error_codes.VENUE_INACTIVE,
                error_codes.IMPOSSIBLE_TRAVEL,
                errors.NOT_AUTHENTICATED,
                errors.PERMISSION_DENIED,
                error_codes.OWN_CHECKIN,
                errors.NOT_FOUND,
                error_codes.COOLDOWN,
                IDEMPOTENCY_KEY_REUSED,
            ),
        },
    )
    @idempotent
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        venue = serializer.validated_data["venue"]
        # Who may check people in here is asked before anyone is looked up: nobody else can
        # probe which emails or codes belong to a member.
        if not may(request.user, "venue.serve", venue):
            raise ApplicationError(errors.PERMISSION_DENIED, _("You do not work at this venue."))
        resident = member_find(typed=serializer.validated_data["resident"])
        if resident is None:
            raise ApplicationError(errors.NOT_FOUND, _("No member has this code or email."))
        outcome = checkin_record_assisted(staff=request.user, venue=venue, resident=resident)
        return Response(_outcome_body(outcome), status=status.HTTP_201_CREATED)


class CheckinVoidApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=REASON_MAX_LENGTH)

    class OutputSerializer(CheckinOutputSerializer):
        void_reason = serializers.CharField()
        points_taken_back = serializers.IntegerField()
        points_shortfall = serializers.IntegerField(
            help_text="Points the resident had spent already: they could not be taken back."
        )
        vouchers_voided = serializers.IntegerField()
        vouchers_already_used = serializers.IntegerField(
            help_text="Vouchers already redeemed (or lapsed): they stay as they are."
        )

    @extend_schema(
        operation_id="checkins_void",
        description=(
            "Void a check-in found to be fraud: it leaves the statistics, its points are taken "
            "back by a reversing posting (never below zero: the shortfall is recorded) and its "
            "unredeemed vouchers become void."
        ),
        request=InputSerializer,
        responses={
            200: OutputSerializer,
            **error_responses(
                errors.INVALID,
                errors.NOT_AUTHENTICATED,
                errors.PERMISSION_DENIED,
                errors.NOT_FOUND,
                error_codes.ALREADY_VOID,
            ),
        },
    )
    def post(self, request, checkin_id):
        checkin = checkin_get(checkin_id=checkin_id)
        if checkin is None:
            raise ApplicationError(errors.NOT_FOUND, _("No check-in has this id."))
        if not may(request.user, "checkin.void", checkin):
            raise ApplicationError(
                errors.PERMISSION_DENIED, _("Only the venue's managers can void its check-ins.")
            )
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        voided = checkin_void(
            checkin=checkin, by=request.user, reason=serializer.validated_data["reason"]
        )
        taken = voided.taken_back
        return Response(
            {
                **CheckinOutputSerializer(voided.checkin).data,
                "void_reason": voided.checkin.void_reason,
                "points_taken_back": taken.points_taken_back,
                "points_shortfall": taken.points_shortfall,
                "vouchers_voided": taken.vouchers_voided,
                "vouchers_already_used": taken.vouchers_already_used,
            }
        )
