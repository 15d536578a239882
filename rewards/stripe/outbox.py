"""Vouchers that are also Stripe promotion codes: the outbox that makes and retires them.

Issuing such a voucher writes a ``StripePromotionCode`` row in the same transaction
(``promotion_code_request``); once that commits, a task asks Stripe for the code
(``voucher_promotion_code_create``). A voucher used at the desk (or voided) while its code is
live has the code turned off (``promotion_code_retire`` from ``voucher_settle``, then
``voucher_promotion_code_deactivate``), so a voucher cannot be spent twice; an expiring one needs
nothing, as its code expires with it. Failures Stripe may recover from are tried again with
exponential backoff by the minute-by-minute drain (rewards.stripe.tasks.stripe_outbox_drain), up to
STRIPE_OUTBOX_MAX_ATTEMPTS (after a 5xx, which Stripe replays to the same idempotency key,
the code is looked up and, if Stripe has none, the next attempt uses a new key); refusals fail
at once; ``promotion_codes_retry_failed`` (manage.py
stripe_outbox_retry) puts failed rows back. The voucher works in person all along.

Each Stripe call runs outside any transaction, under a lease: the row is claimed (locked,
``attempts`` counted, ``next_attempt_at`` pushed past the call) and the answer is written under
the lock again, checking nothing moved meanwhile.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from backend.transitions import TransitionError, check_move
from rewards.models import StripePromotionCode, Voucher, VoucherStatus
from rewards.stripe import client as stripe_client
from rewards.stripe.client import StripeCallFailed, StripeNotConfigured
from rewards.stripe.tasks import stripe_promotion_code_create, stripe_promotion_code_deactivate

logger = logging.getLogger(__name__)

State = StripePromotionCode.State
# While one worker is asking Stripe, others leave the row alone for this long.
LEASE = timedelta(minutes=5)
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
# Without a key nothing is attempted: look again this often, without counting attempts.
NOT_CONFIGURED_WAIT = timedelta(minutes=10)
DRAIN_BATCH = 100


class OutboxTransitionError(TransitionError):
    """A state change StripePromotionCode.TRANSITIONS does not allow: a bug in the caller."""


def _move(row: StripePromotionCode, state: str, **fields) -> None:
    check_move(
        StripePromotionCode.TRANSITIONS,
        row.state,
        state,
        what="promotion code",
        error=OutboxTransitionError,
    )
    row.state = state
    for name, value in fields.items():
        setattr(row, name, value)
    row.save(update_fields=["state", *fields, "updated_at"])


def _enqueue(task, voucher_id: str) -> None:
    # robust: what was committed stands if the queue is down; the drain picks the row up.
    transaction.on_commit(lambda: task.delay(voucher_id), robust=True)


def promotion_code_request(*, voucher: Voucher, coupon_id: str) -> StripePromotionCode:
    """Queue the Stripe promotion code of a voucher being issued. Call inside the issuing
    transaction: the row commits with the voucher, and the call to Stripe waits for both."""
    row, created = StripePromotionCode.objects.get_or_create(
        voucher=voucher, defaults={"coupon_id": coupon_id}
    )
    if created:  # not an idempotent replay of the issue
        _enqueue(stripe_promotion_code_create, str(voucher.pk))
    return row


def promotion_code_retire(*, voucher: Voucher) -> None:
    """The voucher was used at the desk or voided: its code must not work online any more.
    Call in the transaction that settles it, under its lock."""
    row = StripePromotionCode.objects.select_for_update().filter(voucher=voucher).first()
    if row is None:
        return
    if row.state == State.CREATED:
        _move(row, State.DEACTIVATING, next_attempt_at=timezone.now(), attempts=0)
        _enqueue(stripe_promotion_code_deactivate, str(voucher.pk))
    elif row.state == State.PENDING:
        # Not made yet, or being made right now: a create that lands after this turns it off.
        _move(row, State.CANCELLED, last_error="The voucher was settled before its code.")


def _backoff(attempts: int) -> timedelta:
    return min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** max(0, attempts - 1))


def _claim(voucher_id, state: str) -> StripePromotionCode | None:
    """Lock the row and take a lease on it when it is in ``state`` and due."""
    now = timezone.now()
    with transaction.atomic():
        row = (
            StripePromotionCode.objects.select_for_update()
            .select_related("voucher")
            .filter(pk=voucher_id)
            .first()
        )
        if row is None or row.state != state or row.next_attempt_at > now:
            return None
        row.attempts += 1
        row.next_attempt_at = now + LEASE
        row.save(update_fields=["attempts", "next_attempt_at", "updated_at"])
    return row


def _failed_attempt(voucher_id, state: str, error: Exception) -> None:
    """Write down a failed call: wait and try again, or give up."""
    with transaction.atomic():
        row = StripePromotionCode.objects.select_for_update().get(pk=voucher_id)
        if row.state != state:
            return  # moved on meanwhile
        if isinstance(error, StripeNotConfigured):
            row.attempts -= 1  # nothing was attempted
            row.next_attempt_at = timezone.now() + NOT_CONFIGURED_WAIT
            row.last_error = str(error)
            row.save(update_fields=["attempts", "next_attempt_at", "last_error", "updated_at"])
        elif (
            getattr(error, "retryable", False)
            and row.attempts < settings.STRIPE_OUTBOX_MAX_ATTEMPTS
        ):
            row.next_attempt_at = timezone.now() + _backoff(row.attempts)
            row.last_error = str(error)
            if getattr(error, "new_key", False):
                row.key_generation += 1  # Stripe would replay this failure to the old key
            row.save(
                update_fields=["next_attempt_at", "last_error", "key_generation", "updated_at"]
            )
        else:
            given_up = f"Gave up after {row.attempts} attempts: " if error.retryable else ""
            _move(row, State.FAILED, last_error=f"{given_up}{error}")
    logger.warning("Stripe promotion code of voucher %s: %s", voucher_id, error)


def voucher_promotion_code_create(*, voucher_id) -> str:
    """Ask Stripe for one voucher's promotion code, if it is due; returns the row's state."""
    row = _claim(voucher_id, State.PENDING)
    if row is None:
        current = StripePromotionCode.objects.filter(pk=voucher_id).first()
        return current.state if current else "missing"
    voucher = row.voucher
    try:
        created = stripe_client.promotion_code_create(
            voucher_id=str(voucher.pk),
            code=voucher.code,
            coupon_id=row.coupon_id,
            expires_at=voucher.expires_at,
            idempotency_key=row.idempotency_key,
        )
    except (StripeCallFailed, StripeNotConfigured) as exc:
        _failed_attempt(voucher_id, State.PENDING, exc)
        return StripePromotionCode.objects.get(pk=voucher_id).state
    with transaction.atomic():
        voucher = Voucher.objects.select_for_update().get(pk=voucher_id)
        row = StripePromotionCode.objects.select_for_update().get(pk=voucher_id)
        still_wanted = voucher.status == VoucherStatus.ISSUED and row.state == State.PENDING
        if still_wanted:
            voucher.stripe_promotion_code = created.id
            voucher.save(update_fields=["stripe_promotion_code"])
            _move(row, State.CREATED, promotion_code_id=created.id, last_error="")
        elif row.state in (State.PENDING, State.CANCELLED):
            # Settled at the desk while Stripe was making it: turn it straight off.
            _move(
                row,
                State.DEACTIVATING,
                promotion_code_id=created.id,
                attempts=0,
                next_attempt_at=timezone.now(),
            )
            _enqueue(stripe_promotion_code_deactivate, str(voucher_id))
    return row.state


def voucher_promotion_code_deactivate(*, voucher_id) -> str:
    """Turn off the code of a voucher used or voided here, if due; returns the row's state."""
    row = _claim(voucher_id, State.DEACTIVATING)
    if row is None:
        current = StripePromotionCode.objects.filter(pk=voucher_id).first()
        return current.state if current else "missing"
    try:
        stripe_client.promotion_code_deactivate(promotion_code_id=row.promotion_code_id)
    except (StripeCallFailed, StripeNotConfigured) as exc:
        _failed_attempt(voucher_id, State.DEACTIVATING, exc)
        return StripePromotionCode.objects.get(pk=voucher_id).state
    with transaction.atomic():
        row = StripePromotionCode.objects.select_for_update().get(pk=voucher_id)
        if row.state == State.DEACTIVATING:
            _move(row, State.DEACTIVATED, last_error="")
    return row.state


def promotion_codes_due() -> list[tuple[str, str]]:
    """(voucher id, state) of the rows due a call, soonest first."""
    return [
        (str(pk), state)
        for pk, state in StripePromotionCode.objects.filter(
            state__in=[State.PENDING, State.DEACTIVATING], next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("pk", "state")[:DRAIN_BATCH]
    ]


def promotion_codes_retry_failed(*, voucher_ids=None) -> int:
    """Put every failed row (or those of ``voucher_ids``) back in the queue, with its attempts
    reset and a new idempotency key (Stripe would replay the old refusal); returns how many. A
    code that Stripe did make under an earlier key is found and adopted, not made twice."""
    now = timezone.now()
    with transaction.atomic():
        failed = StripePromotionCode.objects.filter(state=State.FAILED)
        if voucher_ids is not None:
            failed = failed.filter(pk__in=list(voucher_ids))
        again = {"attempts": 0, "next_attempt_at": now, "key_generation": F("key_generation") + 1}
        turning_off = failed.exclude(promotion_code_id="").update(state=State.DEACTIVATING, **again)
        making = failed.filter(promotion_code_id="").update(state=State.PENDING, **again)
    return turning_off + making
