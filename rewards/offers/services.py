"""Offers: creating and changing them, and what they give for a check-in (API.md, "Offers").

Each offer pays from its own ledger pool, ``offer:<id>:pool`` (POINTS for a points offer,
VOUCHER for a voucher offer). A capped offer's pool may fall to ``-(max_rewards * points)``
(or ``-max_rewards`` vouchers) and no lower, so the budget is the account's limit: when the
pool cannot pay, the offer simply stops rewarding, however many check-ins arrive at once.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext, gettext_noop, ngettext

from backend import errors
from backend.errors import ApplicationError
from backend.updates import refuse_unknown_fields
from rewards import account_names, error_codes
from rewards.bounds import OFFER_MAXIMA, over_maxima_errors
from rewards.evidence import Evidence
from rewards.ledger.models import Asset, LedgerAccount
from rewards.ledger.services import (
    account_cap_set,
    account_lock,
    cap_minimum,
)
from rewards.models import Offer, OfferAudience, OfferRule
from rewards.offers.selectors import (
    offer_grants_count,
)
from rewards.stripe import client as stripe_client
from venues.activity.sentences import said
from venues.activity.services import activity_record, changed_fields_text
from venues.models import Council, Venue

logger = logging.getLogger(__name__)

# The fields a manager sets, in the order the API shows them.
EDITABLE_FIELDS = (
    "title",
    "title_cy",
    "description",
    "description_cy",
    "rule",
    "points",
    "voucher_title",
    "voucher_title_cy",
    "stripe_coupon_id",
    "voucher_valid_days",
    "every_n",
    "window_days",
    "starts_at",
    "ends_at",
    "max_rewards",
    "per_user_limit",
    "is_active",
    "accepts",
    "audience",
)
# A change to any of these asks Stripe about the offer's coupon again.
COUPON_FIELDS = frozenset({"stripe_coupon_id", "voucher_title", "voucher_valid_days", "ends_at"})
COUNTING_RULES = frozenset({OfferRule.NTH_CHECKIN, OfferRule.FREQUENCY})
# What an offer for children must accept: what a child (or their parent) shows without a fix.
CHILDREN_EARN_WITH = (Evidence.POSTER, Evidence.DESK_SCREEN, Evidence.STAFF)


def pool_asset(offer: Offer) -> str:
    return Asset.VOUCHER if offer.voucher_title else Asset.POINTS


def pool_account(offer: Offer) -> LedgerAccount:
    """The offer's pool (made with it by `offer_create`), read afresh."""
    return LedgerAccount.objects.get(pk=offer.pool_id)


def _pool_of_its_kind(offer: Offer) -> LedgerAccount:
    """The offer's pool in the asset it gives, made (with the limit its cap implies) if the
    offer never paid in that asset: at its creation, or on a switch before its first reward."""
    pool, _ = LedgerAccount.objects.get_or_create(
        name=account_names.offer_pool(offer.pk),
        asset=pool_asset(offer),
        defaults={"min_balance": cap_minimum(_pool_cap(offer, 0))},
    )
    return pool


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
        refuse("title", gettext("An offer needs a title."))
    if offer.rule not in OfferRule.values:
        refuse(
            "rule", gettext("Must be one of %(values)s.") % {"values": ", ".join(OfferRule.values)}
        )
    if offer.points and offer.voucher_title:
        refuse("points", gettext("An offer rewards points or a voucher, not both."))
    elif not offer.points and not offer.voucher_title:
        refuse(
            "points",
            gettext("An offer rewards points (more than 0) or a voucher (voucher_title)."),
        )
    if offer.stripe_coupon_id and not offer.voucher_title:
        refuse(
            "stripe_coupon_id",
            gettext("A Stripe coupon comes only with a voucher (voucher_title)."),
        )
    if offer.rule in COUNTING_RULES and not offer.every_n:
        refuse(
            "every_n",
            gettext("A %(rule)s offer needs every_n (at least 1).") % {"rule": offer.rule},
        )
    if offer.rule == OfferRule.FREQUENCY and not offer.window_days:
        refuse("window_days", gettext("A frequency offer needs window_days (at least 1)."))
    if offer.starts_at and offer.ends_at and offer.ends_at <= offer.starts_at:
        refuse("ends_at", gettext("An offer must end after it starts."))
    for field in ("max_rewards", "per_user_limit", "every_n", "window_days"):
        value = getattr(offer, field)
        if value is not None and value < 1:
            refuse(field, gettext("Must be at least 1."))
    for field, messages in over_maxima_errors(offer, OFFER_MAXIMA).items():
        refuse(field, messages[0])
    if not offer.accepted_evidence:
        refuse(
            "accepts",
            gettext("An offer must accept at least one kind of evidence of presence."),
        )
    if offer.audience not in OfferAudience.values:
        refuse(
            "audience",
            gettext("Must be one of %(values)s.") % {"values": ", ".join(OfferAudience.values)},
        )
    elif offer.audience == OfferAudience.CHILDREN and not set(CHILDREN_EARN_WITH) <= set(
        offer.accepts
    ):
        # ICO Children's code: no nudge to share a location to earn more.
        refuse(
            "accepts",
            gettext(
                "An offer for children must accept the poster, the desk screen and staff: "
                "a child never needs to share a location to earn it."
            ),
        )
    return problems


