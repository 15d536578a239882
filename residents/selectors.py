"""What the wallet page reads: one resident's points, vouchers, catalog and check-ins."""

from django.db.models import Q

from checkins.models import CheckIn
from checkins.selectors import checkins_of_resident
from rewards.catalog.selectors import catalog_item_list_active, catalog_items_with_stock_left
from rewards.models import CatalogItem, Voucher
from rewards.schemes.selectors import points_balances, scheme_public_id_of_loaded
from rewards.vouchers.selectors import voucher_list_of, vouchers_with_shown_status
from rewards.wallet.selectors import wallet_statement

STATEMENT_LINES = 10
VOUCHERS_SHOWN = 20
CHECKINS_SHOWN = 5


def resident_council_ids(*, resident) -> set:
    """The councils a resident has a link with: where they checked in or hold a voucher."""
    visited = CheckIn.objects.filter(resident=resident).values_list("venue__council_id", flat=True)
    held = Voucher.objects.filter(resident=resident).values_list("council_id", flat=True)
    return set(visited.distinct()) | set(held.distinct())


def resident_catalog(*, resident) -> list[CatalogItem]:
    """The active catalog items of the resident's councils, cheapest first, with stock left."""
    councils = resident_council_ids(resident=resident)
    items = (
        catalog_item_list_active()
        .filter(council_id__in=councils)
        .filter(Q(venue__isnull=True) | Q(venue__is_active=True))
        .select_related("venue")
        .order_by("cost_points", "title", "id")
    )
    return catalog_items_with_stock_left(items)


def _councils_named(balance: dict) -> str:
    return ", ".join(council["name"] for council in balance["councils"])


def resident_wallet(*, resident) -> dict:
    """Everything the wallet page shows, each part in one query or two.

    Points are per scheme: each balance says where it can be spent, and each catalog item
    carries ``points_missing``, what the resident lacks in the scheme of the item's council.
    """
    vouchers = voucher_list_of(resident=resident).select_related("venue", "council")
    balances = [
        {**balance, "spent_at": _councils_named(balance)}
        for balance in points_balances(resident)
        if balance["points"] or balance["councils"]
    ]
    by_scheme = {balance["scheme"]: balance for balance in balances}
    catalog = resident_catalog(resident=resident)
    for item in catalog:
        balance = by_scheme.get(scheme_public_id_of_loaded(item.council))
        item.points_missing = max(item.cost_points - (balance["points"] if balance else 0), 0)
        item.points_from = balance["spent_at"] if balance else item.council.name
    return {
        "balance": sum(balance["points"] for balance in balances),
        "balances": balances,
        "statement": list(wallet_statement(resident=resident)[:STATEMENT_LINES]),
        "vouchers": vouchers_with_shown_status(list(vouchers[:VOUCHERS_SHOWN])),
        "catalog": catalog,
        "checkins": list(checkins_of_resident(resident=resident)[:CHECKINS_SHOWN]),
    }
