from django.db.models import Q, QuerySet

from rewards.models import Voucher
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
