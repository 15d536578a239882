"""A resident's vouchers and their QR codes, and redemption at the desk by venue staff."""

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from backend import errors
from backend.idempotency import IDEMPOTENCY_KEY_REUSED, idempotent
from backend.openapi import IDEMPOTENCY_KEY_PARAMETER, error_responses
from backend.pagination import PaginatedListApi
from rewards import error_codes
from rewards.fields import VenueField
from rewards.models import Voucher
from rewards.vouchers.qr import voucher_qr_png
from rewards.vouchers.redemption import voucher_redeem, voucher_redeem_undo
from rewards.vouchers.selectors import voucher_list_of, voucher_owned_get
from rewards.vouchers.serializers import VoucherOutputSerializer, voucher_body
from venues.scoping import ScopedApi


# URL has ``<uuid:voucher_id>``; the handler gets ``voucher``, which the caller holds: someone
# else's voucher is 404, as if it did not exist. (No docstring: the schema would show it.)
class OwnVoucherScopedApi(ScopedApi):
    permission_classes = [IsAuthenticated]

    def requires_authentication(self, method: str) -> bool:
        return True

    def convert_kwargs(self, request, kwargs) -> None:
        voucher = voucher_owned_get(voucher_id=kwargs.pop("voucher_id"), resident=request.user)
        if voucher is None:
            raise Http404
        kwargs["voucher"] = voucher


class MyVoucherListApi(PaginatedListApi):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_vouchers_list",
        description="The caller's vouchers, newest first.",
        responses={
            200: VoucherOutputSerializer(many=True),
            **error_responses(errors.NOT_AUTHENTICATED),
        },
    )
    def get(self, request):
        return self.paginated(voucher_list_of(resident=request.user), VoucherOutputSerializer)


class VoucherQrApi(OwnVoucherScopedApi):
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
    def get(self, request, voucher: Voucher):
        response = HttpResponse(voucher_qr_png(voucher.code), content_type="image/png")
        response["Cache-Control"] = "private, no-cache"
        return response


class VoucherRedeemApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=40)
        venue = VenueField(
            required=False,
            allow_null=True,
            default=None,
            help_text="Where it is redeemed, for staff of several venues of the council.",
        )

    @extend_schema(
        operation_id="vouchers_redeem",
        description=(
            "Redeem a voucher by its code (as typed or scanned) at the caller's venue. With an "
            "`Idempotency-Key`, a retry (a double tap, a lost answer) replays the first 200 "
            "rather than answering `already_redeemed`."
        ),
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=InputSerializer,
        responses={
            200: VoucherOutputSerializer,
            **error_responses(
                errors.INVALID,
                errors.NOT_AUTHENTICATED,
                errors.PERMISSION_DENIED,
                error_codes.OWN_VOUCHER,
                errors.NOT_FOUND,
                error_codes.ALREADY_REDEEMED,
                IDEMPOTENCY_KEY_REUSED,
                error_codes.VOUCHER_EXPIRED,
            ),
        },
    )
    @idempotent
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        voucher = voucher_redeem(
            code=serializer.validated_data["code"],
            staff=request.user,
            venue=serializer.validated_data["venue"],
        )
        return Response(voucher_body(voucher))


class VoucherUndoRedeemApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="vouchers_undo_redeem",
        description=(
            "Undo a desk redemption (the wrong code rung up): within REDEEM_UNDO_MINUTES, by the "
            "person who redeemed it or a manager of the venue. The voucher is issued again."
        ),
        request=None,
        responses={
            200: VoucherOutputSerializer,
            **error_responses(
                errors.NOT_AUTHENTICATED,
                errors.PERMISSION_DENIED,
                errors.NOT_FOUND,
                error_codes.NOT_REDEEMED,
                error_codes.UNDO_TOO_LATE,
            ),
        },
    )
    def post(self, request, voucher_id):
        voucher = Voucher.objects.filter(pk=voucher_id).first()
        if voucher is None:
            raise Http404
        return Response(voucher_body(voucher_redeem_undo(voucher=voucher, by=request.user)))
