"""Offers: creating and changing them, and what they give for a check-in (API.md, "Offers").

Each offer pays from its own ledger pool, ``offer:<id>:pool`` (POINTS for a points offer,
VOUCHER for a voucher offer). A capped offer's pool may fall to ``-(max_rewards * points)``
(or ``-max_rewards`` vouchers) and no lower, so the budget is the account's limit: when the
pool cannot pay, the offer simply stops rewarding, however many check-ins arrive at once.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from backend import errors
from backend.errors import ApplicationError
from backend.updates import refuse_unknown_fields
from rewards import account_names, error_codes
from rewards.bounds import OFFER_MAXIMA, over_maxima_errors
from rewards.ledger.models import Asset, LedgerAccount
from rewards.ledger.services import (
    InsufficientBalance,
    account_cap_set,
    account_get_or_create,
    account_lock,
    cap_minimum,
)
from rewards.models import Offer, OfferRule, RewardGrant
from rewards.offers.selectors import (
    offer_grants_count,
    offer_last_grant_at,
    offers_live_for,
    offers_may_be_live_for,
)
from rewards.stripe import client as stripe_client
from rewards.stripe.outbox import promotion_code_request
from rewards.vouchers.services import voucher_issue
from rewards.wallet.services import points_credit
from venues.models import Council, Venue

logger = logging.getLogger(__name__)

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
# A change to any of these asks Stripe about the offer's coupon again.
COUPON_FIELDS = frozenset({"stripe_coupon_id", "voucher_title", "voucher_valid_days", "ends_at"})
COUNTING_RULES = frozenset({OfferRule.NTH_CHECKIN, OfferRule.FREQUENCY})


def pool_asset(offer: Offer) -> str:
    return Asset.VOUCHER if offer.voucher_title else Asset.POINTS


def pool_account(offer: Offer) -> LedgerAccount:
    """The offer's pool, made on first use with the limit its cap implies."""
    return account_get_or_create(
        name=account_names.offer_pool(offer.pk),
        asset=pool_asset(offer),
        min_balance=cap_minimum(_pool_cap(offer, 0)),
    )


def _pool_cap(offer: Offer, given: int) -> int | None:
    """What the pool may pay out in all (in its units): what was already paid (``given``) plus
    what the rewards left under the cap may still take."""
    if offer.max_rewards is None:
        return None
    if offer.voucher_title:
        return offer.max_rewards
    rewards_given = offer_grants_count(offer=offer) if given else 0
    return given + (offer.max_rewards - rewards_given) * offer.points


def offer_field_errors(offer: Offer) -> dict[str, list[str]]:
    """What `offer_create` and `offer_update` refuse in the offer's own fields, read from the
    (unsaved) instance alone: the back office's form asks before it saves."""
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
    for field, messages in over_maxima_errors(offer, OFFER_MAXIMA).items():
        refuse(field, messages[0])
    return problems


def _validate(offer: Offer) -> None:
    problems = offer_field_errors(offer)
    if problems:
        raise ApplicationError(errors.INVALID, "Some fields are invalid.", fields=problems)


