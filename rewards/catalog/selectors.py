"""Reading the catalog: the items listed, one item, and the stock each has left."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from backend.errors import NOT_FOUND, ApplicationError
from rewards import account_names
from rewards.ledger.models import Asset, LedgerAccount
from rewards.models import CatalogItem


def catalog_item_list_active() -> QuerySet[CatalogItem]:
    return CatalogItem.objects.filter(is_active=True).select_related(
        "council__points_scheme__scheme"
    )


def catalog_item_get(*, item_id) -> CatalogItem | None:
    """The item with its council and venue (to check who may manage it), or None."""
    return (
        CatalogItem.objects.select_related("council__points_scheme__scheme", "venue")
        .filter(pk=item_id)
        .first()
    )


def catalog_item_claimable(*, item_id) -> CatalogItem:
    """The active item, or 404: an inactive item is not in the catalog."""
    item = (
        CatalogItem.objects.select_related("council", "venue")
        .filter(pk=item_id, is_active=True)
        .first()
    )
    if item is None:
        raise ApplicationError(NOT_FOUND, _("This item is not in the catalog."))
    return item


def catalog_stock_left(items: list[CatalogItem]) -> dict:
    """``{item id: units left, or None when unlimited}`` for ``items``, in one query."""
    accounts = {
        account.name: account
        for account in LedgerAccount.objects.filter(
            asset=Asset.VOUCHER,
            name__in=[account_names.catalog_stock(item.pk) for item in items],
        )
    }
    left: dict = {}
    for item in items:
        account = accounts.get(account_names.catalog_stock(item.pk))
        if item.stock is None:
            left[item.pk] = None
        elif account is None or account.min_balance is None:
            left[item.pk] = item.stock
        else:
            left[item.pk] = account.left_under_minimum
    return left


def catalog_items_with_stock_left(items) -> list[CatalogItem]:
    """``items`` (a page, or one) with ``stock_left`` set on each, in one query."""
    items = list(items)
    left = catalog_stock_left(items)
    for item in items:
        item.stock_left = left[item.pk]
    return items
