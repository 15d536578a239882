"""The catalog over HTTP: listing it (anyone), adding and changing items (the venue's managers
or the council's admins), and claiming an item for points (residents)."""

from uuid import UUID

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from backend import errors
from backend.errors import ApplicationError
from backend.idempotency import HEADER, IDEMPOTENCY_KEY_REUSED, idempotent
from backend.openapi import IDEMPOTENCY_KEY_PARAMETER, error_responses
from backend.pagination import PaginatedListApi
from backend.welsh import welsh_help
from rewards import account_names, error_codes
from rewards.bounds import CATALOG_MAXIMA
from rewards.catalog.selectors import (
    catalog_item_claimable,
    catalog_item_get,
    catalog_item_list_active,
    catalog_items_with_stock_left,
)
from rewards.catalog.services import catalog_claim, catalog_item_create, catalog_item_update
from rewards.fields import CouncilField, VenueField
from rewards.models import CatalogItem
from rewards.schemes.selectors import scheme_public_id_of_loaded
from rewards.scoping import ManagedObjectScopedApi
from rewards.vouchers.serializers import VoucherOutputSerializer, voucher_body
from venues.access import request_access

WRITE_ERRORS = (errors.INVALID, errors.NOT_AUTHENTICATED, errors.PERMISSION_DENIED)


class CatalogItemListOutputSerializer(serializers.ListSerializer):
    """Reads the stock left of a whole page in one query."""

    def to_representation(self, data):
        return super().to_representation(catalog_items_with_stock_left(data))


# Shared by every catalog API (one schema component, ``CatalogItemOutput``).
class CatalogItemOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    title_cy = serializers.CharField(help_text=welsh_help("title"))
    cost_points = serializers.IntegerField()
    venue = serializers.UUIDField(source="venue_id", allow_null=True)
    council = serializers.SlugField(source="council.slug")
    scheme = serializers.SerializerMethodField(
        help_text="The points scheme whose points buy it (`balances[].scheme` of `/me/`)."
    )
    stock = serializers.IntegerField(allow_null=True)
    valid_days = serializers.IntegerField(allow_null=True)
    is_active = serializers.BooleanField()
    stock_left = serializers.IntegerField(
        allow_null=True, help_text="Units left to claim; null when unlimited."
    )

    class Meta:
        list_serializer_class = CatalogItemListOutputSerializer

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_scheme(self, item: CatalogItem) -> UUID | None:
        return scheme_public_id_of_loaded(item.council)


class CatalogItemScopedApi(ManagedObjectScopedApi):
    url_kwarg, handler_kwarg = "item_id", "item"
    denied_detail = "Only the venue's managers or the council's admins can."

    def load(self, pk):
        return catalog_item_get(item_id=pk)


def _item_body(item: CatalogItem) -> dict:
    return CatalogItemOutputSerializer(catalog_items_with_stock_left([item])[0]).data


class CatalogListApi(PaginatedListApi):
    permission_classes = [IsAuthenticatedOrReadOnly]

    class InputSerializer(serializers.Serializer):
        venue = VenueField(required=False, allow_null=True, default=None)
        council = CouncilField(required=False, allow_null=True, default=None)
        title = serializers.CharField(max_length=120)
        title_cy = serializers.CharField(
            max_length=120, required=False, allow_blank=True, help_text=welsh_help("title")
        )
        cost_points = serializers.IntegerField(min_value=1, max_value=CATALOG_MAXIMA["cost_points"])
        stock = serializers.IntegerField(
            min_value=0, max_value=CATALOG_MAXIMA["stock"], required=False, allow_null=True
        )
        valid_days = serializers.IntegerField(
            min_value=1, max_value=CATALOG_MAXIMA["valid_days"], required=False, allow_null=True
        )
        is_active = serializers.BooleanField(required=False, default=True)

        def validate(self, data):
            venue, council = data["venue"], data["council"]
            if venue is not None:
                if council is not None and council.pk != venue.council_id:
                    raise ValidationError({"council": [gettext("Not the venue's council.")]})
                data["council"] = venue.council
            elif council is None:
                raise ValidationError(
                    {
                        "council": [
                            gettext("Give the venue or, for a council-wide item, the council.")
                        ]
                    }
                )
            return data

    @extend_schema(
        operation_id="catalog_list",
        description="Active items that cost points, with the stock left (null: unlimited).",
        responses={200: CatalogItemOutputSerializer(many=True)},
    )
    def get(self, request):
        return self.paginated(catalog_item_list_active(), CatalogItemOutputSerializer)

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
        if not request_access(request).may("catalogitem.create", data["venue"] or data["council"]):
            raise ApplicationError(errors.PERMISSION_DENIED, CatalogItemScopedApi.denied_detail)
        item = catalog_item_create(actor=request.user, **data)
        return Response(_item_body(item), status=status.HTTP_201_CREATED)


class CatalogDetailApi(CatalogItemScopedApi):
    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=120, required=False)
        title_cy = serializers.CharField(
            max_length=120, required=False, allow_blank=True, help_text=welsh_help("title")
        )
        cost_points = serializers.IntegerField(
            min_value=1, max_value=CATALOG_MAXIMA["cost_points"], required=False
        )
        stock = serializers.IntegerField(
            min_value=0, max_value=CATALOG_MAXIMA["stock"], required=False, allow_null=True
        )
        valid_days = serializers.IntegerField(
            min_value=1, max_value=CATALOG_MAXIMA["valid_days"], required=False, allow_null=True
        )
        is_active = serializers.BooleanField(required=False)

    @extend_schema(
        operation_id="catalog_update",
        request=InputSerializer,
        responses={
            200: CatalogItemOutputSerializer,
            **error_responses(*WRITE_ERRORS, errors.NOT_FOUND),
        },
    )
    def patch(self, request, item: CatalogItem):
        serializer = self.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        item = catalog_item_update(
            item=item, changes=dict(serializer.validated_data), actor=request.user
        )
        return Response(_item_body(catalog_item_get(item_id=item.pk)))


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
        voucher = catalog_claim(
            resident=request.user,
            item=catalog_item_claimable(item_id=item_id),
            idempotency_key=account_names.claim_key(
                resident_id=request.user.pk, request_key=request.headers.get(HEADER)
            ),
        )
        return Response(voucher_body(voucher), status=status.HTTP_201_CREATED)
