"""Offers over HTTP: the live offers of a venue (anyone), creating and changing them (the
venue's managers for a venue offer, the council's admins for either)."""

from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from backend import errors
from backend.idempotency import IDEMPOTENCY_KEY_REUSED, idempotent
from backend.openapi import IDEMPOTENCY_KEY_PARAMETER, error_responses
from backend.pagination import PaginatedListApi
from backend.welsh import welsh_help
from rewards import error_codes
from rewards.bounds import OFFER_MAXIMA
from rewards.evidence import Evidence
from rewards.fields import CouncilField, VenueField
from rewards.models import Offer, OfferAudience, OfferRule
from rewards.offers.progress import offers_progress
from rewards.offers.selectors import (
    offer_budget_left,
    offer_get,
    offer_get_for_output,
    offer_list_live_at_venue,
)
from rewards.offers.services import EDITABLE_FIELDS, offer_create, offer_update
from rewards.offers.wording import offer_summary
from rewards.scoping import ManagedObjectScopedApi
from venues.access import request_access
from venues.models import Venue
from venues.scoping import VenueScopedApi


# Shared by every offer API (one schema component, ``OfferOutput``).
class OfferOutputSerializer(serializers.ModelSerializer):
    venue = serializers.UUIDField(source="venue_id", allow_null=True)
    council = serializers.SlugField(source="council.slug")
    rewards_given = serializers.IntegerField(help_text="Rewards the offer has given so far.")
    budget_left = serializers.SerializerMethodField(
        help_text="Rewards it may still give under max_rewards; null when uncapped."
    )
    summary = serializers.SerializerMethodField(
        help_text="The offer in words, in the caller's language (`Accept-Language: cy` for "
        'Welsh): what it gives, when, and its dates and limits, e.g. "Every 5th visit: 10 '
        "points. Until 31 December 2026.\" On a venue's list for a signed-in resident, "
        "followed by `progress`."
    )
    progress = serializers.SerializerMethodField(
        help_text="A signed-in resident's standing with the offer at the venue listed, in "
        'words ("2 more visits for 10 points."); null for anyone else, elsewhere, or when '
        "there is nothing to say."
    )
    accepts = serializers.ListField(
        child=serializers.ChoiceField(choices=Evidence.choices),
        help_text="The evidence of presence that earns the offer.",
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
            "summary",
            "progress",
            "created_at",
            "updated_at",
        ]

    def get_budget_left(self, offer) -> int | None:
        return offer_budget_left(offer, offer.rewards_given)

    def _summary(self, offer):
        """The offer in words, once per offer (``summary`` and ``progress`` both read it)."""
        cached = getattr(offer, "_words", None)
        if cached is None:
            progress = self.context.get("progress", {}).get(offer.pk)
            cached = offer._words = offer_summary(offer, progress=progress)
        return cached

    def get_summary(self, offer) -> str:
        return str(self._summary(offer))

    def get_progress(self, offer) -> str | None:
        return self._summary(offer).progress or None


