"""Vouchers: issuing them against the ledger, the status table they move by, and expiry.

A voucher is one unit of the VOUCHER asset: issuing moves it from its source (an offer's pool,
whose limit is the offer's budget, or a catalog item's stock) to the resident's voucher account
for that source (``vouchers:<user>:<source>``); redeeming, expiring or voiding moves it on to a
sink. So `ledger_audit` can check that every issued voucher is held exactly once.
"""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from backend.transitions import TransitionError, check_move
from rewards import account_names
from rewards.ledger.memos import memo
from rewards.ledger.models import Asset, LedgerAccount, TransactionKind
from rewards.ledger.services import Leg, account_get_or_create, ledger_post, ledger_reverse
from rewards.models import CatalogItem, Offer, Voucher, VoucherStatus
from rewards.stripe.outbox import promotion_code_retire
from rewards.vouchers.selectors import voucher_ids_lapsed

# Crockford's base 32 without the letters people misread (I, L, O, U) and without 0/1.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS = 2
CODE_GROUP_LENGTH = 4

TRANSITIONS: dict[str, frozenset[str]] = {
    VoucherStatus.ISSUED: frozenset(
        {VoucherStatus.REDEEMED, VoucherStatus.EXPIRED, VoucherStatus.VOID}
    ),
    # Undone at the desk (rewards.vouchers.redemption.voucher_redeem_undo): usable again.
    VoucherStatus.REDEEMED: frozenset({VoucherStatus.ISSUED}),
    VoucherStatus.EXPIRED: frozenset(),
    VoucherStatus.VOID: frozenset(),
}
SINK_BY_STATUS: dict[str, str] = {
    VoucherStatus.REDEEMED: account_names.REDEEMED_VOUCHERS,
    VoucherStatus.EXPIRED: account_names.EXPIRED_VOUCHERS,
    VoucherStatus.VOID: account_names.VOID_VOUCHERS,
}
KIND_BY_STATUS: dict[str, str] = {
    VoucherStatus.REDEEMED: TransactionKind.REDEEM,
    VoucherStatus.EXPIRED: TransactionKind.EXPIRE,
    VoucherStatus.VOID: TransactionKind.REVERSE,
}


class VoucherTransitionError(TransitionError):
    """A status change `TRANSITIONS` does not allow: a bug in the caller."""


def new_code() -> str:
    """``"K7QM-3XHD"``: 8 characters of a 30-letter alphabet (~6.6e11 codes), easy to read
    out and type, grouped for the eye. Normalise what people type with `normalise_code`."""
    groups = (
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH))
        for _ in range(CODE_GROUPS)
    )
    return "-".join(groups)


def normalise_code(typed: str) -> str:
    """What staff type or scan, as stored: upper case, spaces and dashes ignored, regrouped."""
    compact = "".join(typed.split()).replace("-", "").upper()
    if len(compact) != CODE_GROUPS * CODE_GROUP_LENGTH:
        return compact
    return "-".join(
        compact[index : index + CODE_GROUP_LENGTH]
        for index in range(0, len(compact), CODE_GROUP_LENGTH)
    )


def source_name(*, offer: Offer | None = None, catalog_item: CatalogItem | None = None) -> str:
    return account_names.voucher_source(
        offer_id=offer.pk if offer is not None else None,
        catalog_item_id=catalog_item.pk if catalog_item is not None else None,
    )


def held_account(resident, source: str) -> LedgerAccount:
    return account_get_or_create(
        name=account_names.held_vouchers(resident.pk, source),
        asset=Asset.VOUCHER,
        min_balance=0,
    )


