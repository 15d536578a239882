"""What the wallet page reads: one resident's points, vouchers, catalog and check-ins."""

from django.db.models import Q

from checkins.models import CheckIn
from checkins.selectors import checkins_of_resident
from rewards.catalog.selectors import catalog_item_list_active, catalog_items_with_stock_left
from rewards.models import CatalogItem, Voucher
from rewards.vouchers.selectors import voucher_list_of, vouchers_with_shown_status
from rewards.wallet.selectors import points_balance, wallet_statement

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


def resident_wallet(*, resident) -> dict:
    """Everything the wallet page shows, each part in one query or two."""
    vouchers = voucher_list_of(resident=resident).select_related("venue", "council")
    return {
        "balance": points_balance(resident),
        "statement": list(wallet_statement(resident=resident)[:STATEMENT_LINES]),
        "vouchers": vouchers_with_shown_status(list(vouchers[:VOUCHERS_SHOWN])),
        "catalog": resident_catalog(resident=resident),
        "checkins": list(checkins_of_resident(resident=resident)[:CHECKINS_SHOWN]),
    }
