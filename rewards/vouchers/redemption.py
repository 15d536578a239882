"""Redeeming a voucher at a venue's desk.

Zulip's split: `check_voucher_redeemable` finds the voucher, takes its row lock and refuses what
may not happen; `do_voucher_redeem` settles it and must run under that lock, so of two staff
scanning the same code at once one redeems and the other is told ``already_redeemed``.

Decisions:
- A caller with no venue or council role at all is refused (403) before the code is looked up,
  so residents cannot probe codes; staff with a role learn that an unknown code is 404.
- Access is checked before status, so staff of another venue learn nothing of the voucher.
- Nobody redeems their own voucher (403 ``own_voucher``): staff and managers are residents too,
  and the desk is where a voucher is settled, so a colleague must do it.
- A venue voucher is redeemable by that venue's staff (and managers, and council admins). A
  council-wide voucher (no venue) by staff of any venue of its council: ``venue`` names where
  they redeem when they work at several; a council admin without a venue role may leave it out.
- A voucher past its expiry is refused with 410 ``voucher_expired`` whether or not the expiry
  job has settled it yet; the refusal does not settle it (the refusal rolls the transaction
  back), `rewards.vouchers.services.vouchers_expire_lapsed` does. A void voucher is 410
  ``voucher_expired`` too: it is gone for good, and the detail says it was cancelled.
- A desk redemption may be undone (`voucher_redeem_undo`: a coffee rung up on the wrong code)
  within ``REDEEM_UNDO_MINUTES`` by the person who redeemed it or a manager of the venue where
  it was redeemed (409 ``undo_too_late`` after; 0 minutes turns undo off). The redemption's
  posting is reversed, never edited, and the voucher is issued again; its next redemption posts
  under a new key (``Voucher.redemptions_undone``). A voucher redeemed online (Stripe) was not
  redeemed at a desk and cannot be undone there; after an undo its Stripe code stays off (it was
  turned off when it was redeemed): it works at the desk.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, ngettext

from backend.errors import INVALID, NOT_FOUND, PERMISSION_DENIED, ApplicationError
from backend.transitions import may_move
from rewards import account_names, error_codes
from rewards.ledger.memos import memo
from rewards.ledger.models import LedgerTransaction
from rewards.ledger.services import ledger_reverse
from rewards.models import Voucher, VoucherStatus
from rewards.vouchers.services import TRANSITIONS, normalise_code, voucher_settle
from venues.access import Access, access_for, may
from venues.activity.sentences import said
from venues.activity.services import activity_record
from venues.models import Venue

# Why a voucher in each settled status cannot be redeemed (issued vouchers may be).
REFUSAL_BY_STATUS = {
    VoucherStatus.REDEEMED: (error_codes.ALREADY_REDEEMED, "This voucher was already redeemed."),
    VoucherStatus.EXPIRED: (error_codes.VOUCHER_EXPIRED, "This voucher has expired."),
    VoucherStatus.VOID: (
        error_codes.VOUCHER_EXPIRED,
        "This voucher was cancelled and is no longer valid.",
    ),
}


def _deny(detail: str = "You cannot redeem this voucher here.") -> ApplicationError:
    return ApplicationError(PERMISSION_DENIED, detail)


def _redeeming_venue(*, voucher: Voucher, access: Access, venue: Venue | None) -> Venue | None:
    """Where the person redeems ``voucher`` (None: a council admin for a council voucher), or
    403 when they may not (``voucher.redeem`` of venues.access, asked where it happens)."""
    if voucher.venue_id is not None:
        if venue is not None and venue.pk != voucher.venue_id:
            raise _deny("This voucher is only valid at another venue.")
        if not access.may("voucher.redeem", voucher):
            raise _deny()
        return voucher.venue
    if venue is not None:
        if venue.council_id != voucher.council_id or not access.may("voucher.redeem", venue):
            raise _deny()
        return venue
    venue_ids = {
        venue_id
        for council_id, venue_id in access.levels
        if council_id == voucher.council_id and venue_id is not None
    }
    if len(venue_ids) == 1:
        return Venue.objects.get(pk=venue_ids.pop())
    if len(venue_ids) > 1:
        message = "You work at several venues of this council: say which one."
        raise ApplicationError(INVALID, message, fields={"venue": [message]})
    if access.may("voucher.redeem", voucher):  # council-wide: the council's admins
        return None
    raise _deny()


def check_voucher_redeemable(
    *, code: str, staff, venue: Venue | None = None, now: datetime
) -> tuple[Voucher, Venue | None]:
    """The voucher with ``code``, locked, and the venue it is redeemed at; raises the
    contract's refusal otherwise. Must run inside a transaction."""
    access = access_for(staff)
    if not access.is_superuser and not access.levels:
        raise _deny("Only venue staff can redeem vouchers.")
    voucher = Voucher.objects.select_for_update().filter(code=normalise_code(code)).first()
    if voucher is None:
        raise ApplicationError(NOT_FOUND, gettext("No voucher has this code."))
    redeemed_venue = _redeeming_venue(voucher=voucher, access=access, venue=venue)
    if voucher.resident_id == staff.pk:
        raise ApplicationError(
            error_codes.OWN_VOUCHER, gettext("You cannot redeem your own voucher: ask a colleague.")
        )
    refusal = REFUSAL_BY_STATUS.get(voucher.status)
    if refusal is not None:
        raise ApplicationError(*refusal)
    if voucher.has_lapsed(now):
        raise ApplicationError(*REFUSAL_BY_STATUS[VoucherStatus.EXPIRED])
    return voucher, redeemed_venue


