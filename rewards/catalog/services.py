"""The catalog: things residents buy with points, each claim issuing a voucher.

An item's stock is the limit of its ledger account ``catalog:<item id>:stock`` (VOUCHER,
``min_balance=-stock``; none when unlimited): a claim moves one unit out of it, so the database
refuses the claim past the last unit however many arrive at once. A claim spends the points and
issues the voucher in one transaction: either both happen or neither does.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from backend.errors import INVALID, NOT_FOUND, ApplicationError
from backend.idempotency import IDEMPOTENCY_KEY_REUSED
from backend.updates import model_update, refuse_unknown_fields
from rewards import account_names, error_codes
from rewards.bounds import CATALOG_MAXIMA, over_maxima_errors
from rewards.ledger.memos import memo
from rewards.ledger.models import Asset, LedgerAccount
from rewards.ledger.services import (
    IdempotencyConflict,
    InsufficientBalance,
    account_cap_set,
    account_get_or_create,
    account_lock,
    cap_minimum,
)
from rewards.models import CatalogItem, Voucher
from rewards.schemes.services import council_scheme_ensure
from rewards.vouchers.services import voucher_issue
from rewards.wallet.services import points_debit, sink_account
from venues.activity.sentences import said
from venues.activity.services import activity_record, changed_fields_text

UPDATABLE_FIELDS = frozenset(
    {"title", "title_cy", "cost_points", "stock", "valid_days", "is_active"}
)


def stock_account(item: CatalogItem) -> LedgerAccount:
    return account_get_or_create(
        name=account_names.catalog_stock(item.pk),
        asset=Asset.VOUCHER,
        min_balance=cap_minimum(item.stock),
    )


def _venue_errors(council, venue) -> dict[str, list[str]]:
    if venue is not None and venue.council_id != council.pk:
        return {"venue": [_("The venue is not in that council.")]}
    return {}


def _stock_errors(account: LedgerAccount, new_stock: int | None) -> dict[str, list[str]]:
    if new_stock is not None and new_stock < account.paid_out:
        return {
            "stock": [
                ngettext(
                    "%(count)d has already been claimed: the stock cannot be lower.",
                    "%(count)d have already been claimed: the stock cannot be lower.",
                    account.paid_out,
                )
                % {"count": account.paid_out}
            ]
        }
    return {}


def _maxima_errors(item: CatalogItem) -> dict[str, list[str]]:
    return over_maxima_errors(item, CATALOG_MAXIMA)


def _counts(item: CatalogItem) -> dict:
    return {field: getattr(item, field) for field in CATALOG_MAXIMA}


def catalog_item_create_errors(*, council, venue) -> dict[str, list[str]]:
    """What `catalog_item_create` would refuse (no database write): the back office's form
    asks first, so a refusal is shown beside its field."""
    return _venue_errors(council, venue)


def catalog_item_update_errors(*, item: CatalogItem, changes: dict) -> dict[str, list[str]]:
    """What `catalog_item_update` would refuse in ``changes``, read without its lock (the
    service asks again under the lock and has the last word)."""
    refuse_unknown_fields(data=changes, allowed=UPDATABLE_FIELDS)
    if "stock" not in changes:
        return {}
    return _stock_errors(stock_account(item), changes["stock"])


def catalog_item_create(
    *,
    council,
    venue=None,
    title: str,
    title_cy: str = "",
    cost_points: int,
    stock: int | None = None,
    valid_days: int | None = None,
    is_active: bool = True,
    actor=None,
) -> CatalogItem:
    """A new item of ``council`` (of ``venue`` when given: then the venue's council) and its
    stock account."""
    problems = _venue_errors(council, venue)
    if problems:
        raise ApplicationError(INVALID, _("The venue is not in that council."), fields=problems)
    item = CatalogItem(
        council=council,
        venue=venue,
        title=title,
        title_cy=title_cy,
        cost_points=cost_points,
        stock=stock,
        valid_days=valid_days,
        is_active=is_active,
    )
    problems = _maxima_errors(item)
    if problems:
        raise ApplicationError(INVALID, _("Some fields are invalid."), fields=problems)
    with transaction.atomic():
        item.save()
        stock_account(item)
        activity_record(
            actor=actor,
            action="catalog_item.created",
            obj=item,
            summary=said(
                gettext_noop("Catalog item '%(title)s' (%(points)s points) created."),
                title=item.title,
                points=item.cost_points,
            ),
        )
    return item


def catalog_item_update(*, item: CatalogItem, changes: dict, actor=None) -> CatalogItem:
    """Apply ``changes`` (of `UPDATABLE_FIELDS`). A new stock moves the stock account's limit
    under its row lock; a stock below what was already claimed is refused."""
    refuse_unknown_fields(data=changes, allowed=UPDATABLE_FIELDS)
    with transaction.atomic():
        item = CatalogItem.objects.select_for_update().get(pk=item.pk)
        problems = _maxima_errors(CatalogItem(**{**_counts(item), **changes}))
        if problems:
            raise ApplicationError(INVALID, _("Some fields are invalid."), fields=problems)
        if "stock" in changes:
            account = account_lock(stock_account(item))
            problems = _stock_errors(account, changes["stock"])
            if problems:
                raise ApplicationError(INVALID, problems["stock"][0], fields=problems)
            account_cap_set(account=account, cap=changes["stock"])
        item, changed = model_update(instance=item, fields=UPDATABLE_FIELDS, data=changes)
        if changed:
            activity_record(
                actor=actor,
                action="catalog_item.changed",
                obj=item,
                summary=said(
                    gettext_noop("Catalog item '%(title)s': changed %(fields)s."),
                    title=item.title,
                    fields=changed_fields_text(changed),
                ),
            )
    return item


def catalog_claim(*, resident, item: CatalogItem, idempotency_key: str) -> Voucher:
    """Spend ``item.cost_points`` of the resident's points in the scheme of the item's council and
    issue the item's voucher, in one transaction. Too few points there (whatever they hold in
    other schemes): 400 ``insufficient_points``; no stock left: 409
    ``out_of_stock``; either way nothing is spent. An inactive item is 404 (it is not listed)."""
    if not item.is_active:
        raise ApplicationError(NOT_FOUND, _("This item is not in the catalog."))
    stock = stock_account(item)
    # Only points of the scheme of the item's council buy it: that council pays for it.
    scheme = council_scheme_ensure(council=item.council)
    try:
        with transaction.atomic():
            points_debit(
                resident=resident,
                scheme_id=scheme.pk,
                amount=item.cost_points,
                sink=sink_account(account_names.SPENT_POINTS),
                idempotency_key=account_names.claim_points_key(idempotency_key),
                memo=memo("claimed", title=item.title),
                reference=account_names.catalog_reference(item.pk),
            )
            return voucher_issue(
                resident=resident,
                title=item.title,
                title_cy=item.title_cy,
                council=item.council,
                venue=item.venue,
                source_account=stock,
                catalog_item=item,
                valid_days=item.valid_days,
                idempotency_key=account_names.claim_voucher_key(idempotency_key),
                reference=account_names.catalog_reference(item.pk),
            )
    except IdempotencyConflict as exc:
        raise ApplicationError(
            IDEMPOTENCY_KEY_REUSED, _("This claim's key was already used for another claim.")
        ) from exc
    except InsufficientBalance as exc:
        if exc.account.pk == stock.pk:
            raise ApplicationError(
                error_codes.OUT_OF_STOCK, _("This item is out of stock.")
            ) from exc
        raise ApplicationError(
            error_codes.INSUFFICIENT_POINTS,
            ngettext(
                "You need %(points)d point for this item.",
                "You need %(points)d points for this item.",
                item.cost_points,
            )
            % {"points": item.cost_points},
        ) from exc
