"""The caller's points statement over HTTP (``/me/ledger/``)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from backend import errors
from backend.openapi import error_responses
from backend.pagination import PaginatedListApi
from rewards.ledger.models import TransactionKind
from rewards.wallet.selectors import wallet_statement


class LedgerStatementApi(PaginatedListApi):
    """The caller's points statement, newest first."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.UUIDField(source="transaction_id", help_text="The transaction's id.")
        created_at = serializers.DateTimeField(source="transaction.created_at")
        kind = serializers.ChoiceField(choices=TransactionKind.choices, source="transaction.kind")
        amount = serializers.IntegerField(help_text="Points in (+) or out (-) of the wallet.")
        balance_after = serializers.IntegerField(help_text="The wallet's balance after it.")
        memo = serializers.CharField(source="transaction.memo")

    @extend_schema(
        operation_id="me_ledger_list",
        responses={
            200: OutputSerializer(many=True),
            **error_responses(errors.NOT_AUTHENTICATED),
        },
    )
    def get(self, request):
        return self.paginated(wallet_statement(resident=request.user), self.OutputSerializer)
