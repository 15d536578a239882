"""Offers: creating and changing them, and what they give for a check-in (API.md, "Offers").

Each offer pays from its own ledger pool, ``offer:<id>:pool`` (POINTS for a points offer,
VOUCHER for a voucher offer). A capped offer's pool may fall to ``-(max_rewards * points)``
(or ``-max_rewards`` vouchers) and no lower, so the budget is the account's limit: when the
pool cannot pay, the offer simply stops rewarding, however many check-ins arrive at once.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from backend import errors
from backend.errors import ApplicationError
from rewards.ledger.models import Asset, LedgerAccount
from rewards.ledger.services import InsufficientBalance, account_get_or_create
from rewards.models import Offer, OfferRule, RewardGrant
from rewards.promotion_codes import promotion_code_request
from rewards.vouchers import voucher_issue
from rewards.wallet import points_credit
from venues.models import Council, Venue

# The fields a manager sets, in the order the API shows them.
EDITABLE_FIELDS = (
    "title",
    "description",
    "rule",
    "points",
    "voucher_title",
    "stripe_coupon_id",
    "voucher_valid_days",
    "every_n",
    "window_days",
    "starts_at",
    "ends_at",
    "max_rewards",
    "per_user_limit",
    "is_active",
)
COUNTING_RULES = frozenset({OfferRule.NTH_CHECKIN, OfferRule.FREQUENCY})


def pool_name(offer: Offer) -> str:
    return f"offer:{offer.pk}:pool"


def pool_asset(offer: Offer) -> str:
    return Asset.VOUCHER if offer.voucher_title else Asset.POINTS


def pool_account(offer: Offer) -> LedgerAccount:
    """The offer's pool, made on first use with the limit its cap implies."""
    return account_get_or_create(
        name=pool_name(offer), asset=pool_asset(offer), min_balance=_pool_minimum(offer, 0)
    )


def _pool_minimum(offer: Offer, given: int) -> int | None:
    """The pool's limit: what was already paid (``given``, in the pool's units) plus what the
    rewards left under the cap may still take."""
    if offer.max_rewards is None:
        return None
    if offer.voucher_title:
        return -offer.max_rewards
    rewards_given = RewardGrant.objects.filter(offer=offer).count() if given else 0
    return -(given + (offer.max_rewards - rewards_given) * offer.points)


def offer_queryset() -> QuerySet[Offer]:
    """Offers with what their serializer reads: the council and the number of rewards given."""
    return Offer.objects.select_related("council").annotate(rewards_given=Count("grants"))


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


# A superset of `offers_live_for`'s filter (the start time is left out), in SQL written once:
# most venues have no live offer, and building the ORM query costs a check-in more CPU than
# the database spends answering it.
_MAY_HAVE_LIVE_OFFERS_SQL = (
    "SELECT 1 FROM rewards_offer WHERE is_active = %s"
    " AND (venue_id = %s OR (venue_id IS NULL AND council_id = %s))"
    " AND (ends_at IS NULL OR ends_at > %s) LIMIT 1"
)


def _may_have_live_offers(venue: Venue, at: datetime) -> bool:
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


def _field_errors(offer: Offer) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if not offer.title.strip():
        refuse("title", "An offer needs a title.")
    if offer.rule not in OfferRule.values:
        refuse("rule", f"Must be one of {', '.join(OfferRule.values)}.")
    if offer.points and offer.voucher_title:
        refuse("points", "An offer rewards points or a voucher, not both.")
    elif not offer.points and not offer.voucher_title:
        refuse("points", "An offer rewards points (more than 0) or a voucher (voucher_title).")
    if offer.stripe_coupon_id and not offer.voucher_title:
        refuse("stripe_coupon_id", "A Stripe coupon comes only with a voucher (voucher_title).")
    if offer.rule in COUNTING_RULES and not offer.every_n:
        refuse("every_n", f"A {offer.rule} offer needs every_n (at least 1).")
    if offer.rule == OfferRule.FREQUENCY and not offer.window_days:
        refuse("window_days", "A frequency offer needs window_days (at least 1).")
    if offer.starts_at and offer.ends_at and offer.ends_at <= offer.starts_at:
        refuse("ends_at", "An offer must end after it starts.")
    for field in ("max_rewards", "per_user_limit", "every_n", "window_days"):
        value = getattr(offer, field)
        if value is not None and value < 1:
            refuse(field, "Must be at least 1.")
    return problems


def _validate(offer: Offer) -> None:
    problems = _field_errors(offer)
    if problems:
        raise ApplicationError(errors.INVALID, "Some fields are invalid.", fields=problems)


def _check_known(fields: dict) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(
            errors.INVALID,
            "Some fields are invalid.",
            fields={name: ["Not a field of an offer."] for name in sorted(unknown)},
        )


def offer_create(
    *, council: Council | None, venue: Venue | None = None, created_by, **fields
) -> Offer:
    """A venue's offer (``venue``) or a council-wide one, with its pool account."""
    _check_known(fields)
    if venue is not None:
        if council is not None and council.pk != venue.council_id:
            raise ApplicationError(
                errors.INVALID,
                "Some fields are invalid.",
                fields={"council": ["A venue offer belongs to the venue's council."]},
            )
        council = venue.council
    if council is None:
        raise ApplicationError(
            errors.INVALID,
            "Some fields are invalid.",
            fields={"venue": ["Name a venue or a council."]},
        )
    offer = Offer(council=council, venue=venue, created_by=created_by, **fields)
    _validate(offer)
    with transaction.atomic():
        offer.save()
        pool_account(offer)
    return offer


