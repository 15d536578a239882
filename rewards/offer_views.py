"""Offers over HTTP: the live offers of a venue (anyone), creating and changing them (the
venue's managers for a venue offer, the council's admins for either)."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from backend import errors
from backend.idempotency import IDEMPOTENCY_KEY_REUSED, idempotent
from backend.openapi import IDEMPOTENCY_KEY_PARAMETER, error_responses
from backend.pagination import PageNumberPagination, paginated_response
from rewards.models import Offer, OfferRule
from rewards.offers import (
    EDITABLE_FIELDS,
    offer_budget_left,
    offer_create,
    offer_queryset,
    offer_update,
    offers_live_for,
)
from venues.models import Council, Venue
from venues.permissions import VenueAccess, has_venue_access, is_council_admin
from venues.scoping import VenueScopedApi


class OfferOutputSerializer(serializers.ModelSerializer):
    venue = serializers.UUIDField(source="venue_id", allow_null=True)
    council = serializers.SlugField(source="council.slug")
    rewards_given = serializers.IntegerField(help_text="Rewards the offer has given so far.")
    budget_left = serializers.SerializerMethodField(
        help_text="Rewards it may still give under max_rewards; null when uncapped."
    )

    class Meta:
        model = Offer
        fields = [
            "id",
            "venue",
            "council",
            *EDITABLE_FIELDS,
            "rewards_given",
            "budget_left",
            "created_at",
            "updated_at",
        ]

    def get_budget_left(self, offer) -> int | None:
        return offer_budget_left(offer, offer.rewards_given)


class OfferFieldsSerializer(serializers.Serializer):
    """The offer's own fields; the service checks how they fit together."""

    title = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    rule = serializers.ChoiceField(choices=OfferRule.choices)
    points = serializers.IntegerField(min_value=0, required=False)
    voucher_title = serializers.CharField(max_length=120, required=False, allow_blank=True)
    stripe_coupon_id = serializers.CharField(max_length=100, required=False, allow_blank=True)
    voucher_valid_days = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    every_n = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    window_days = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    starts_at = serializers.DateTimeField(required=False, allow_null=True)
    ends_at = serializers.DateTimeField(required=False, allow_null=True)
    max_rewards = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    per_user_limit = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False)


def _offer_body(offer: Offer) -> dict:
    return OfferOutputSerializer(offer_queryset().get(pk=offer.pk)).data


def _deny() -> None:
    raise PermissionDenied("You do not have a role that allows this here.")


class VenueOfferListApi(VenueScopedApi):
    # Declared so the schema shows the paginated envelope of the list.
    pagination_class = PageNumberPagination

    @extend_schema(
        operation_id="venue_offers_list",
        description="The venue's live offers: its own and its council's.",
        responses={200: OfferOutputSerializer(many=True), **error_responses(errors.NOT_FOUND)},
    )
    def get(self, request, venue: Venue):
        live = offer_queryset().filter(pk__in=offers_live_for(venue, timezone.now()).values("id"))
        return paginated_response(self, live.order_by("-created_at", "id"), OfferOutputSerializer)


class OfferCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(OfferFieldsSerializer):
        venue = serializers.UUIDField(required=False, help_text="For a venue's own offer.")
        council = serializers.SlugField(
            required=False, help_text="For a council-wide offer (a venue offer may repeat it)."
        )

    @extend_schema(
        operation_id="offers_create",
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=InputSerializer,
        responses={
            201: OfferOutputSerializer,
            **error_responses(
                errors.INVALID,
                errors.NOT_AUTHENTICATED,
                errors.PERMISSION_DENIED,
                IDEMPOTENCY_KEY_REUSED,
            ),
        },
    )
    @idempotent
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        venue = council = None
        if "venue" in data:
            venue = Venue.objects.select_related("council").filter(pk=data.pop("venue")).first()
            if venue is None:
                raise ValidationError({"venue": ["No venue has this id."]})
        if "council" in data:
            council = Council.objects.filter(slug=data.pop("council")).first()
            if council is None:
                raise ValidationError({"council": ["No council has this slug."]})
        if venue is None and council is None:
            raise ValidationError({"venue": ["Name a venue or a council."]})
        if venue is not None:
            if not has_venue_access(request.user, venue, VenueAccess.MANAGE):
                _deny()
        elif not is_council_admin(request.user, council):
            _deny()
        offer = offer_create(council=council, venue=venue, created_by=request.user, **data)
        return Response(_offer_body(offer), status=status.HTTP_201_CREATED)


class OfferDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(OfferFieldsSerializer):
        pass

    @extend_schema(
        operation_id="offers_partial_update",
        request=InputSerializer,
        responses={
            200: OfferOutputSerializer,
            **error_responses(
                errors.INVALID, errors.NOT_AUTHENTICATED, errors.PERMISSION_DENIED, errors.NOT_FOUND
            ),
        },
    )
    def patch(self, request, offer_id):
        offer = get_object_or_404(Offer.objects.select_related("venue", "council"), pk=offer_id)
        if offer.venue is not None:
            allowed = has_venue_access(request.user, offer.venue, VenueAccess.MANAGE)
        else:
            allowed = is_council_admin(request.user, offer.council)
        if not allowed:
            _deny()
        serializer = self.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        offer = offer_update(offer=offer, changes=dict(serializer.validated_data))
        return Response(_offer_body(offer))
