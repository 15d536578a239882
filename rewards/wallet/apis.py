"""The caller's points statement over HTTP (``/me/ledger/``), and a child's whole wallet for
their parent (``/me/children/{id}/wallet/``)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import profile
from accounts.apis import SchemeBalanceSerializer
from accounts.children.selectors import child_of
from backend import errors
from backend.openapi import error_responses
from backend.pagination import PaginatedListApi
from rewards.ledger.models import TransactionKind
from rewards.vouchers.selectors import voucher_list_of
from rewards.vouchers.serializers import VoucherOutputSerializer
from rewards.wallet.selectors import wallet_statement

# A child's wallet answers in one piece; its lists are the newest this many.
CHILD_WALLET_LATEST = 50


class LedgerStatementApi(PaginatedListApi):
    """The caller's points statement, newest first: every scheme's, or one scheme's
    (``?scheme=``)."""

    class FilterSerializer(serializers.Serializer):
        scheme = serializers.UUIDField(
            required=False,
            help_text="Only this scheme's wallet (`balances[].scheme` of `/me/`).",
        )

    class OutputSerializer(serializers.Serializer):
        id = serializers.UUIDField(source="transaction_id", help_text="The transaction's id.")
        created_at = serializers.DateTimeField(source="transaction.created_at")
        kind = serializers.ChoiceField(choices=TransactionKind.choices, source="transaction.kind")
        scheme = serializers.UUIDField(
            source="scheme_public_id", help_text="The points scheme whose wallet the entry is in."
        )
        amount = serializers.IntegerField(help_text="Points in (+) or out (-) of the wallet.")
        balance_after = serializers.IntegerField(help_text="That scheme's wallet balance after it.")
        memo = serializers.CharField(
            source="transaction.memo_shown",
            help_text="What the entry was for, in the reader's language (`Accept-Language`).",
        )

    @extend_schema(
        operation_id="me_ledger_list",
        parameters=[FilterSerializer],
        responses={
            200: OutputSerializer(many=True),
            **error_responses(errors.INVALID, errors.NOT_AUTHENTICATED),
        },
    )
    def get(self, request):
        if request.query_params.get("scheme") == "":  # a form would read it as absent
            raise ValidationError({"scheme": [_("Must be a points scheme's id.")]})
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        statement = wallet_statement(
            resident=request.user, scheme_public_id=filters.validated_data.get("scheme")
        )
        return self.paginated(statement, self.OutputSerializer)


class ChildWalletApi(APIView):
    """One of the caller's children's own wallet: the child's points in each scheme, the
    child's vouchers and the latest of the child's statement (newest first, up to 50 of each;
    they are the child's, never the parent's)."""

    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        child = serializers.UUIDField(source="child_id")
        first_name = serializers.CharField()
        points_balance = serializers.IntegerField(help_text="The sum of `balances`.")
        balances = SchemeBalanceSerializer(many=True)
        vouchers = VoucherOutputSerializer(many=True)
        statement = LedgerStatementApi.OutputSerializer(many=True)

    @extend_schema(
        operation_id="me_children_wallet",
        responses={
            200: OutputSerializer,
            **error_responses(errors.NOT_AUTHENTICATED, errors.NOT_FOUND),
        },
    )
    def get(self, request, child_id):
        child = child_of(parent=request.user, child_id=child_id)
        balances = profile.points_balances(child)
        wallet = {
            "child_id": child.pk,
            "first_name": child.display_name,
            "points_balance": sum(balance["points"] for balance in balances),
            "balances": balances,
            "vouchers": voucher_list_of(resident=child)[:CHILD_WALLET_LATEST],
            "statement": wallet_statement(resident=child)[:CHILD_WALLET_LATEST],
        }
        return Response(self.OutputSerializer(wallet).data)
