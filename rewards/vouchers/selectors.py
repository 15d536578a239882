"""Reading vouchers: a resident's own, and the ones past their expiry."""

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from rewards.models import Voucher, VoucherStatus


def voucher_list_of(*, resident) -> QuerySet[Voucher]:
    """The resident's vouchers, newest first, with their Stripe promotion code rows."""
    return (
        Voucher.objects.filter(resident=resident)
        .select_related("stripe_promotion")
        .order_by("-issued_at", "id")
    )


def voucher_owned_get(*, voucher_id, resident) -> Voucher | None:
    """The voucher if ``resident`` holds it; None otherwise (someone else's is not shown)."""
    return Voucher.objects.filter(pk=voucher_id, resident=resident).first()


def voucher_ids_lapsed(*, now: datetime) -> list:
    """The ids of issued vouchers past their expiry, soonest lapsed first."""
    return list(
        Voucher.objects.filter(status=VoucherStatus.ISSUED, expires_at__lte=now)
        .order_by("expires_at", "id")
        .values_list("id", flat=True)
    )


def vouchers_with_shown_status(vouchers):
    """Vouchers with ``shown_status``: an issued voucher past its expiry reads as expired
    before the expiry job has settled it."""
    now = timezone.now()
    for voucher in vouchers:
        lapsed = voucher.status == VoucherStatus.ISSUED and voucher.has_lapsed(now)
        voucher.shown_status = VoucherStatus.EXPIRED if lapsed else voucher.status
    return vouchers
