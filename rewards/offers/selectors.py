"""Reading offers: the live offers of a venue, one offer for its API, and its grants."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Count, Q, QuerySet

from rewards.evidence import evidence_kinds
from rewards.models import Offer, RewardGrant, SchemeMember, Wallet
from venues.models import Venue


def offer_queryset() -> QuerySet[Offer]:
    """Offers with what their serializer reads: the council and the number of rewards given
    (a grant of a voided check-in is no reward)."""
    return Offer.objects.select_related("council").annotate(
        rewards_given=Count("grants", filter=Q(grants__voided_at__isnull=True))
    )


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


@dataclass
class LiveOffer:
    """A live offer as a check-in reads it (`offers_live_for_checkin`), with its pool's id, the
    scheme of its council, the resident's wallet there and the resident's (live) grants of it."""

    id: uuid.UUID
    title: str
    rule: str
    points: int
    voucher_title: str
    stripe_coupon_id: str
    voucher_valid_days: int | None
    every_n: int | None
    window_days: int | None
    per_user_limit: int | None
    accepted_evidence: int
    council_id: uuid.UUID
    venue_id: uuid.UUID | None
    pool_id: int
    scheme_id: int | None
    wallet_id: int | None
    resident_grants: int
    held_id: int | None = None  # the resident's voucher account of it, once known
    audience: str = "everyone"  # rewards.models.OfferAudience
    title_cy: str = ""
    voucher_title_cy: str = ""

    @property
    def pk(self) -> uuid.UUID:
        return self.id

    @property
    def accepts(self) -> list[str]:
        return evidence_kinds(self.accepted_evidence)


def _live_offers_sql() -> str:
    offer = Offer._meta.db_table
    member = SchemeMember._meta.db_table
    wallet = Wallet._meta.db_table
    grant = RewardGrant._meta.db_table
    return f"""
        SELECT o.id, o.title, o.rule, o.points, o.voucher_title, o.stripe_coupon_id,
            o.voucher_valid_days, o.every_n, o.window_days, o.per_user_limit,
            o.accepted_evidence, o.council_id, o.venue_id, o.pool_id, m.scheme_id,
            (SELECT w.account_id FROM {wallet} w
                WHERE w.resident_id = %s AND w.scheme_id = m.scheme_id),
            CASE WHEN o.per_user_limit IS NULL THEN 0 ELSE
                (SELECT COUNT(*) FROM {grant} g
                    WHERE g.offer_id = o.id AND g.resident_id = %s AND g.voided_at IS NULL)
            END,
            o.audience, o.title_cy, o.voucher_title_cy
        FROM {offer} o LEFT JOIN {member} m ON m.council_id = o.council_id
        WHERE o.is_active = %s
            AND (o.venue_id = %s OR (o.venue_id IS NULL AND o.council_id = %s))
            AND (o.starts_at IS NULL OR o.starts_at <= %s)
            AND (o.ends_at IS NULL OR o.ends_at > %s)
        ORDER BY o.id
    """


def offers_live_for_checkin(*, venue: Venue, resident_id, at: datetime) -> list[LiveOffer]:
    """`offers_live_for` as a check-in needs it, in one query: each with its pool, the scheme of
    its council, the resident's wallet in that scheme (None before their first points there)
    and how often it rewarded the resident (counted only for an offer with a per_user_limit).

    Raw SQL: it runs on every check-in, most venues have no live offer, and building the ORM's
    query (joins, two subqueries) cost a check-in more CPU than the database spends on it.
    """
    field = Offer._meta.get_field
    uuid_field = field("id")

    def prep(name, value):
        return field(name).get_db_prep_value(value, connection)

    resident = RewardGrant._meta.get_field("resident").get_db_prep_value(resident_id, connection)
    params = [
        resident,
        resident,
        True,
        prep("venue", venue.pk),
        prep("council", venue.council_id),
        prep("starts_at", at),
        prep("ends_at", at),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_live_offers_sql(), params)
        rows = cursor.fetchall()
    return [
        LiveOffer(
            uuid_field.to_python(row[0]),
            *row[1:11],
            uuid_field.to_python(row[11]),
            uuid_field.to_python(row[12]) if row[12] is not None else None,
            *row[13:17],
            audience=row[17],
            title_cy=row[18],
            voucher_title_cy=row[19],
        )
        for row in rows
    ]


def offer_grants_count(*, offer: Offer, resident=None) -> int:
    """The rewards the offer has given (to ``resident`` when named), voided ones left out."""
    grants = RewardGrant.objects.filter(offer=offer, voided_at__isnull=True)
    if resident is not None:
        grants = grants.filter(resident=resident)
    return grants.count()


def offer_last_grant_at(*, offer, resident) -> datetime | None:
    """When the offer (an `Offer` or a `LiveOffer`) last rewarded ``resident`` (voided grants
    left out)."""
    return (
        RewardGrant.objects.filter(offer_id=offer.pk, resident=resident, voided_at__isnull=True)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