def offer_coupon_errors(offer: Offer) -> dict[str, list[str]]:
    """What Stripe says of the offer's coupon (``GET /v1/coupons/{id}``): refused when Stripe
    has no such coupon, has turned it off, or it ends (``redeem_by``) before the offer's last
    voucher would expire (an open-ended offer's vouchers have no last one); a promotion code
    cannot outlive its coupon, so such vouchers would fail at Stripe. Without Stripe (no key,
    or Stripe unreachable) the check is skipped with a warning: the outbox reports a bad coupon
    per voucher later."""
    if not offer.stripe_coupon_id or not offer.voucher_title:
        return {}
    try:
        coupon = stripe_client.coupon_get(coupon_id=offer.stripe_coupon_id)
    except (stripe_client.StripeNotConfigured, stripe_client.StripeCallFailed) as exc:
        if isinstance(exc, stripe_client.StripeCallFailed) and not exc.retryable:
            return {"stripe_coupon_id": [str(exc)]}
        logger.warning("Stripe coupon %r not checked: %s", offer.stripe_coupon_id, exc)
        return {}
    if coupon is None:
        return {"stripe_coupon_id": [f"No such coupon: '{offer.stripe_coupon_id}'."]}
    if not coupon.valid:
        return {"stripe_coupon_id": ["Stripe says the coupon is no longer valid."]}
    if coupon.redeem_by is None:
        return {}
    valid_days = offer.voucher_valid_days or settings.VOUCHER_VALID_DAYS
    if offer.ends_at is None:
        return {
            "stripe_coupon_id": [
                f"The coupon ends (redeem_by) on {coupon.redeem_by:%Y-%m-%d %H:%M} UTC, and an "
                "offer without ends_at issues vouchers after that: set ends_at."
            ]
        }
    last_expiry = offer.ends_at + timedelta(days=valid_days)
    if last_expiry > coupon.redeem_by:
        return {
            "stripe_coupon_id": [
                f"The coupon ends (redeem_by) on {coupon.redeem_by:%Y-%m-%d %H:%M} UTC, before "
                f"the offer's last voucher would expire ({last_expiry:%Y-%m-%d %H:%M} UTC): end "
                f"the offer by {coupon.redeem_by - timedelta(days=valid_days):%Y-%m-%d %H:%M} "
                "UTC or give fewer voucher_valid_days."
            ]
        }
    return {}


def _validate_coupon(offer: Offer) -> None:
    problems = offer_coupon_errors(offer)
    if problems:
        raise ApplicationError(
            error_codes.INVALID_COUPON, problems["stripe_coupon_id"][0], fields=problems
        )


def _owner_errors(council: Council | None, venue: Venue | None) -> dict[str, list[str]]:
    if venue is not None and council is not None and council.pk != venue.council_id:
        return {"council": ["A venue offer belongs to the venue's council."]}
    if venue is None and council is None:
        return {"venue": ["Name a venue or a council."]}
    return {}


def offer_create_errors(
    *, council: Council | None, venue: Venue | None, fields: dict
) -> dict[str, list[str]]:
    """What `offer_create` would refuse in this input (no database write): the back office's
    form asks first, so a refusal is shown beside its field."""
    problems = _owner_errors(council, venue)
    if problems:
        return problems
    owner = venue.council if venue is not None else council
    offer = Offer(council=owner, venue=venue, **fields)
    return offer_field_errors(offer) or offer_coupon_errors(offer)


def offer_create(
    *, council: Council | None, venue: Venue | None = None, created_by, **fields
) -> Offer:
    """A venue's offer (``venue``) or a council-wide one, with its pool account."""
    refuse_unknown_fields(data=fields, allowed=EDITABLE_FIELDS)
    problems = _owner_errors(council, venue)
    if problems:
        raise ApplicationError(errors.INVALID, "Some fields are invalid.", fields=problems)
    if venue is not None:
        council = venue.council
    offer = Offer(council=council, venue=venue, created_by=created_by, **fields)
    _validate(offer)
    _validate_coupon(offer)  # asks Stripe: outside the transaction
    with transaction.atomic():
        offer.save()
        pool_account(offer)
    return offer


def _rewarded_offer_errors(offer: Offer, old_asset: str, rewards_given: int) -> dict:
    """What a change may not do to an offer that has already rewarded."""
    if pool_asset(offer) != old_asset and rewards_given:
        return {"points": ["An offer that has rewarded cannot switch what it gives."]}
    if offer.max_rewards is not None and offer.max_rewards < rewards_given:
        return {
            "max_rewards": [f"{rewards_given} rewards were already given; the cap cannot be lower."]
        }
    return {}


