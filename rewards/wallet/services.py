"""A resident's points: earning in lots, spending FIFO, expiry, per scheme.

A wallet is a ledger account per (resident, scheme) (``rewards.schemes``: POINTS, never below
zero). Each credit opens a `PointsLot` of that wallet that lapses ``POINTS_EXPIRY_DAYS`` later;
a debit draws from the wallet's open lots that lapse soonest; `points_expire_lapsed` posts real
``expire`` transactions for what lapsed lots still hold. Invariant: a wallet's balance equals
the sum of its lots' ``remaining``.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rewards import account_names
from rewards.ledger.memos import memo as memo_of
from rewards.ledger.models import Asset, LedgerAccount, LedgerTransaction, TransactionKind
from rewards.ledger.services import (
    InsufficientBalance,
    Leg,
    account_get_or_create,
    ledger_post,
)
from rewards.schemes.models import PointsLot
from rewards.schemes.services import wallet_account


def sink_account(name: str) -> LedgerAccount:
    return account_get_or_create(name=name, asset=Asset.POINTS)


def points_credit(
    *,
    resident,
    scheme_id: int,
    amount: int,
    source: LedgerAccount,
    idempotency_key: str,
    memo: str = "",
    reference: str = "",
    kind: str = TransactionKind.EARN,
    now: datetime | None = None,
) -> LedgerTransaction:
    """Move ``amount`` points from ``source`` into the resident's wallet in the scheme and open
    a lot for them. A replayed key returns the first transaction and opens nothing."""
    now = now or timezone.now()
    wallet = wallet_account(resident_id=resident.pk, scheme_id=scheme_id)
    with transaction.atomic():
        posted = ledger_post(
            kind=kind,
            legs=[Leg(source, -amount), Leg(wallet, amount)],
            idempotency_key=idempotency_key,
            memo=memo,
            reference=reference,
        )
        if not PointsLot.objects.filter(transaction=posted).exists():
            PointsLot.objects.create(
                wallet_id=wallet.pk,
                resident=resident,
                earned=amount,
                remaining=amount,
                earned_at=now,
                expires_at=now + timedelta(days=settings.POINTS_EXPIRY_DAYS),
                transaction=posted,
            )
    return posted


def points_debit(
    *,
    resident,
    scheme_id: int,
    amount: int,
    sink: LedgerAccount,
    idempotency_key: str,
    memo: str = "",
    reference: str = "",
    kind: str = TransactionKind.CLAIM,
    now: datetime | None = None,
) -> LedgerTransaction:
    """Spend ``amount`` points of the scheme from the lots that lapse soonest; raises
    `InsufficientBalance` when the wallet's open (unlapsed) lots hold less (points of another
    scheme never count). The lots are locked first, in a fixed order, so two spends of the same
    points cannot both draw them."""
    now = now or timezone.now()
    wallet = wallet_account(resident_id=resident.pk, scheme_id=scheme_id)

    def post_from(account: LedgerAccount) -> LedgerTransaction:
        # The one posting of a spend, first time or replayed: ``amount`` from ``account``.
        return ledger_post(
            kind=kind,
            legs=[Leg(account, -amount), Leg(sink, amount)],
            idempotency_key=idempotency_key,
            memo=memo,
            reference=reference,
        )

    with transaction.atomic():
        existing = LedgerTransaction.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            # A replay is compared with what was posted from the wallet it was posted from:
            # councils grouped since then spend from another wallet now.
            spent_from = existing.entries.filter(amount__lt=0).select_related("account").first()
            if spent_from is not None:
                wallet = spent_from.account
            return post_from(wallet)
        lots = list(
            PointsLot.objects.select_for_update()
            .filter(wallet_id=wallet.pk, remaining__gt=0, expires_at__gt=now)
            .order_by("expires_at", "id")
        )
        if LedgerTransaction.objects.filter(idempotency_key=idempotency_key).exists():
            # A retry of a spend that committed while we waited for the lots' locks (a double
            # tap): the lots were drawn by the first. Replay its posting and draw nothing, or
            # the points would go twice while the ledger moved them once.
            return post_from(wallet)
        if sum(lot.remaining for lot in lots) < amount:
            wallet.refresh_from_db()
            raise InsufficientBalance(wallet, amount)
        posted = post_from(wallet)
        owed = amount
        for lot in lots:
            drawn = min(lot.remaining, owed)
            lot.remaining -= drawn
            owed -= drawn
            lot.save(update_fields=["remaining"])
            if owed == 0:
                break
    return posted


def points_expire_lapsed(*, now: datetime | None = None) -> int:
    """Post an ``expire`` transaction for every lapsed lot that still holds points; returns
    how many lots it closed. Idempotent: a lot is expired once, under its own key."""
    now = now or timezone.now()
    expired = sink_account(account_names.EXPIRED_POINTS)
    closed = 0
    lapsed_ids = list(
        PointsLot.objects.filter(remaining__gt=0, expires_at__lte=now)
        .order_by("expires_at", "id")
        .values_list("id", flat=True)
    )
    for lot_id in lapsed_ids:
        with transaction.atomic():
            # The lot alone is locked (a join would be re-checked if a grouping of schemes
            # moved the lot to another wallet meanwhile); its wallet is read after the lock.
            lot = PointsLot.objects.select_for_update().filter(pk=lot_id).first()
            if lot is None or lot.remaining == 0:
                continue  # spent or expired since we listed it
            ledger_post(
                kind=TransactionKind.EXPIRE,
                legs=[
                    Leg(LedgerAccount.objects.get(pk=lot.wallet_id), -lot.remaining),
                    Leg(expired, lot.remaining),
                ],
                idempotency_key=account_names.lot_expire_key(lot.pk),
                memo=memo_of("lapsed", points=lot.remaining, date=f"{lot.earned_at:%Y-%m-%d}"),
                reference=account_names.lot_reference(lot.pk),
            )
            lot.remaining = 0
            lot.save(update_fields=["remaining"])
            closed += 1
    return closed
