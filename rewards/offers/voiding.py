"""Taking back what a voided check-in earned (API.md: "void": a reversing posting, never an edit).

For each of the check-in's live grants, in one transaction with the void:

- **points**: a ``reverse`` posting from the resident's wallet back to the offer's pool, of as
  much as the wallet still holds (never below zero), drawn first from the lot the grant opened,
  then from the resident's other open lots, soonest to lapse first (a wallet's balance is always
  the sum of its lots: ``ledger_audit``). What was already spent is the **shortfall**: recorded
  on the grant (``taken_back`` against what it gave), never forced from a wallet;
- **a voucher**: still issued, it becomes ``void``, its unit going back to the offer's pool by
  reversing its issue (and its Stripe promotion code, if any, is turned off); already redeemed
  or lapsed, it stays as it is: a coffee handed over cannot be handed back.

The grant is then ``voided_at``: it stops counting against the offer's per-resident limit, its
rules and its budget (``max_rewards`` counts genuine rewards). So that a shortfall does not eat
into the budget of the residents who come honestly, a capped pool's limit grows by it: the loss
is the council's, recorded on the grant, and the offer still pays ``max_rewards`` real rewards.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Q
from django.utils.translation import gettext, ngettext

from rewards import account_names
from rewards.ledger.memos import memo
from rewards.ledger.models import LedgerAccount, TransactionKind
from rewards.ledger.services import Leg, ledger_post
from rewards.models import RewardGrant, Voucher, VoucherStatus
from rewards.schemes.models import PointsLot
from rewards.vouchers.services import voucher_settle


@dataclass
class TakenBack:
    """What voiding a check-in took back, and what it could not."""

    points_taken_back: int = 0
    points_shortfall: int = 0
    vouchers_voided: int = 0
    vouchers_already_used: int = 0


def _legs_of(grant: RewardGrant) -> tuple[LedgerAccount, LedgerAccount]:
    """The pool the grant was paid from and the account it was paid to, from its posting."""
    entries = list(grant.transaction.entries.select_related("account"))
    pool = next(entry.account for entry in entries if entry.amount < 0)
    target = next(entry.account for entry in entries if entry.amount > 0)
    return pool, target


def _points_back(grant: RewardGrant, *, checkin_id, now: datetime) -> int:
    """Post the reversal of a points grant, as far as the wallet allows; returns the points."""
    pool, wallet = _legs_of(grant)
    # Locked in the order every spend locks them (soonest to lapse first), so a claim at the
    # same moment waits rather than deadlocks.
    lots = list(
        PointsLot.objects.select_for_update()
        .filter(wallet_id=wallet.pk, remaining__gt=0)
        .filter(Q(transaction_id=grant.transaction_id) | Q(expires_at__gt=now))
        .order_by("expires_at", "id")
    )
    lots.sort(key=lambda lot: lot.transaction_id != grant.transaction_id)  # its own lot first
    taking = min(grant.points, sum(lot.remaining for lot in lots))
    if taking == 0:
        return 0
    ledger_post(
        kind=TransactionKind.REVERSE,
        legs=[Leg(wallet, -taking), Leg(pool, taking)],
        idempotency_key=account_names.checkin_void_key(checkin_id, grant.pk),
        memo=memo("void", title=grant.offer.title),
        reference=account_names.checkin_reference(checkin_id),
        reverses=grant.transaction,
    )
    owed = taking
    for lot in lots:
        drawn = min(lot.remaining, owed)
        if drawn:
            PointsLot.objects.filter(pk=lot.pk).update(remaining=F("remaining") - drawn)
            owed -= drawn
        if owed == 0:
            break
    return taking


def _voucher_back(grant: RewardGrant) -> int:
    """Void the grant's voucher if it is still issued; returns 1 if it was."""
    voucher = Voucher.objects.select_for_update().get(pk=grant.voucher_id)
    if voucher.status != VoucherStatus.ISSUED:
        return 0
    voucher_settle(
        voucher=voucher,
        status=VoucherStatus.VOID,
        idempotency_key=account_names.voucher_void_key(voucher.pk),
        back_to_source=True,
    )
    return 1


def checkin_rewards_take_back(*, checkin_id, now: datetime) -> TakenBack:
    """Take back what the check-in ``checkin_id`` earned (see the module's doc). Must run in
    the void's transaction, under the resident's row lock (which every check-in takes too)."""
    taken = TakenBack()
    grants = (
        RewardGrant.objects.select_for_update()
        .filter(checkin_id=checkin_id, voided_at__isnull=True)
        .select_related("offer", "transaction")
        .order_by("id")
    )
    for grant in grants:
        if grant.voucher_id is not None:
            back = _voucher_back(grant)
            taken.vouchers_voided += back
            taken.vouchers_already_used += 1 - back
            shortfall = 1 - back
        else:
            back = _points_back(grant, checkin_id=checkin_id, now=now)
            taken.points_taken_back += back
            shortfall = grant.points - back
            taken.points_shortfall += shortfall
        if shortfall:
            # The budget counts genuine rewards: what could not come back is not taken from it.
            pool, _ = _legs_of(grant)
            LedgerAccount.objects.filter(pk=pool.pk, min_balance__isnull=False).update(
                min_balance=F("min_balance") - shortfall
            )
        RewardGrant.objects.filter(pk=grant.pk).update(voided_at=now, taken_back=back)
    return taken


def grant_in_words(grant: RewardGrant) -> str:
    """What one grant gave, in the request's language, for the back office's check-in pages:
    "Ten points: 10 points", "A free coffee: voucher “Free coffee”", and once its check-in was
    voided what came back ("Ten points: 10 points, 2 of 10 taken back")."""
    if grant.voucher_id:
        given = gettext("voucher “%(title)s”") % {"title": grant.voucher.shown_title}
    else:
        given = ngettext("%(count)s point", "%(count)s points", grant.points) % {
            "count": f"{grant.points:,}"
        }
    if grant.voided_at is not None:
        given = gettext("%(given)s, %(taken)s of %(whole)s taken back") % {
            "given": given,
            "taken": grant.taken_back,
            "whole": 1 if grant.voucher_id else grant.points,
        }
    return f"{grant.offer.shown_title}: {given}"


def voided_grants_of(checkin_id) -> list[RewardGrant]:
    """The grants of a voided check-in with what each took back (for the back office)."""
    return list(
        RewardGrant.objects.filter(checkin_id=checkin_id)
        .select_related("offer", "voucher")
        .order_by("id")
    )
