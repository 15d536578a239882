from django.db.models import Q, QuerySet
from django.utils import timezone

from rewards.models import Voucher, VoucherStatus
from rewards.vouchers.services import normalise_code
from venues.models import Role, Venue


def desk_venues(*, user) -> QuerySet[Venue]:
    """The venues where ``user`` may redeem: those they hold any venue role at, and every venue
    of a council they administer. A superuser has no desk of their own: they use the API."""
    roles = Role.objects.filter(user=user)
    return (
        Venue.objects.filter(is_active=True)
        .filter(
            Q(pk__in=roles.filter(role__in=Role.VENUE_KINDS).values("venue_id"))
            | Q(
                council__in=roles.filter(role=Role.Kind.COUNCIL_ADMIN, venue__isnull=True).values(
                    "council_id"
                )
            )
        )
        .order_by("name")
    )


def voucher_shown_at_desk(*, code: str) -> Voucher | None:
    """The voucher behind a refusal that the service decided after checking access (already
    redeemed, expired): staff may see what it was. Never call it for other refusals."""
    return (
        Voucher.objects.select_related("resident", "venue", "council", "redeemed_venue")
        .filter(code=normalise_code(code))
        .first()
    )


def vouchers_redeemed_today(*, venue: Venue) -> QuerySet[Voucher]:
    """The vouchers redeemed at ``venue`` since midnight (local time), newest first: the desk's
    list, with what it shows of each."""
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return (
        Voucher.objects.filter(
            redeemed_venue=venue, status=VoucherStatus.REDEEMED, redeemed_at__gte=midnight
        )
        .select_related("resident", "redeemed_by", "redeemed_venue", "council")
        .order_by("-redeemed_at", "id")
    )