def _validate(offer: Offer) -> None:
    problems = offer_field_errors(offer)
    if problems:
        raise ApplicationError(errors.INVALID, gettext("Some fields are invalid."), fields=problems)


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
        return {
            "stripe_coupon_id": [
                gettext("No such coupon: '%(coupon)s'.") % {"coupon": offer.stripe_coupon_id}
            ]
        }
    if not coupon.valid:
        return {"stripe_coupon_id": [gettext("Stripe says the coupon is no longer valid.")]}
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
        return {"council": [gettext("A venue offer belongs to the venue's council.")]}
    if venue is None and council is None:
        return {"venue": [gettext("Name a venue or a council.")]}
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
        raise ApplicationError(errors.INVALID, gettext("Some fields are invalid."), fields=problems)
    if venue is not None:
        council = venue.council
    offer = Offer(council=council, venue=venue, created_by=created_by, **fields)
    _validate(offer)
    _validate_coupon(offer)  # asks Stripe: outside the transaction
    with transaction.atomic():
        offer.pool = _pool_of_its_kind(offer)
        offer.save()
        activity_record(
            actor=created_by,
            action="offer.created",
            obj=offer,
            summary=(
                said(
                    gettext_noop("Offer '%(title)s' created at %(venue)s."),
                    title=offer.title,
                    venue=offer.venue.name,
                )
                if offer.venue is not None
                else said(
                    gettext_noop("Offer '%(title)s' created for the whole council."),
                    title=offer.title,
                )
            ),
        )
    return offer


def _rewarded_offer_errors(offer: Offer, old_asset: str, rewards_given: int) -> dict:
    """What a change may not do to an offer that has already rewarded."""
    if pool_asset(offer) != old_asset and rewards_given:
        return {"points": [gettext("An offer that has rewarded cannot switch what it gives.")]}
    if offer.max_rewards is not None and offer.max_rewards < rewards_given:
        return {
            "max_rewards": [
                ngettext(
                    "%(count)d reward was already given; the cap cannot be lower.",
                    "%(count)d rewards were already given; the cap cannot be lower.",
                    rewards_given,
                )
                % {"count": rewards_given}
            ]
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


def offer_update(*, offer: Offer, changes: dict, actor=None) -> Offer:
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
            raise ApplicationError(
                errors.INVALID, gettext("Some fields are invalid."), fields=problems
            )
        if pool_asset(offer) != old_asset:
            # Points for a voucher or the other way round, before any reward (the check above):
            # the pool holds the other asset now, so the offer pays from a pool of its own kind.
            offer.pool = pool = account_lock(_pool_of_its_kind(offer))
        account_cap_set(account=pool, cap=_pool_cap(offer, pool.paid_out))
        offer.save()
        activity_record(
            actor=actor,
            action="offer.changed",
            obj=offer,
            summary=(
                said(
                    gettext_noop("Offer '%(title)s' at %(venue)s: changed %(fields)s."),
                    title=offer.title,
                    venue=offer.venue.name,
                    fields=changed_fields_text(changes),
                )
                if offer.venue is not None
                else said(
                    gettext_noop("Offer '%(title)s' for the whole council: changed %(fields)s."),
                    title=offer.title,
                    fields=changed_fields_text(changes),
                )
            ),
        )
    return offer
