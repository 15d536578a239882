"""Vouchers that are also Stripe promotion codes: the outbox, and Stripe's word that one was used.

Issuing such a voucher writes a ``StripePromotionCode`` row in the same transaction
(``promotion_code_request``); once that commits, a task asks Stripe for the code
(``voucher_promotion_code_create``). A failure Stripe may recover from is tried again with
exponential backoff by the minute-by-minute drain (rewards.tasks.stripe_outbox_drain), up to
STRIPE_OUTBOX_MAX_ATTEMPTS; one it will not (an unknown coupon) fails at once. The voucher works
in person all along; only the online checkout waits for its code.

The webhook side (``stripe_event_record``): each event is stored once, in the transaction that
acts on it, so a delivery Stripe repeats (or two at once) acts once. A completed checkout that
used a voucher's promotion code redeems the voucher, as staff redeeming it in person would.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from rewards import stripe_client
from rewards.models import StripeEvent, StripePromotionCode, Voucher, VoucherStatus
from rewards.stripe_client import StripeCallFailed, StripeNotConfigured
from rewards.vouchers import voucher_settle

logger = logging.getLogger(__name__)

State = StripePromotionCode.State
# While one worker is asking Stripe, others leave the row alone for this long.
LEASE = timedelta(minutes=5)
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
DRAIN_BATCH = 100


def promotion_code_request(*, voucher: Voucher, coupon_id: str) -> StripePromotionCode:
    """Queue the Stripe promotion code of a voucher being issued. Call inside the issuing
    transaction: the row commits with the voucher, and the call to Stripe waits for both."""
    row, created = StripePromotionCode.objects.get_or_create(
        voucher=voucher, defaults={"coupon_id": coupon_id}
    )
    if not created:
        return row  # an idempotent replay of the issue: already queued
    voucher_id = str(voucher.pk)

    def enqueue() -> None:
        from rewards.tasks import stripe_promotion_code_create  # rewards.tasks imports us

        stripe_promotion_code_create.delay(voucher_id)

    # robust: the check-in stands if the queue is down; the drain picks the row up.
    transaction.on_commit(enqueue, robust=True)
    return row


def _backoff(attempts: int) -> timedelta:
    return min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** max(0, attempts - 1))


def voucher_promotion_code_create(*, voucher_id) -> str:
    """Ask Stripe for one voucher's promotion code, if it is due; returns the row's state."""
    now = timezone.now()
    with transaction.atomic():
        row = (
            StripePromotionCode.objects.select_for_update()
            .select_related("voucher")
            .filter(pk=voucher_id)
            .first()
        )
        if row is None or row.state != State.PENDING or row.next_attempt_at > now:
            return row.state if row else "missing"
        voucher = row.voucher
        if voucher.status != VoucherStatus.ISSUED or voucher.expires_at <= now:
            _finish(row, State.FAILED, error=f"The voucher is {voucher.status}: no code needed.")
            return row.state
        row.attempts += 1
        row.next_attempt_at = now + LEASE  # other drains keep off while Stripe is asked
        row.save(update_fields=["attempts", "next_attempt_at", "updated_at"])
    try:
        created = stripe_client.promotion_code_create(
            voucher_id=str(voucher.pk),
            code=voucher.code,
            coupon_id=row.coupon_id,
            expires_at=voucher.expires_at,
        )
    except StripeNotConfigured as exc:
        return _retry_later(row, str(exc))
    except StripeCallFailed as exc:
        if exc.retryable:
            return _retry_later(row, str(exc))
        with transaction.atomic():
            _finish(row, State.FAILED, error=str(exc))
        return row.state
    with transaction.atomic():
        Voucher.objects.filter(pk=voucher.pk).update(stripe_promotion_code=created.id)
        _finish(row, State.CREATED, promotion_code_id=created.id)
    return row.state


def _retry_later(row: StripePromotionCode, error: str) -> str:
    with transaction.atomic():
        if row.attempts >= settings.STRIPE_OUTBOX_MAX_ATTEMPTS:
            _finish(row, State.FAILED, error=f"Gave up after {row.attempts} attempts: {error}")
        else:
            row.next_attempt_at = timezone.now() + _backoff(row.attempts)
            row.last_error = error
            row.save(update_fields=["next_attempt_at", "last_error", "updated_at"])
    logger.warning("Stripe promotion code of voucher %s: %s", row.pk, error)
    return row.state


def _finish(row: StripePromotionCode, state: str, *, error: str = "", promotion_code_id=""):
    row.state = state
    row.last_error = error
    row.promotion_code_id = promotion_code_id
    row.save(update_fields=["state", "last_error", "promotion_code_id", "updated_at"])


def promotion_codes_due() -> list[str]:
    """The vouchers whose promotion code is due another try, soonest first."""
    return [
        str(pk)
        for pk in StripePromotionCode.objects.filter(
            state=State.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:DRAIN_BATCH]
    ]


# --- Webhooks


def stripe_event_record(*, event: dict[str, Any]) -> str:
    """Act on a verified Stripe event once; returns what was done (for the answer and the
    log). Runs in one transaction with the event's row, so a failure leaves nothing behind and
    Stripe's redelivery tries again."""
    event_id, event_type = event.get("id"), event.get("type", "")
    if not isinstance(event_id, str) or not event_id:
        return "ignored: no event id"
    try:
        with transaction.atomic():
            stored = StripeEvent.objects.create(event_id=event_id, type=event_type[:100])
            outcome = _act_on(event_type, event.get("data", {}).get("object") or {})
            stored.outcome = outcome[:200]
            stored.save(update_fields=["outcome"])
    except IntegrityError:
        return "duplicate: already processed"
    return outcome


def _act_on(event_type: str, obj: dict[str, Any]) -> str:
    if event_type != "checkout.session.completed":
        return f"ignored: {event_type}"
    codes = _promotion_codes_used(obj)
    if not codes:
        return "ignored: no promotion code used"
    redeemed = 0
    now = timezone.now()
    for voucher in (
        Voucher.objects.select_for_update().filter(stripe_promotion_code__in=codes).order_by("pk")
    ):
        if voucher.status != VoucherStatus.ISSUED:
            # Redeemed in person first, or lapsed: Stripe allowed one use, the ledger had one.
            logger.warning(
                "Checkout %s used voucher %s, which is %s",
                obj.get("id"),
                voucher.pk,
                voucher.status,
            )
            continue
        voucher_settle(
            voucher=voucher,
            status=VoucherStatus.REDEEMED,
            idempotency_key=f"voucher:{voucher.pk}:redeem",
            redeemed_at=now,
        )
        redeemed += 1
    return f"redeemed {redeemed} voucher(s)"


def _promotion_codes_used(session: dict[str, Any]) -> list[str]:
    """The promotion code ids of a completed checkout's ``discounts`` (expanded or not)."""
    codes = []
    for discount in session.get("discounts") or []:
        code = discount.get("promotion_code") if isinstance(discount, dict) else None
        if isinstance(code, dict):
            code = code.get("id")
        if isinstance(code, str) and code:
            codes.append(code)
    return codes
