"""Reading a resident's points: the balance and the statement."""

from django.db.models import F, QuerySet, Sum, Window

from rewards import account_names
from rewards.ledger.models import Asset, Entry, LedgerAccount


def points_balance(resident) -> int:
    """The wallet's balance from its account row (0 before the first point): one query."""
    row = (
        LedgerAccount.objects.filter(name=account_names.wallet(resident.pk), asset=Asset.POINTS)
        .values_list("credits_posted", "debits_posted")
        .first()
    )
    return row[0] - row[1] if row else 0


def wallet_statement(*, resident) -> QuerySet[Entry]:
    """The wallet's entries, newest first, each with its transaction and ``balance_after``.

    ``balance_after`` is a window sum over all of the wallet's entries in id order (the order
    they were posted in), computed before any LIMIT/OFFSET, so every page of the statement
    shows the true running balance. One query per page, whatever its size.
    """
    return (
        Entry.objects.filter(
            account__name=account_names.wallet(resident.pk), account__asset=Asset.POINTS
        )
        .select_related("transaction")
        .annotate(balance_after=Window(Sum("amount"), order_by=F("id").asc()))
        .order_by("-id")
    )


def wallet_statement_export(resident) -> list[dict]:
    """The statement for the personal data export, oldest first."""
    return [
        {
            "id": str(entry.transaction_id),
            "created_at": entry.transaction.created_at.isoformat(),
            "kind": entry.transaction.kind,
            "amount": entry.amount,
            "balance_after": entry.balance_after,
            "memo": entry.transaction.memo,
        }
        for entry in reversed(wallet_statement(resident=resident))
    ]
