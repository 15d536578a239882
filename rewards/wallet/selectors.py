"""Reading a resident's points: the balance and the statement."""

from uuid import UUID

from django.db.models import F, QuerySet, Sum, Window

from rewards.ledger.models import Entry
from rewards.schemes.models import Wallet
from rewards.schemes.selectors import points_balance

__all__ = ["points_balance", "wallet_statement", "wallet_statement_export"]


def wallet_statement(
    *, resident, scheme_id: int | None = None, scheme_public_id: UUID | None = None
) -> QuerySet[Entry]:
    """The entries of the resident's wallets (of one scheme's when ``scheme_id``, or the API's
    ``scheme_public_id``, is given), newest first, each with its transaction, ``scheme_id``,
    ``scheme_public_id`` and ``balance_after``.

    ``balance_after`` is a window sum over each wallet's entries in id order (the order they
    were posted in), computed before any LIMIT/OFFSET, so every page of the statement shows the
    true running balance of that scheme's wallet. One query per page, whatever its size.
    """
    wallets = Wallet.objects.filter(resident=resident)
    if scheme_id is not None:
        wallets = wallets.filter(scheme_id=scheme_id)
    if scheme_public_id is not None:
        wallets = wallets.filter(scheme__public_id=scheme_public_id)
    return (
        Entry.objects.filter(account_id__in=wallets.values("account_id"))
        .select_related("transaction")
        .annotate(
            scheme_id=F("account__points_wallet__scheme_id"),
            scheme_public_id=F("account__points_wallet__scheme__public_id"),
            balance_after=Window(
                Sum("amount"), partition_by=F("account_id"), order_by=F("id").asc()
            ),
        )
        .order_by("-id")
    )


def wallet_statement_export(resident) -> list[dict]:
    """The statement for the personal data export, oldest first."""
    return [
        {
            "id": str(entry.transaction_id),
            "created_at": entry.transaction.created_at,
            "kind": entry.transaction.kind,
            "scheme": entry.scheme_public_id,  # type: ignore[attr-defined]  # annotated
            "amount": entry.amount,
            "balance_after": entry.balance_after,  # type: ignore[attr-defined]  # annotated
            "memo": entry.transaction.memo,
        }
        for entry in reversed(wallet_statement(resident=resident))
    ]
