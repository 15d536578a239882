"""The catalog: things residents buy with points, each claim issuing a voucher.

An item's stock is the limit of its ledger account ``catalog:<item id>:stock`` (VOUCHER,
``min_balance=-stock``; none when unlimited): a claim moves one unit out of it, so the database
refuses the claim past the last unit however many arrive at once. A claim spends the points and
issues the voucher in one transaction: either both happen or neither does.
"""

import hashlib
import uuid

from django.db import transaction

from backend.errors import INVALID, NOT_FOUND, ApplicationError
from rewards import error_codes
from rewards.ledger.models import Asset, LedgerAccount
from rewards.ledger.services import InsufficientBalance, account_get_or_create
from rewards.models import CatalogItem, Voucher
from rewards.vouchers import voucher_issue
from rewards.wallet import SPENT_POINTS, points_debit, sink_account

UPDATABLE_FIELDS = frozenset({"title", "cost_points", "stock", "valid_days", "is_active"})


def stock_account_name(item: CatalogItem) -> str:
    return f"catalog:{item.pk}:stock"


def stock_limit(stock: int | None) -> int | None:
    return None if stock is None else -stock


def stock_account(item: CatalogItem) -> LedgerAccount:
    return account_get_or_create(
        name=stock_account_name(item), asset=Asset.VOUCHER, min_balance=stock_limit(item.stock)
    )


def catalog_stock_left(items: list[CatalogItem]) -> dict:
    """``{item id: units left, or None when unlimited}`` for ``items``, in one query."""
    accounts = {
        account.name: account
        for account in LedgerAccount.objects.filter(
            asset=Asset.VOUCHER, name__in=[stock_account_name(item) for item in items]
        )
    }
    left = {}
    for item in items:
        account = accounts.get(stock_account_name(item))
        if item.stock is None:
            left[item.pk] = None
        elif account is None or account.min_balance is None:
            left[item.pk] = item.stock
        else:
            left[item.pk] = max(account.balance - account.min_balance, 0)
    return left


def catalog_item_create(
    *,
    council,
    venue=None,
    title: str,
    cost_points: int,
    stock: int | None = None,
    valid_days: int | None = None,
    is_active: bool = True,
) -> CatalogItem:
    """A new item of ``council`` (of ``venue`` when given: then the venue's council) and its
    stock account."""
    if venue is not None and venue.council_id != council.pk:
        raise ApplicationError(
            INVALID,
            "The venue is not in that council.",
            fields={"venue": ["The venue is not in that council."]},
        )
    with transaction.atomic():
        item = CatalogItem.objects.create(
            council=council,
            venue=venue,
            title=title,
            cost_points=cost_points,
            stock=stock,
            valid_days=valid_days,
            is_active=is_active,
        )
        stock_account(item)
    return item


def catalog_item_update(*, item: CatalogItem, changes: dict) -> CatalogItem:
    """Apply ``changes`` (of `UPDATABLE_FIELDS`). A new stock moves the stock account's limit
    under its row lock; a stock below what was already claimed is refused."""
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise ValueError(f"Catalog items cannot change {sorted(unknown)}.")
    with transaction.atomic():
        item = CatalogItem.objects.select_for_update().get(pk=item.pk)
        if "stock" in changes:
            account = LedgerAccount.objects.select_for_update().get(pk=stock_account(item).pk)
            claimed = account.debits_posted - account.credits_posted
            new_stock = changes["stock"]
            if new_stock is not None and new_stock < claimed:
                message = f"{claimed} have already been claimed: the stock cannot be lower."
                raise ApplicationError(INVALID, message, fields={"stock": [message]})
            account.min_balance = stock_limit(new_stock)
            account.save(update_fields=["min_balance"])
        for field, value in changes.items():
            setattr(item, field, value)
        if changes:
            item.save(update_fields=list(changes))
    return item


def claim_key(*, resident, request_key: str | None) -> str:
    """The ledger key of a claim: the request's Idempotency-Key scoped to the resident (keys
    are only unique per user), hashed to a fixed length; a fresh one without a header."""
    if not request_key:
        return uuid.uuid4().hex
    return hashlib.sha256(f"{resident.pk}:{request_key}".encode()).hexdigest()[:40]


def catalog_claim(*, resident, item: CatalogItem, idempotency_key: str) -> Voucher:
    """Spend ``item.cost_points`` of the resident's points and issue the item's voucher, in one
    transaction. Too few points: 400 ``insufficient_points``; no stock left: 409
    ``out_of_stock``; either way nothing is spent. An inactive item is 404 (it is not listed)."""
    if not item.is_active:
        raise ApplicationError(NOT_FOUND, "This item is not in the catalog.")
    stock = stock_account(item)
    try:
        with transaction.atomic():
            points_debit(
                resident=resident,
                amount=item.cost_points,
                sink=sink_account(SPENT_POINTS),
                idempotency_key=f"claim:{idempotency_key}:points",
                memo=f"Claimed: {item.title}",
                reference=f"catalog:{item.pk}",
            )
            return voucher_issue(
                resident=resident,
                title=item.title,
                council=item.council,
                venue=item.venue,
                source_account=stock,
                catalog_item=item,
                valid_days=item.valid_days,
                idempotency_key=f"claim:{idempotency_key}:voucher",
                reference=f"catalog:{item.pk}",
            )
    except InsufficientBalance as exc:
        if exc.account.pk == stock.pk:
            raise ApplicationError(error_codes.OUT_OF_STOCK, "This item is out of stock.") from exc
        raise ApplicationError(
            error_codes.INSUFFICIENT_POINTS,
            f"You need {item.cost_points} points for this item.",
        ) from exc
