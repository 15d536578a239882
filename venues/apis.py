from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from backend import errors
from backend.idempotency import IDEMPOTENCY_KEY_REUSED, idempotent
from backend.openapi import IDEMPOTENCY_KEY_PARAMETER, error_responses
from backend.pagination import PaginatedListApi
from backend.welsh import welsh_help
from venues import error_codes
from venues.access import request_access
from venues.filters import VenueFilter
from venues.models import Council, Role, Venue
from venues.scoping import CouncilScopedApi, VenueScopedApi
from venues.selectors import council_list, council_members, venue_list, venues_near
from venues.serializers import (
    CouncilOutputSerializer,
    VenueNearOutputSerializer,
    VenueOutputSerializer,
)
from venues.services import (
    council_create,
    role_grant,
    role_revoke,
    venue_create,
    venue_deactivate,
    venue_update,
)
from venues.validators import normalise_postcode, validate_opening_hours, validate_postcode

VENUE_WRITE_ERRORS = (errors.INVALID, errors.NOT_AUTHENTICATED, errors.PERMISSION_DENIED)


class SuperuserToWrite(BasePermission):
    """Anyone reads; only site superusers write (after IsAuthenticatedOrReadOnly's 401)."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or request.user.is_superuser


class CouncilListApi(PaginatedListApi):
    permission_classes = [IsAuthenticatedOrReadOnly, SuperuserToWrite]

    class InputSerializer(serializers.Serializer):
        slug = serializers.SlugField(max_length=80)
        name = serializers.CharField(max_length=200)
        name_cy = serializers.CharField(
            max_length=200,
            required=False,
            allow_blank=True,
            default="",
            help_text=welsh_help("name"),
        )
        website = serializers.URLField(required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="councils_list", responses={200: CouncilOutputSerializer(many=True)}
    )
    def get(self, request):
        return self.paginated(council_list(), CouncilOutputSerializer)

    @extend_schema(
        operation_id="councils_create",
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=InputSerializer,
        responses={
            201: CouncilOutputSerializer,
            **error_responses(
                *VENUE_WRITE_ERRORS, error_codes.COUNCIL_EXISTS, IDEMPOTENCY_KEY_REUSED
            ),
        },
    )
    @idempotent
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        council = council_create(actor=request.user, **serializer.validated_data)
        return Response(CouncilOutputSerializer(council).data, status=status.HTTP_201_CREATED)


class CouncilDetailApi(CouncilScopedApi):
    @extend_schema(
        operation_id="councils_retrieve",
        responses={200: CouncilOutputSerializer, **error_responses(errors.NOT_FOUND)},
    )
    def get(self, request, council: Council):
        return Response(CouncilOutputSerializer(council).data)


class MemberOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField(source="user.email")
    display_name = serializers.CharField(source="user.display_name")
    role = serializers.ChoiceField(choices=Role.Kind.choices)
    venue = serializers.UUIDField(source="venue_id", allow_null=True)


MEMBER_ERRORS = (errors.NOT_AUTHENTICATED, errors.PERMISSION_DENIED, errors.NOT_FOUND)


class CouncilMemberListApi(CouncilScopedApi, PaginatedListApi):
    permission_by_method = {"GET": "council.view_members", "POST": "council.view_members"}

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        role = serializers.ChoiceField(choices=Role.Kind.choices)
        venue = serializers.UUIDField(required=False, allow_null=True, default=None)

    @extend_schema(
        operation_id="council_members_list",
        responses={200: MemberOutputSerializer(many=True), **error_responses(*MEMBER_ERRORS)},
    )
    def get(self, request, council: Council):
        return self.paginated(council_members(council=council), MemberOutputSerializer)

    @extend_schema(
        operation_id="council_members_create",
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=InputSerializer,
        responses={
            201: MemberOutputSerializer,
            **error_responses(
                errors.INVALID,
                error_codes.UNKNOWN_USER,
                *MEMBER_ERRORS,
                error_codes.ROLE_EXISTS,
                IDEMPOTENCY_KEY_REUSED,
            ),
        },
    )
    @idempotent
    def post(self, request, council: Council):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        venue_id = serializer.validated_data.pop("venue")
        venue = None
        if venue_id is not None:
            venue = Venue.objects.filter(pk=venue_id).first()
            if venue is None:
                raise ValidationError({"venue": [gettext("No venue has this id.")]})
        role = role_grant(
            council=council, venue=venue, granted_by=request.user, **serializer.validated_data
        )
        return Response(MemberOutputSerializer(role).data, status=status.HTTP_201_CREATED)


class CouncilMemberDetailApi(CouncilScopedApi):
    permission_by_method = {"DELETE": "council.view_members"}

    @extend_schema(
        operation_id="council_members_revoke",
        responses={204: None, **error_responses(*MEMBER_ERRORS)},
    )
    def delete(self, request, council: Council, member_id):
        role = get_object_or_404(Role, pk=member_id, council=council)
        role_revoke(role=role, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class VenueInputSerializer(serializers.Serializer):
    """The writable fields of a venue; PATCH takes any subset (``partial=True``)."""

    name = serializers.CharField(max_length=200)
    name_cy = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="The name in Welsh, shown to readers whose language is Welsh.",
    )
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    description_cy = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    category = serializers.ChoiceField(choices=Venue.Category.choices)
    address = serializers.CharField(max_length=300)
    postcode = serializers.CharField(max_length=10)
    latitude = serializers.FloatField(min_value=-90, max_value=90, required=False)
    longitude = serializers.FloatField(min_value=-180, max_value=180, required=False)
    radius_m = serializers.IntegerField(
        min_value=Venue.RADIUS_MIN_M, max_value=Venue.RADIUS_MAX_M, required=False
    )
    website = serializers.URLField(max_length=200, required=False, allow_blank=True)
    opening_hours = serializers.JSONField(
        required=False,
        validators=[validate_opening_hours],
        help_text=(
            '{"monday": [{"opens": "09:00", "closes": "17:00"}], ...}; a missing day is closed.'
        ),
    )

    def validate_postcode(self, value):
        value = normalise_postcode(value)
        validate_postcode(value)
        return value

    def validate(self, attrs):
        if ("latitude" in attrs) != ("longitude" in attrs):
            raise ValidationError(
                {"latitude": [gettext("Send latitude and longitude together, or neither.")]}
            )
        return attrs


# `<lat>,<lng>` in range (empty: no filter): the schema states what LatLngFilter accepts.
NEAR_PATTERN = (
    r"^(-?([0-8]?[0-9](\.[0-9]+)?|90(\.0+)?),"
    r"-?((1[0-7][0-9]|[0-9]?[0-9])(\.[0-9]+)?|180(\.0+)?))?$"
)


class VenueListApi(PaginatedListApi):
    permission_classes = [IsAuthenticatedOrReadOnly]

    class CreateSerializer(VenueInputSerializer):
        council = serializers.SlugField()

    @extend_schema(
        operation_id="venues_list",
        parameters=[
            OpenApiParameter(
                "near",
                {"type": "string", "pattern": NEAR_PATTERN},
                description="`<lat>,<lng>`: nearest first",
            ),
            OpenApiParameter(
                "radius",
                {"type": "integer", "minimum": 1, "maximum": settings.VENUE_SEARCH_MAX_RADIUS_M},
                description=(
                    f"Metres around `near` (default {settings.VENUE_SEARCH_DEFAULT_RADIUS_M}, "
                    f"max {settings.VENUE_SEARCH_MAX_RADIUS_M})."
                ),
            ),
            OpenApiParameter("category", OpenApiTypes.STR, enum=Venue.Category.values),
            OpenApiParameter(
                "council", {"type": "string", "maxLength": 80}, description="A council's slug."
            ),
            OpenApiParameter(
                "search", {"type": "string", "maxLength": 200}, description="Part of the name."
            ),
            OpenApiParameter("page", {"type": "integer", "minimum": 1}),
            OpenApiParameter(
                "page_size", {"type": "integer", "minimum": 1, "maximum": 100}, description="1-100."
            ),
        ],
        responses={200: VenueNearOutputSerializer(many=True), **error_responses(errors.INVALID)},
    )
    def get(self, request):
        filterset = VenueFilter(request.query_params, queryset=venue_list())
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        venues = filterset.qs
        near = filterset.form.cleaned_data.get("near")
        serializer_class = VenueOutputSerializer
        if near is not None:
            radius = filterset.form.cleaned_data.get("radius")
            venues = venues_near(
                venues,
                latitude=near[0],
                longitude=near[1],
                radius_m=float(radius or settings.VENUE_SEARCH_DEFAULT_RADIUS_M),
            )
            serializer_class = VenueNearOutputSerializer
        return self.paginated(venues, serializer_class)

    @extend_schema(
        operation_id="venues_create",
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=CreateSerializer,
        responses={
            201: VenueOutputSerializer,
            **error_responses(
                *VENUE_WRITE_ERRORS,
                error_codes.GEOCODING_FAILED,
                error_codes.VENUE_EXISTS,
                IDEMPOTENCY_KEY_REUSED,
            ),
        },
    )
    @idempotent
    def post(self, request):
        serializer = self.CreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        council = Council.objects.filter(slug=data.pop("council")).first()
        if council is None:
            raise ValidationError({"council": [gettext("No council has this slug.")]})
        if not request_access(request).may("venue.create", council):
            raise PermissionDenied(gettext("Only the council's admins can register its venues."))
        venue = venue_create(council=council, actor=request.user, **data)
        return Response(VenueOutputSerializer(venue).data, status=status.HTTP_201_CREATED)


class VenueDetailApi(VenueScopedApi):
    permission_by_method = {"PATCH": "venue.change", "DELETE": "venue.deactivate"}

    class UpdateSerializer(VenueInputSerializer):
        is_active = serializers.BooleanField(required=False)
        foursquare_place_id = serializers.RegexField(
            r"^[0-9A-Za-z_-]*$",
            max_length=64,
            required=False,
            allow_blank=True,
            help_text=(
                "Link the venue to this Foursquare place (its fsq_place_id) by hand; the sync "
                "trusts it. Empty: match the venue again."
            ),
        )

    @extend_schema(
        operation_id="venues_retrieve",
        responses={200: VenueOutputSerializer, **error_responses(errors.NOT_FOUND)},
    )
    def get(self, request, venue: Venue):
        return Response(VenueOutputSerializer(venue).data)

    @extend_schema(
        operation_id="venues_partial_update",
        request=UpdateSerializer,
        responses={
            200: VenueOutputSerializer,
            **error_responses(
                *VENUE_WRITE_ERRORS,
                errors.NOT_FOUND,
                error_codes.GEOCODING_FAILED,
                error_codes.VENUE_EXISTS,
            ),
        },
    )
    def patch(self, request, venue: Venue):
        serializer = self.UpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if "is_active" in serializer.validated_data and not request_access(request).may(
            "venue.activate", venue
        ):
            raise PermissionDenied(gettext("Only the council's admins can (re)activate a venue."))
        venue = venue_update(
            venue=venue, changes=dict(serializer.validated_data), actor=request.user
        )
        return Response(VenueOutputSerializer(venue).data)

    @extend_schema(
        operation_id="venues_deactivate",
        description="Deactivates the venue: it leaves the public list, its history is kept.",
        responses={
            204: None,
            **error_responses(errors.NOT_AUTHENTICATED, errors.PERMISSION_DENIED, errors.NOT_FOUND),
        },
    )
    def delete(self, request, venue: Venue):
        venue_deactivate(venue=venue, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