def offer_update_errors(*, offer: Offer, changes: dict) -> dict[str, list[str]]:
    """What `offer_update` would refuse in ``changes``, read without its locks: the back
    office's form asks first, so a refusal is shown beside its field. The service asks again
    under its locks and has the last word."""
    refuse_unknown_fields(data=changes, allowed=EDITABLE_FIELDS)
    stored = Offer.objects.get(pk=offer.pk)
    old_asset = pool_asset(stored)
    for field, value in changes.items():
        setattr(stored, field, value)
    return (
        offer_field_errors(stored)
        or _rewarded_offer_errors(stored, old_asset, offer_grants_count(offer=stored))
        or (offer_coupon_errors(stored) if COUPON_FIELDS & set(changes) else {})
    )


def offer_update(*, offer: Offer, changes: dict) -> Offer:
    """Change an offer's fields. A new ``max_rewards`` moves the pool's limit; it may not be
    set below the rewards already given, nor may a rewarded offer switch points for vouchers."""
    refuse_unknown_fields(data=changes, allowed=EDITABLE_FIELDS)
    if COUPON_FIELDS & set(changes):
        changed = Offer.objects.get(pk=offer.pk)
        for field, value in changes.items():
            setattr(changed, field, value)
        _validate(changed)
        _validate_coupon(changed)  # asks Stripe: outside the transaction
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        old_asset = pool_asset(offer)
        for field, value in changes.items():
            setattr(offer, field, value)
        _validate(offer)
        # Locking the pool first: a check-in's grant is posted on the pool and recorded in
        # the same transaction, so under this lock the grants counted are all there are.
        pool = account_lock(pool_account(offer))
        problems = _rewarded_offer_errors(offer, old_asset, offer_grants_count(offer=offer))
        if problems:
            raise ApplicationError(errors.INVALID, "Some fields are invalid.", fields=problems)
        account_cap_set(account=pool, cap=_pool_cap(offer, pool.paid_out))
        offer.save()
    return offer


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
        last_grant = offer_last_grant_at(offer=offer, resident=resident)
        if last_grant is not None and last_grant > since:
            since = last_grant
        return visits_since(since) >= offer.every_n
    return False


def _grant(offer: Offer, resident, checkin_id, checked_in_at: datetime) -> dict:
    pool = pool_account(offer)
    key = account_names.offer_grant_key(offer.pk, checkin_id)
    reference = account_names.checkin_reference(checkin_id)
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


def _offer_reward(
    offer: Offer, resident, checkin_id, checked_in_at: datetime, visits_since
) -> dict | None:
    """What one offer gives for the check-in (None: nothing)."""
    if not _earns(offer, resident, checked_in_at, visits_since):
        return None
    limit = offer.per_user_limit
    if limit is not None and offer_grants_count(offer=offer, resident=resident) >= limit:
        return None
    return _grant(offer, resident, checkin_id, checked_in_at)


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
    if not offers_may_be_live_for(venue, at):
        return total, rewards
    for offer in offers_live_for(venue, at):
        try:
            # A savepoint per offer: a pool that refuses (budget spent) leaves nothing behind,
            # and nor does an offer that fails for any other reason: it is skipped and logged,
            # the check-in stands and the other offers still give. Nothing a manager saves may
            # stop a venue's check-ins.
            with transaction.atomic():
                reward = _offer_reward(offer, resident, checkin_id, checked_in_at, visits_since)
        except InsufficientBalance:
            continue
        except (OperationalError, InterfaceError):
            # The database itself failed (a dropped connection, a lock timeout): that is not
            # this offer's fault, and the transaction cannot go on. The whole check-in fails
            # and leaves nothing; the phone's retry, under its Idempotency-Key, succeeds once.
            raise
        except Exception:
            logger.exception("Offer %s failed for check-in %s; skipped", offer.pk, checkin_id)
            continue
        if reward is None:
            continue
        total += reward.get("points", 0)
        rewards.append(reward)
    return total, rewards
