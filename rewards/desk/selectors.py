from django.db.models import Q, QuerySet
from django.utils import timezone

from rewards.models import Voucher, VoucherStatus
from rewards.vouchers.services import normalise_code
from venues.access import Access, Level
from venues.models import Venue


def desk_venues(*, access: Access) -> QuerySet[Venue]:
    """The active venues where the person may serve (``venue.serve``): those they hold any
    venue role at, and every venue of a council they administer. A superuser has no desk of
    their own (only the roles they hold): they use the API."""
    return (
        Venue.objects.filter(is_active=True)
        .filter(
            Q(pk__in=access.venue_ids(Level.VENUE_STAFF))
            | Q(council_id__in=access.council_ids(Level.VENUE_STAFF))
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
