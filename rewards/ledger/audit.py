"""Checks of every invariant of the ledger, by recomputing from the entries."""

from django.db.models import Count, F, Q, Sum

from rewards.ledger.models import Entry, LedgerAccount, LedgerTransaction


def ledger_breaches() -> list[str]:
    """Human-readable descriptions of every broken invariant; empty when the ledger is sound."""
    breaches = []
    unbalanced = (
        Entry.objects.values("transaction_id", "asset")
        .annotate(total=Sum("amount"))
        .exclude(total=0)
        .order_by("transaction_id")
    )
    breaches += [
        f"transaction {row['transaction_id']}: {row['asset']} entries sum to {row['total']}, not 0"
        for row in unbalanced
    ]
    empty = LedgerTransaction.objects.annotate(legs=Count("entries")).filter(legs=0)
    breaches += [f"transaction {txn.pk} ({txn.idempotency_key}) has no entries" for txn in empty]
    mismatched_assets = Entry.objects.exclude(asset=F("account__asset")).values_list(
        "pk", "asset", "account__name"
    )
    breaches += [
        f"entry {pk} is in {asset} but its account {name} is not"
        for pk, asset, name in mismatched_assets
    ]
    accounts = LedgerAccount.objects.annotate(
        entry_credits=Sum("entries__amount", filter=Q(entries__amount__gt=0), default=0),
        entry_debits=Sum("entries__amount", filter=Q(entries__amount__lt=0), default=0),
    ).order_by("pk")
    for account in accounts:
        if (account.credits_posted, account.debits_posted) != (
            account.entry_credits,
            -account.entry_debits,
        ):
            breaches.append(
                f"account {account.name}: posted credits/debits {account.credits_posted}/"
                f"{account.debits_posted} but its entries say {account.entry_credits}/"
                f"{-account.entry_debits}"
            )
        if account.falls_under_minimum():
            breaches.append(
                f"account {account.name}: balance {account.balance} is under its minimum "
                f"{account.min_balance}"
            )
    return breaches
