from django.db.models import Q, QuerySet

from rewards.models import Voucher
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