def offer_update(*, offer: Offer, changes: dict) -> Offer:
    """Change an offer's fields. A new ``max_rewards`` moves the pool's limit; it may not be
    set below the rewards already given, nor may a rewarded offer switch points for vouchers."""
    _check_known(changes)
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        old_asset = pool_asset(offer)
        for field, value in changes.items():
            setattr(offer, field, value)
        _validate(offer)
        # Locking the pool first: a check-in's grant is posted on the pool and recorded in
        # the same transaction, so under this lock the grants counted are all there are.
        pool = LedgerAccount.objects.select_for_update().get(pk=pool_account(offer).pk)
        rewards_given = RewardGrant.objects.filter(offer=offer).count()
        if pool_asset(offer) != old_asset and rewards_given:
            raise ApplicationError(
                errors.INVALID,
                "Some fields are invalid.",
                fields={"points": ["An offer that has rewarded cannot switch what it gives."]},
            )
        if offer.max_rewards is not None and offer.max_rewards < rewards_given:
            raise ApplicationError(
                errors.INVALID,
                "Some fields are invalid.",
                fields={
                    "max_rewards": [
                        f"{rewards_given} rewards were already given; the cap cannot be lower."
                    ]
                },
            )
        pool.min_balance = _pool_minimum(offer, pool.debits_posted - pool.credits_posted)
        pool.save(update_fields=["min_balance"])
        offer.save()
    return offer


def offer_budget_left(offer: Offer, rewards_given: int) -> int | None:
    """Rewards the offer may still give (None: uncapped)."""
    if offer.max_rewards is None:
        return None
    return max(offer.max_rewards - rewards_given, 0)


def _earns(
    offer: Offer, resident, checked_in_at: datetime, visits_since: Callable[..., int]
) -> bool:
    if offer.rule == OfferRule.EVERY_CHECKIN:
        return True
    if offer.rule == OfferRule.FIRST_CHECKIN:
        return visits_since(None) == 1
    if offer.rule == OfferRule.NTH_CHECKIN:
        return visits_since(None) % offer.every_n == 0
    if offer.rule == OfferRule.FREQUENCY:
        # Each reward needs every_n fresh visits within the window: the ones that earned the
        # last reward do not count again.
        since = checked_in_at - timedelta(days=offer.window_days)
        last_grant = (
            RewardGrant.objects.filter(offer=offer, resident=resident)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        if last_grant is not None and last_grant > since:
            since = last_grant
        return visits_since(since) >= offer.every_n
    return False


def _grant(offer: Offer, resident, checkin_id, checked_in_at: datetime) -> dict:
    pool = pool_account(offer)
    key = f"offer:{offer.pk}:checkin:{checkin_id}"
    reference = f"checkin:{checkin_id}"
    if offer.voucher_title:
        voucher = voucher_issue(
            resident=resident,
            title=offer.voucher_title,
            council=offer.council,
            venue=offer.venue,
            source_account=pool,
            offer=offer,
            valid_days=offer.voucher_valid_days,
            idempotency_key=key,
            reference=reference,
            now=checked_in_at,
        )
        if offer.stripe_coupon_id:
            promotion_code_request(voucher=voucher, coupon_id=offer.stripe_coupon_id)
        RewardGrant.objects.create(
            offer=offer,
            resident=resident,
            checkin_id=checkin_id,
            voucher=voucher,
            transaction=voucher.issue_transaction,
            created_at=checked_in_at,
        )
        return {"offer": str(offer.pk), "kind": "voucher", "voucher": str(voucher.pk)}
    posted = points_credit(
        resident=resident,
        amount=offer.points,
        source=pool,
        idempotency_key=key,
        memo=f"Offer: {offer.title}",
        reference=reference,
        now=checked_in_at,
    )
    RewardGrant.objects.create(
        offer=offer,
        resident=resident,
        checkin_id=checkin_id,
        points=offer.points,
        transaction=posted,
        created_at=checked_in_at,
    )
    return {"offer": str(offer.pk), "kind": "points", "points": offer.points}


def rewards_for_checkin(
    *,
    resident,
    venue: Venue,
    checkin_id,
    checked_in_at: datetime,
    visits_since: Callable[[datetime | None], int],
) -> tuple[int, list[dict]]:
    """Give what the live offers owe for one accepted check-in; returns the points earned and
    the rewards (``{"offer", "kind", "points"?, "voucher"?}``).

    Must run inside the check-in's transaction, under its row lock on the resident: that lock
    serialises the resident's check-ins, so counting their grants for ``per_user_limit`` (and
    for the frequency rule) cannot race. ``visits_since(since)`` counts the resident's
    check-ins at the venue after ``since`` (None: all), this one included.
    """
    total, rewards = 0, []
    at = checked_in_at or timezone.now()
    if not _may_have_live_offers(venue, at):
        return total, rewards
    for offer in offers_live_for(venue, at):
        if not _earns(offer, resident, checked_in_at, visits_since):
            continue
        if offer.per_user_limit is not None:
            held = RewardGrant.objects.filter(offer=offer, resident=resident).count()
            if held >= offer.per_user_limit:
                continue
        try:
            # A savepoint per offer: a pool that refuses (budget spent) leaves nothing behind.
            with transaction.atomic():
                reward = _grant(offer, resident, checkin_id, checked_in_at)
        except InsufficientBalance:
            continue
        total += reward.get("points", 0)
        rewards.append(reward)
    return total, rewards
