"""Stripe's webhook events, acted on once each.

Each event is stored (``StripeEvent``, keyed by its id) in the transaction that acts on it:
a delivery Stripe repeats, or two arriving at once, find the row and do nothing, and a failure
rolls the row back with the rest so that Stripe's next delivery tries again. A checkout whose
discounts used a voucher's promotion code redeems the voucher, as staff redeeming it at the desk
would, once it is paid: ``checkout.session.completed`` with ``payment_status`` ``paid`` or
``no_payment_required``, or, for delayed payment methods (``unpaid`` at completion),
``checkout.session.async_payment_succeeded``; ``async_payment_failed`` is recorded and the
voucher stays issued. Sessions carry ``discounts`` only from API version 2025-01-27: an event
from a webhook endpoint on an older version is logged as an error and recorded, as its
vouchers cannot be told apart; what cannot be squared (the voucher already used at the desk,
or lapsed, before the checkout; a code we do not know) is recorded in the event's outcome and
logged for the council to follow up, never raised at Stripe.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from rewards import account_names
from rewards.models import StripeEvent, StripePromotionCode, Voucher, VoucherStatus
from rewards.vouchers.services import voucher_settle

logger = logging.getLogger(__name__)


def stripe_event_record(*, event: Any) -> str:
    """Act on a verified Stripe event once; returns what was done (for the answer and the
    event's row)."""
    if not isinstance(event, dict):
        return "ignored: not an event"
    event_id, event_type = event.get("id"), event.get("type")
    if not (isinstance(event_id, str) and event_id and isinstance(event_type, str)):
        return "ignored: not an event"
    with transaction.atomic():
        try:
            with transaction.atomic():
                stored = StripeEvent.objects.create(event_id=event_id[:255], type=event_type[:100])
        except IntegrityError:
            return "duplicate: already processed"
        outcome = _act_on(event_type, event)
        stored.outcome = outcome[:200]
        stored.save(update_fields=["outcome"])
    return outcome


COMPLETED = "checkout.session.completed"
PAYMENT_SUCCEEDED = "checkout.session.async_payment_succeeded"
PAYMENT_FAILED = "checkout.session.async_payment_failed"
PAID = frozenset({"paid", "no_payment_required"})
# The first API version whose checkout sessions carry ``discounts``.
DISCOUNTS_SINCE = "2025-01-27"


def _act_on(event_type: str, event: dict[str, Any]) -> str:
    if event_type not in (COMPLETED, PAYMENT_SUCCEEDED, PAYMENT_FAILED):
        return f"ignored: {event_type[:80]}"
    data = event.get("data")
    session = data.get("object") if isinstance(data, dict) else None
    if not isinstance(session, dict):
        return "ignored: no checkout session"
    api_version = event.get("api_version")
    if isinstance(api_version, str) and api_version[:10] < DISCOUNTS_SINCE:
        logger.error(
            "Stripe event %s comes from a webhook endpoint on API version %s, whose checkout "
            "sessions have no discounts: vouchers used online are not seen. Move the endpoint "
            "to %s or later (README, Stripe).",
            event.get("id"),
            api_version,
            DISCOUNTS_SINCE,
        )
        return (
            f"unsupported api_version {api_version[:40]}: sessions have no discounts before "
            f"{DISCOUNTS_SINCE}; checkout {str(session.get('id'))[:60]} not checked"
        )
    codes = _promotion_codes_used(session)
    if not codes:
        return "ignored: no promotion code used"
    if event_type == PAYMENT_FAILED:
        logger.warning("Checkout %s's payment failed; its codes stay issued", session.get("id"))
        return "payment failed; voucher(s) left issued: " + ", ".join(codes)
    if event_type == COMPLETED and session.get("payment_status") not in PAID:
        return f"awaiting payment ({str(session.get('payment_status'))[:30]}): " + ", ".join(codes)
    used_at = _when(event.get("created"))
    vouchers = list(
        Voucher.objects.select_for_update().filter(stripe_promotion_code__in=codes).order_by("pk")
    )
    redeemed, conflicts = 0, []
    for voucher in vouchers:
        if voucher.status != VoucherStatus.ISSUED or voucher.has_lapsed(used_at):
            conflicts.append(f"{voucher.code} was {voucher.status}")
            logger.warning(
                "Checkout %s used voucher %s (%s), which was already %s",
                session.get("id"),
                voucher.pk,
                voucher.code,
                voucher.status,
            )
            continue
        voucher_settle(
            voucher=voucher,
            status=VoucherStatus.REDEEMED,
            idempotency_key=account_names.voucher_redeem_key(
                voucher.pk, voucher.redemptions_undone
            ),
            redeemed_at=used_at,
            # Counted at the offer's venue in its stats (a council-wide one has none).
            redeemed_venue=voucher.venue,
        )
        # Used up at Stripe (max_redemptions=1): there is nothing to turn off.
        StripePromotionCode.objects.filter(
            voucher=voucher, state=StripePromotionCode.State.DEACTIVATING
        ).update(state=StripePromotionCode.State.DEACTIVATED, last_error="")
        redeemed += 1
    outcome = f"redeemed {redeemed} voucher(s)"
    if conflicts:
        outcome += "; conflict: " + ", ".join(conflicts)
    unknown = sorted(set(codes) - {voucher.stripe_promotion_code for voucher in vouchers})
    if unknown:
        outcome += "; unknown promotion code(s): " + ", ".join(unknown)
        logger.warning(
            "Checkout %s used promotion codes we do not know: %s", session.get("id"), unknown
        )
    return outcome


def _when(created: Any) -> datetime:
    """The event's time (when the checkout completed), or now if it does not say one: not an
    integer, or none a date can hold (``datetime`` stops at year 9999; a signed event with
    ``created: 10**20`` once answered 500)."""
    if isinstance(created, int) and not isinstance(created, bool) and created > 0:
        try:
            return datetime.fromtimestamp(created, tz=UTC)
        except (OverflowError, OSError, ValueError):
            logger.warning("Stripe event with an impossible created time: %s", created)
    return timezone.now()


def _promotion_codes_used(session: dict[str, Any]) -> list[str]:
    """The promotion code ids of a completed checkout's ``discounts`` (expanded or not)."""
    codes = []
    discounts = session.get("discounts")
    for discount in discounts if isinstance(discounts, list) else []:
        code = discount.get("promotion_code") if isinstance(discount, dict) else None
        if isinstance(code, dict):
            code = code.get("id")
        if isinstance(code, str) and code:
            codes.append(code)
    return codes
