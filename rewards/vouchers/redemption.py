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
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from backend.errors import INVALID, NOT_FOUND, PERMISSION_DENIED, ApplicationError
from rewards import account_names, error_codes
from rewards.models import Voucher, VoucherStatus
from rewards.vouchers.services import normalise_code, voucher_settle
from venues.access import Access, access_for
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
        raise ApplicationError(NOT_FOUND, "No voucher has this code.")
    redeemed_venue = _redeeming_venue(voucher=voucher, access=access, venue=venue)
    if voucher.resident_id == staff.pk:
        raise ApplicationError(
            error_codes.OWN_VOUCHER, "You cannot redeem your own voucher: ask a colleague."
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
        idempotency_key=account_names.voucher_redeem_key(voucher.pk),
        redeemed_at=now,
        redeemed_by=staff,
        redeemed_venue=venue,
    )
    where = f" at {venue.name}" if venue is not None else ""
    activity_record(
        actor=staff,
        action="voucher.redeemed",
        obj=settled,
        summary=f"Voucher {settled.code} ({settled.title}) redeemed{where}.",
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
