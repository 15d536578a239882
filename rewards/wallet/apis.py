"""The caller's points statement over HTTP (``/me/ledger/``)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from backend import errors
from backend.openapi import error_responses
from backend.pagination import PaginatedListApi
from rewards.ledger.models import TransactionKind
from rewards.wallet.selectors import wallet_statement


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
        memo = serializers.CharField(source="transaction.memo")

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