def do_voucher_redeem(*, voucher: Voucher, staff, venue: Venue | None, now: datetime) -> Voucher:
    """Settle an issued voucher as redeemed. Must run under `check_voucher_redeemable`'s lock."""
    settled = voucher_settle(
        voucher=voucher,
        status=VoucherStatus.REDEEMED,
        idempotency_key=account_names.voucher_redeem_key(voucher.pk, voucher.redemptions_undone),
        redeemed_at=now,
        redeemed_by=staff,
        redeemed_venue=venue,
    )
    activity_record(
        actor=staff,
        action="voucher.redeemed",
        obj=settled,
        summary=(
            said(
                gettext_noop("Voucher %(code)s (%(title)s) redeemed at %(venue)s."),
                code=settled.code,
                title=settled.title,
                venue=venue.name,
            )
            if venue is not None
            else said(
                gettext_noop("Voucher %(code)s (%(title)s) redeemed."),
                code=settled.code,
                title=settled.title,
            )
        ),
        venue=venue,
    )
    return settled


def voucher_redeem(*, code: str, staff, venue: Venue | None = None) -> Voucher:
    """Redeem the voucher with ``code`` (as typed or scanned) for ``staff``, at ``venue`` when
    they name one: 404 ``not_found``, 403 ``permission_denied`` or ``own_voucher``,
    409 ``already_redeemed``,
    410 ``voucher_expired``."""
    now = timezone.now()
    with transaction.atomic():
        voucher, redeemed_venue = check_voucher_redeemable(
            code=code, staff=staff, venue=venue, now=now
        )
        return do_voucher_redeem(voucher=voucher, staff=staff, venue=redeemed_venue, now=now)


def redeem_undo_deadline(voucher: Voucher) -> datetime | None:
    """Until when a redeemed voucher's redemption may be undone (None: it may not)."""
    if voucher.status != VoucherStatus.REDEEMED or voucher.redeemed_by_id is None:
        return None
    return voucher.redeemed_at + timedelta(minutes=settings.REDEEM_UNDO_MINUTES)


def may_undo_redeem(voucher: Voucher, user) -> bool:
    """Whether ``user`` may undo the voucher's desk redemption (deadline aside): the person who
    redeemed it, or a manager of the venue where it was redeemed (a council admin for one
    redeemed by a council admin without a venue)."""
    if voucher.redeemed_by_id is None:
        return False  # redeemed online
    if voucher.redeemed_by_id == user.pk:
        return True
    return may(user, "voucher.undo_redeem", voucher.redeemed_venue or voucher.council)


def voucher_redeem_undo(*, voucher: Voucher, by) -> Voucher:
    """Undo the voucher's desk redemption: 200 and the voucher is issued again; 403
    ``permission_denied`` for anyone but the person who redeemed it or a manager; 409
    ``not_redeemed`` when it is not redeemed (any more); 409 ``undo_too_late`` after
    ``REDEEM_UNDO_MINUTES``."""
    now = timezone.now()
    with transaction.atomic():
        voucher = (
            Voucher.objects.select_for_update(of=("self",))
            .select_related("redeemed_venue__council", "council")
            .get(pk=voucher.pk)
        )
        if not may_move(TRANSITIONS, voucher.status, VoucherStatus.ISSUED):
            raise ApplicationError(
                error_codes.NOT_REDEEMED, gettext("This voucher is not redeemed.")
            )
        if not may_undo_redeem(voucher, by):
            raise _deny("Only the person who redeemed it, or a manager, can undo it.")
        deadline = redeem_undo_deadline(voucher)
        if deadline is None or now > deadline or settings.REDEEM_UNDO_MINUTES <= 0:
            raise ApplicationError(
                error_codes.UNDO_TOO_LATE,
                ngettext(
                    "It is too late to undo this redemption: a redemption can be undone "
                    "within %(minutes)s minute.",
                    "It is too late to undo this redemption: a redemption can be undone "
                    "within %(minutes)s minutes.",
                    settings.REDEEM_UNDO_MINUTES,
                )
                % {"minutes": settings.REDEEM_UNDO_MINUTES},
            )
        undone = voucher.redemptions_undone + 1
        redemption = LedgerTransaction.objects.get(
            idempotency_key=account_names.voucher_redeem_key(voucher.pk, voucher.redemptions_undone)
        )
        ledger_reverse(
            original=redemption,
            idempotency_key=account_names.voucher_redeem_undo_key(voucher.pk, undone),
            memo=memo("redemption_undone", code=voucher.code),
        )
        voucher.status = VoucherStatus.ISSUED
        voucher.redeemed_at = voucher.redeemed_by = voucher.redeemed_venue = None
        voucher.redemptions_undone = undone
        venue = voucher.redeemed_venue
        voucher.save(
            update_fields=[
                "status",
                "redeemed_at",
                "redeemed_by",
                "redeemed_venue",
                "redemptions_undone",
            ]
        )
        activity_record(
            actor=by,
            action="voucher.redeem_undone",
            obj=voucher,
            summary=said(
                gettext_noop("Redemption of voucher %(code)s (%(title)s) undone."),
                code=voucher.code,
                title=voucher.title,
            ),
            venue=venue,
        )
    return voucher
