"""The catalog, claims, a resident's vouchers and their QR codes, and redemption by staff."""

import io

import qrcode
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from qrcode.constants import ERROR_CORRECT_Q
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from backend import errors
from backend.errors import ApplicationError
from backend.idempotency import HEADER, IDEMPOTENCY_KEY_REUSED, idempotent
from backend.openapi import IDEMPOTENCY_KEY_PARAMETER, error_responses
from backend.pagination import PageNumberPagination
from rewards import error_codes
from rewards.catalog import (
    catalog_claim,
    catalog_item_create,
    catalog_item_update,
    catalog_stock_left,
    claim_key,
)
from rewards.models import CatalogItem, Voucher, VoucherStatus
from rewards.redemption import voucher_redeem
from venues.models import Council, Venue
from venues.permissions import VenueAccess, has_venue_access, is_council_admin

WRITE_ERRORS = (errors.INVALID, errors.NOT_AUTHENTICATED, errors.PERMISSION_DENIED)


class CatalogItemOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    cost_points = serializers.IntegerField()
    venue = serializers.UUIDField(source="venue_id", allow_null=True)
    council = serializers.SlugField(source="council.slug")
    stock = serializers.IntegerField(allow_null=True)
    valid_days = serializers.IntegerField(allow_null=True)
    is_active = serializers.BooleanField()
    stock_left = serializers.IntegerField(
        allow_null=True, help_text="Units left to claim; null when unlimited."
    )


class VoucherOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(
        choices=VoucherStatus.choices,
        source="shown_status",
        help_text="`expired` as soon as an issued voucher is past its expiry.",
    )
    expires_at = serializers.DateTimeField()
    redeemed_at = serializers.DateTimeField(allow_null=True)
    stripe_promotion_code = serializers.CharField(
        help_text="The Stripe promotion code's id once created; the code to type is `code`."
    )
    stripe_status = serializers.SerializerMethodField(
        help_text=(
            "For a voucher that is also a Stripe promotion code: `pending` until Stripe has "
            "created it (it works in person meanwhile), then `created`; `failed` when Stripe "
            "refused it. Null for vouchers without one."
        )
    )

    @extend_schema_field(
        serializers.ChoiceField(choices=["pending", "created", "failed"], allow_null=True)
    )
    def get_stripe_status(self, voucher):
        try:
            return voucher.stripe_promotion.state
        except Voucher.stripe_promotion.RelatedObjectDoesNotExist:
            return None


def _shown(vouchers):
    """Vouchers with ``shown_status``: an issued voucher past its expiry reads as expired
    before the expiry job has settled it."""
    now = timezone.now()
    for voucher in vouchers:
        lapsed = voucher.status == VoucherStatus.ISSUED and voucher.expires_at <= now
        voucher.shown_status = VoucherStatus.EXPIRED if lapsed else voucher.status
    return vouchers


def _voucher_body(voucher: Voucher) -> dict:
    return VoucherOutputSerializer(_shown([voucher])[0]).data


def _with_stock_left(items: list[CatalogItem]) -> list[CatalogItem]:
    left = catalog_stock_left(items)
    for item in items:
        item.stock_left = left[item.pk]
    return items


def _check_may_manage(user, *, council: Council, venue: Venue | None) -> None:
    allowed = (
        has_venue_access(user, venue, VenueAccess.MANAGE)
        if venue is not None
        else is_council_admin(user, council)
    )
    if not allowed:
        raise ApplicationError(
            errors.PERMISSION_DENIED, "Only the venue's managers or the council's admins can."
        )


class CatalogListApi(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    # Declared so the schema shows the paginated envelope of the list.
    pagination_class = PageNumberPagination

    class InputSerializer(serializers.Serializer):
        venue = serializers.UUIDField(required=False, allow_null=True, default=None)
        council = serializers.SlugField(required=False, allow_null=True, default=None)
        title = serializers.CharField(max_length=120)
        cost_points = serializers.IntegerField(min_value=1)
        stock = serializers.IntegerField(min_value=0, required=False, allow_null=True)
        valid_days = serializers.IntegerField(min_value=1, required=False, allow_null=True)
        is_active = serializers.BooleanField(required=False, default=True)

        def validate(self, data):
            venue_id, slug = data.pop("venue"), data.pop("council")
            if venue_id is not None:
                venue = Venue.objects.select_related("council").filter(pk=venue_id).first()
                if venue is None:
                    raise serializers.ValidationError({"venue": ["No such venue."]})
                if slug is not None and slug != venue.council.slug:
                    raise serializers.ValidationError({"council": ["Not the venue's council."]})
                data.update(venue=venue, council=venue.council)
                return data
            if slug is None:
                raise serializers.ValidationError(
                    {"council": ["Give the venue or, for a council-wide item, the council."]}
                )
            council = Council.objects.filter(slug=slug).first()
            if council is None:
                raise serializers.ValidationError({"council": ["No such council."]})
            data.update(venue=None, council=council)
            return data

    @extend_schema(
        operation_id="catalog_list",
        description="Active items that cost points, with the stock left (null: unlimited).",
        responses={200: CatalogItemOutputSerializer(many=True)},
    )
    def get(self, request):
        items = CatalogItem.objects.filter(is_active=True).select_related("council")
        paginator = self.pagination_class()
        page = _with_stock_left(list(paginator.paginate_queryset(items, request, view=self)))
        return paginator.get_paginated_response(CatalogItemOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="catalog_create",
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=InputSerializer,
        responses={
            201: CatalogItemOutputSerializer,
            **error_responses(*WRITE_ERRORS, IDEMPOTENCY_KEY_REUSED),
        },
    )
    @idempotent
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        _check_may_manage(request.user, council=data["council"], venue=data["venue"])
        item = catalog_item_create(**data)
        return Response(
            CatalogItemOutputSerializer(_with_stock_left([item])[0]).data,
            status=status.HTTP_201_CREATED,
        )


class CatalogDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=120, required=False)
        cost_points = serializers.IntegerField(min_value=1, required=False)
        stock = serializers.IntegerField(min_value=0, required=False, allow_null=True)
        valid_days = serializers.IntegerField(min_value=1, required=False, allow_null=True)
        is_active = serializers.BooleanField(required=False)

    @extend_schema(
        operation_id="catalog_update",
        request=InputSerializer,
        responses={
            200: CatalogItemOutputSerializer,
            **error_responses(*WRITE_ERRORS, errors.NOT_FOUND),
        },
    )
    def patch(self, request, item_id):
        item = get_object_or_404(CatalogItem.objects.select_related("venue"), pk=item_id)
        _check_may_manage(request.user, council=item.council, venue=item.venue)
        serializer = self.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        item = catalog_item_update(item=item, changes=dict(serializer.validated_data))
        item = CatalogItem.objects.select_related("council").get(pk=item.pk)
        return Response(CatalogItemOutputSerializer(_with_stock_left([item])[0]).data)


class CatalogClaimApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="catalog_claim",
        description="Spend the item's points on a voucher; nothing is spent when refused.",
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=None,
        responses={
            201: VoucherOutputSerializer,
            **error_responses(
                errors.NOT_AUTHENTICATED,
                errors.NOT_FOUND,
                error_codes.INSUFFICIENT_POINTS,
                error_codes.OUT_OF_STOCK,
                IDEMPOTENCY_KEY_REUSED,
            ),
        },
    )
    @idempotent
    def post(self, request, item_id):
        item = (
            CatalogItem.objects.select_related("council", "venue")
            .filter(pk=item_id, is_active=True)
            .first()
        )
        if item is None:
            raise ApplicationError(errors.NOT_FOUND, "This item is not in the catalog.")
        voucher = catalog_claim(
            resident=request.user,
            item=item,
            idempotency_key=claim_key(
                resident=request.user, request_key=request.headers.get(HEADER)
            ),
        )
        return Response(_voucher_body(voucher), status=status.HTTP_201_CREATED)


class MyVoucherListApi(APIView):
    permission_classes = [IsAuthenticated]
    # Declared so the schema shows the paginated envelope of the list.
    pagination_class = PageNumberPagination

    @extend_schema(
        operation_id="me_vouchers_list",
        description="The caller's vouchers, newest first.",
        responses={
            200: VoucherOutputSerializer(many=True),
            **error_responses(errors.NOT_AUTHENTICATED),
        },
    )
    def get(self, request):
        vouchers = (
            Voucher.objects.filter(resident=request.user)
            .select_related("stripe_promotion")
            .order_by("-issued_at", "id")
        )
        paginator = self.pagination_class()
        page = _shown(list(paginator.paginate_queryset(vouchers, request, view=self)))
        return paginator.get_paginated_response(VoucherOutputSerializer(page, many=True).data)


def voucher_qr_png(code: str) -> bytes:
    """The code as a QR symbol (error correction Q, so a scuffed phone screen still scans)."""
    symbol = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, box_size=10, border=4)
    symbol.add_data(code)
    symbol.make(fit=True)
    buffer = io.BytesIO()
    symbol.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


class VoucherQrApi(APIView):
    permission_classes = [IsAuthenticated]

    def perform_content_negotiation(self, request, force=False):
        # The handler answers bytes, not data for a renderer: `Accept: image/png` is fine.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="vouchers_qr",
        description="The voucher's code as a QR image, for staff to scan; its owner only.",
        responses={
            (200, "image/png"): OpenApiTypes.BINARY,
            **error_responses(errors.NOT_AUTHENTICATED, errors.NOT_FOUND),
        },
    )
    def get(self, request, voucher_id):
        # Someone else's voucher is 404, as if it did not exist.
        voucher = get_object_or_404(Voucher, pk=voucher_id, resident=request.user)
        response = HttpResponse(voucher_qr_png(voucher.code), content_type="image/png")
        response["Cache-Control"] = "private, no-cache"
        return response


class VoucherRedeemApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=40)
        venue = serializers.UUIDField(
            required=False,
            allow_null=True,
            default=None,
            help_text="Where it is redeemed, for staff of several venues of the council.",
        )

    @extend_schema(
        operation_id="vouchers_redeem",
        description="Redeem a voucher by its code (as typed or scanned) at the caller's venue.",
        request=InputSerializer,
        responses={
            200: VoucherOutputSerializer,
            **error_responses(
                errors.INVALID,
                errors.NOT_AUTHENTICATED,
                errors.PERMISSION_DENIED,
                errors.NOT_FOUND,
                error_codes.ALREADY_REDEEMED,
                error_codes.VOUCHER_EXPIRED,
            ),
        },
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        venue_id = serializer.validated_data["venue"]
        venue = None
        if venue_id is not None:
            venue = Venue.objects.filter(pk=venue_id).first()
            if venue is None:
                raise ApplicationError(
                    errors.INVALID, "No such venue.", fields={"venue": ["No such venue."]}
                )
        voucher = voucher_redeem(
            code=serializer.validated_data["code"], staff=request.user, venue=venue
        )
        return Response(_voucher_body(voucher))
