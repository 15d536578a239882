"""Checks that the rewards rows agree with the ledger beneath them.

The ledger's own audit (`rewards.ledger.audit`) knows nothing of lots or vouchers; these are
the invariants that tie them to it. Each check is a few aggregate queries, whatever the number
of residents or vouchers.
"""

import uuid
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, F, Sum, Value, When

from rewards import account_names
from rewards.ledger.models import Asset, Entry, LedgerAccount
from rewards.models import Offer, Voucher, VoucherStatus
from rewards.schemes.models import PointsLot, Wallet

HELD_PREFIX = account_names.HELD_VOUCHERS_PREFIX


def _resident_id(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _existing_residents(ids) -> set[str]:
    return {
        str(pk) for pk in get_user_model().objects.filter(pk__in=ids).values_list("pk", flat=True)
    }


def _wallet_breaches() -> list[str]:
    """Every wallet's balance equals what its lots hold, and its lots are its resident's."""
    lots = dict(
        PointsLot.objects.values("wallet_id")
        .annotate(remaining=Sum("remaining"))
        .values_list("wallet_id", "remaining")
    )
    breaches = [
        f"wallet {name}: balance {credits - debits} but its lots hold {lots.get(pk, 0)}"
        for pk, name, credits, debits in Wallet.objects.order_by("account_id").values_list(
            "account_id", "account__name", "account__credits_posted", "account__debits_posted"
        )
        if credits - debits != lots.get(pk, 0)
    ]
    strays = PointsLot.objects.exclude(resident_id=F("wallet__resident_id")).values_list(
        "pk", flat=True
    )
    breaches += [f"points lot {pk} is not in its resident's wallet" for pk in strays]
    return breaches


def _held_name(resident_id, offer_id, catalog_item_id) -> str:
    source = account_names.voucher_source(offer_id=offer_id, catalog_item_id=catalog_item_id)
    return account_names.held_vouchers(resident_id, source)


def _held_breaches() -> list[str]:
    """Each voucher account holds exactly the resident's issued vouchers from that source."""
    held = {
        name: credits - debits
        for name, credits, debits in LedgerAccount.objects.filter(
            name__startswith=HELD_PREFIX, asset=Asset.VOUCHER
        ).values_list("name", "credits_posted", "debits_posted")
    }
    issued: dict[str, int] = defaultdict(int)
    for resident_id, offer_id, catalog_item_id, count in (
        Voucher.objects.filter(status=VoucherStatus.ISSUED)
        .values("resident_id", "offer_id", "catalog_item_id")
        .annotate(count=Count("id"))
        .values_list("resident_id", "offer_id", "catalog_item_id", "count")
    ):
        issued[_held_name(resident_id, offer_id, catalog_item_id)] += count
    owners = {name.split(":")[1] for name in held if name.count(":") >= 2}
    residents = _existing_residents(filter(None, map(_resident_id, owners)))
    names = {name for name in held if name.split(":")[1] in residents} | set(issued)
    return [
        f"voucher account {name}: holds {held.get(name, 0)} but {issued.get(name, 0)} "
        "vouchers from it are issued"
        for name in sorted(names)
        if held.get(name, 0) != issued.get(name, 0)
    ]


def _issue_breaches() -> list[str]:
    """Every voucher's issue transaction moved one unit into that resident's voucher account."""
    credited = defaultdict(set)
    for transaction_id, name in Entry.objects.filter(
        transaction__issued_voucher__isnull=False, asset=Asset.VOUCHER, amount=1
    ).values_list("transaction_id", "account__name"):
        credited[transaction_id].add(name)
    return [
        f"voucher {voucher_id}: its issue transaction {transaction_id} did not credit {name}"
        for voucher_id, transaction_id, name in (
            (voucher_id, transaction_id, _held_name(resident_id, offer_id, catalog_item_id))
            for voucher_id, transaction_id, resident_id, offer_id, catalog_item_id in (
                Voucher.objects.order_by("pk").values_list(
                    "pk", "issue_transaction_id", "resident_id", "offer_id", "catalog_item_id"
                )
            )
        )
        if name not in credited[transaction_id]
    ]


def _scheme_breaches() -> list[str]:
    """No points outside a resident's wallets, none left in a merged scheme, and every offer
    paying from a pool of what it gives."""
    orphans = (
        LedgerAccount.objects.filter(
            name__startswith=account_names.WALLET_PREFIX,
            asset=Asset.POINTS,
            points_wallet__isnull=True,
        )
        .exclude(credits_posted=F("debits_posted"))
        .values_list("name", flat=True)
    )
    # Only names of resident wallets (``wallet:<user id>...``): the ledger is generic and
    # other names are not ours.
    breaches = [
        f"account {name} holds points but is nobody's wallet"
        for name in orphans
        if _resident_id(name.removeprefix(account_names.WALLET_PREFIX).split(":")[0])
    ]
    stranded = Wallet.objects.filter(scheme__merged_into__isnull=False).exclude(
        account__credits_posted=F("account__debits_posted")
    )
    breaches += [
        f"wallet {name} holds points in a merged scheme: the hourly settle_points_schemes "
        "job moves them"
        for name in stranded.values_list("account__name", flat=True)
    ]
    mismatched = Offer.objects.exclude(
        pool__asset=Case(
            When(voucher_title="", then=Value(Asset.POINTS)), default=Value(Asset.VOUCHER)
        )
    )
    breaches += [
        f"offer {pk} pays from a pool of the other asset"
        for pk in mismatched.values_list("pk", flat=True)
    ]
    return breaches


def rewards_breaches() -> list[str]:
    """Human-readable descriptions of every disagreement between the rewards rows and the
    ledger; empty when they agree."""
    return _wallet_breaches() + _held_breaches() + _issue_breaches() + _scheme_breaches()
