"""Reading offers: the live offers of a venue, one offer for its API, and its grants."""

from datetime import datetime

from django.db import connection
from django.db.models import Count, Q, QuerySet

from rewards import account_names
from rewards.ledger.models import Asset, LedgerAccount
from rewards.models import Offer, RewardGrant
from venues.models import Venue


def offer_queryset() -> QuerySet[Offer]:
    """Offers with what their serializer reads: the council and the number of rewards given."""
    return Offer.objects.select_related("council").annotate(rewards_given=Count("grants"))


def offer_get(*, offer_id) -> Offer | None:
    """The offer with its venue and council (to check who may manage it), or None."""
    return Offer.objects.select_related("venue", "council").filter(pk=offer_id).first()


def offer_get_for_output(*, offer_id) -> Offer:
    return offer_queryset().get(pk=offer_id)


def offer_budget_left(offer: Offer, rewards_given: int) -> int | None:
    """Rewards the offer may still give (None: uncapped)."""
    if offer.max_rewards is None:
        return None
    return max(offer.max_rewards - rewards_given, 0)


def offers_live_for(venue: Venue, at: datetime) -> QuerySet[Offer]:
    """The venue's own and its council's active offers running at ``at``, in a fixed order
    (so concurrent check-ins lock the offers' pools in the same order and never deadlock)."""
    return (
        Offer.objects.filter(
            Q(venue=venue) | Q(venue__isnull=True, council_id=venue.council_id), is_active=True
        )
        .filter(Q(starts_at__isnull=True) | Q(starts_at__lte=at))
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at))
        .select_related("council")
        .order_by("id")
    )


def offer_list_live_at_venue(*, venue: Venue, at: datetime) -> QuerySet[Offer]:
    """The venue's live offers for its API, newest first."""
    return (
        offer_queryset()
        .filter(pk__in=offers_live_for(venue, at).values("id"))
        .order_by("-created_at", "id")
    )


# A superset of `offers_live_for`'s filter (the start time is left out), in SQL written once:
# most venues have no live offer, and building the ORM query costs a check-in more CPU than
# the database spends answering it.
_MAY_HAVE_LIVE_OFFERS_SQL = (
    "SELECT 1 FROM rewards_offer WHERE is_active = %s"
    " AND (venue_id = %s OR (venue_id IS NULL AND council_id = %s))"
    " AND (ends_at IS NULL OR ends_at > %s) LIMIT 1"
)


def offers_may_be_live_for(venue: Venue, at: datetime) -> bool:
    """False only if `offers_live_for(venue, at)` is certainly empty."""
    fields = Offer._meta
    params = [
        True,
        fields.get_field("venue").get_db_prep_value(venue.pk, connection),
        fields.get_field("council").get_db_prep_value(venue.council_id, connection),
        fields.get_field("ends_at").get_db_prep_value(at, connection),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_MAY_HAVE_LIVE_OFFERS_SQL, params)
        return cursor.fetchone() is not None


def offer_grants_count(*, offer: Offer, resident=None) -> int:
    """The rewards the offer has given (to ``resident`` when named)."""
    grants = RewardGrant.objects.filter(offer=offer)
    if resident is not None:
        grants = grants.filter(resident=resident)
    return grants.count()


def offer_last_grant_at(*, offer: Offer, resident) -> datetime | None:
    """When the offer last rewarded ``resident``."""
    return (
        RewardGrant.objects.filter(offer=offer, resident=resident)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def offer_pool_accounts(offers) -> dict:
    """``{offer id: its pool account, or None before it was made}`` for ``offers``, in one
    query (the back office lists a page of offers with their budgets)."""
    offers = list(offers)
    accounts = {
        (account.name, account.asset): account
        for account in LedgerAccount.objects.filter(
            name__in=[account_names.offer_pool(offer.pk) for offer in offers]
        )
    }
    return {
        offer.pk: accounts.get(
            (
                account_names.offer_pool(offer.pk),
                Asset.VOUCHER if offer.voucher_title else Asset.POINTS,
            )
        )
        for offer in offers
    }