class OfferFieldsSerializer(serializers.Serializer):
    """The offer's own fields; the service checks how they fit together."""

    title = serializers.CharField(max_length=120)
    title_cy = serializers.CharField(
        max_length=120, required=False, allow_blank=True, help_text=welsh_help("title")
    )
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    description_cy = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, help_text=welsh_help("description")
    )
    rule = serializers.ChoiceField(choices=OfferRule.choices)
    points = serializers.IntegerField(min_value=0, max_value=OFFER_MAXIMA["points"], required=False)
    voucher_title = serializers.CharField(max_length=120, required=False, allow_blank=True)
    voucher_title_cy = serializers.CharField(
        max_length=120, required=False, allow_blank=True, help_text=welsh_help("voucher_title")
    )
    stripe_coupon_id = serializers.CharField(max_length=100, required=False, allow_blank=True)
    voucher_valid_days = serializers.IntegerField(
        min_value=1, max_value=OFFER_MAXIMA["voucher_valid_days"], required=False, allow_null=True
    )
    every_n = serializers.IntegerField(
        min_value=1, max_value=OFFER_MAXIMA["every_n"], required=False, allow_null=True
    )
    window_days = serializers.IntegerField(
        min_value=1, max_value=OFFER_MAXIMA["window_days"], required=False, allow_null=True
    )
    starts_at = serializers.DateTimeField(required=False, allow_null=True)
    ends_at = serializers.DateTimeField(required=False, allow_null=True)
    max_rewards = serializers.IntegerField(
        min_value=1, max_value=OFFER_MAXIMA["max_rewards"], required=False, allow_null=True
    )
    per_user_limit = serializers.IntegerField(
        min_value=1, max_value=OFFER_MAXIMA["per_user_limit"], required=False, allow_null=True
    )
    is_active = serializers.BooleanField(required=False)
    accepts = serializers.ListField(
        child=serializers.ChoiceField(choices=Evidence.choices),
        min_length=1,
        max_length=len(Evidence.values),
        required=False,
        help_text=(
            "The evidence of presence that earns the offer (default: all five). Leave `poster` "
            "out of an offer worth money: a photo of a poster works from anywhere. A check-in "
            "shown otherwise still counts as a visit and lists the offer in `not_earned`."
        ),
    )
    audience = serializers.ChoiceField(
        choices=OfferAudience.choices,
        required=False,
        help_text="Who may earn it: `everyone` (default), `children` (anyone under 18; the "
        "offer must then accept `poster`, `desk_screen` and `staff`) or `adults`.",
    )


class OfferScopedApi(ManagedObjectScopedApi):
    url_kwarg, handler_kwarg = "offer_id", "offer"

    def load(self, pk):
        return offer_get(offer_id=pk)


def _offer_body(offer: Offer) -> dict:
    return OfferOutputSerializer(offer_get_for_output(offer_id=offer.pk)).data


class VenueOfferListApi(VenueScopedApi, PaginatedListApi):
    @extend_schema(
        operation_id="venue_offers_list",
        description="The venue's live offers: its own and its council's, each in words "
        "(`summary`), with a signed-in resident's `progress` towards it here.",
        responses={200: OfferOutputSerializer(many=True), **error_responses(errors.NOT_FOUND)},
    )
    def get(self, request, venue: Venue):
        live = offer_list_live_at_venue(venue=venue, at=timezone.now())
        if not request.user.is_authenticated:
            return self.paginated(live, OfferOutputSerializer)

        def with_progress(page):
            progress = offers_progress(offers=page, resident=request.user, venue=venue)
            return {"progress": progress}

        return self.paginated(live, OfferOutputSerializer, context_for=with_progress)


class OfferCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(OfferFieldsSerializer):
        venue = VenueField(required=False, help_text="For a venue's own offer.")
        council = CouncilField(
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
                error_codes.INVALID_COUPON,
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
        venue, council = data.pop("venue", None), data.pop("council", None)
        if venue is None and council is None:
            raise ValidationError({"venue": [gettext("Name a venue or a council.")]})
        if not request_access(request).may("offer.create", venue or council):
            raise PermissionDenied(gettext("You do not have a role that allows this here."))
        offer = offer_create(council=council, venue=venue, created_by=request.user, **data)
        return Response(_offer_body(offer), status=status.HTTP_201_CREATED)


class OfferDetailApi(OfferScopedApi):
    class InputSerializer(OfferFieldsSerializer):
        pass

    @extend_schema(
        operation_id="offers_partial_update",
        request=InputSerializer,
        responses={
            200: OfferOutputSerializer,
            **error_responses(
                errors.INVALID,
                error_codes.INVALID_COUPON,
                errors.NOT_AUTHENTICATED,
                errors.PERMISSION_DENIED,
                errors.NOT_FOUND,
            ),
        },
    )
    def patch(self, request, offer: Offer):
        serializer = self.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        offer = offer_update(
            offer=offer, changes=dict(serializer.validated_data), actor=request.user
        )
        return Response(_offer_body(offer))