def voucher_issue(
    *,
    resident,
    title: str,
    title_cy: str = "",
    council,
    venue,
    source_account: LedgerAccount,
    offer: Offer | None = None,
    catalog_item: CatalogItem | None = None,
    valid_days: int | None = None,
    idempotency_key: str,
    reference: str = "",
    now: datetime | None = None,
) -> Voucher:
    """Issue a voucher to ``resident``, moving one VOUCHER unit from ``source_account`` (which
    refuses past its limit: the budget or the stock) to the resident's held account. Must be
    called inside the caller's transaction when it belongs to a larger change."""
    now = now or timezone.now()
    source = source_name(offer=offer, catalog_item=catalog_item)
    with transaction.atomic():
        posted = ledger_post(
            kind=TransactionKind.EARN if offer is not None else TransactionKind.CLAIM,
            legs=[Leg(source_account, -1), Leg(held_account(resident, source), 1)],
            idempotency_key=idempotency_key,
            memo=memo("voucher", title=title),
            reference=reference,
        )
        existing = Voucher.objects.filter(issue_transaction=posted).first()
        if existing is not None:
            return existing
        days = valid_days or settings.VOUCHER_VALID_DAYS
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    return Voucher.objects.create(
                        code=new_code(),
                        resident=resident,
                        title=title,
                        title_cy=title_cy,
                        council=council,
                        venue=venue,
                        offer=offer,
                        catalog_item=catalog_item,
                        issued_at=now,
                        expires_at=now + timedelta(days=days),
                        issue_transaction=posted,
                    )
            except IntegrityError:
                continue  # a code collision (about one in 10^11): draw another
        raise RuntimeError("Could not draw an unused voucher code.")


def voucher_settle(
    *,
    voucher: Voucher,
    status: str,
    idempotency_key: str,
    back_to_source: bool = False,
    **changes,
) -> Voucher:
    """Move a locked, issued voucher to ``status`` and its unit to the matching sink, or with
    ``back_to_source`` (a voucher voided with the check-in that earned it) back where it came
    from, by reversing its issue: the offer's budget gets it back. Must run under the caller's
    row lock on the voucher (``select_for_update``)."""
    if status == VoucherStatus.ISSUED:  # only an undone redemption goes back (redemption.py)
        raise VoucherTransitionError(f"A voucher cannot go from {voucher.status} to {status} here.")
    check_move(TRANSITIONS, voucher.status, status, what="voucher", error=VoucherTransitionError)
    if back_to_source:
        ledger_reverse(
            original=voucher.issue_transaction,
            idempotency_key=idempotency_key,
            memo=memo(f"voucher_{status}", code=voucher.code),
        )
    else:
        source = source_name(offer=voucher.offer, catalog_item=voucher.catalog_item)
        ledger_post(
            kind=KIND_BY_STATUS[status],
            legs=[
                Leg(held_account(voucher.resident, source), -1),
                Leg(account_get_or_create(name=SINK_BY_STATUS[status], asset=Asset.VOUCHER), 1),
            ],
            idempotency_key=idempotency_key,
            memo=memo(f"voucher_{status}", code=voucher.code),
            reference=account_names.voucher_reference(voucher.pk),
        )
    voucher.status = status
    for field, value in changes.items():
        setattr(voucher, field, value)
    voucher.save(update_fields=["status", *changes])
    if status in (VoucherStatus.REDEEMED, VoucherStatus.VOID):
        # Spent or voided here: its Stripe promotion code must not work online any more (in
        # this transaction, under the voucher's lock). An expiring one needs nothing: the code
        # expires with it.
        promotion_code_retire(voucher=voucher)
    return voucher


def vouchers_expire_lapsed(now: datetime | None = None) -> int:
    """Settle every issued voucher past its expiry as expired; returns how many. Idempotent:
    each is re-checked under its row lock and settled once, under its own key."""
    now = now or timezone.now()
    expired = 0
    for voucher_id in voucher_ids_lapsed(now=now):
        with transaction.atomic():
            voucher = Voucher.objects.select_for_update().get(pk=voucher_id)
            if voucher.status != VoucherStatus.ISSUED or not voucher.has_lapsed(now):
                continue  # redeemed or voided since we listed it
            voucher_settle(
                voucher=voucher,
                status=VoucherStatus.EXPIRED,
                idempotency_key=account_names.voucher_expire_key(voucher.pk),
            )
            expired += 1
    return expired
