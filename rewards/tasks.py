"""Periodic jobs of the rewards app, run by Celery beat (settings.CELERY_BEAT_SCHEDULE).

Both are idempotent: each lot or voucher is re-checked under its row lock and settled once,
under its own ledger idempotency key, so two overlapping runs (a slow run meeting the next beat,
or a task redelivered after its worker died) post nothing twice and need no lock of their own.
A database outage is retried with backoff; the next run catches up anyway.

Tasks are thin and import the services they call inside their bodies: the services import the
tasks they queue at the top of their modules (HackSoft's rule), so the two never form a cycle.
Celery finds them here (``<app>.tasks``) under the names the beat schedule and queued messages
use.
"""

from celery import shared_task
from celery.utils.log import get_task_logger
from django.db import OperationalError

from rewards.models import StripePromotionCode

logger = get_task_logger(__name__)


@shared_task(
    name="rewards.tasks.expire_points",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def expire_points() -> dict:
    """Post an 'expire' transaction for what every lapsed points lot still holds (daily)."""
    from rewards.wallet.services import points_expire_lapsed

    summary = {"lots_expired": points_expire_lapsed()}
    logger.info("Expired points: %s", summary)
    return summary


@shared_task(
    name="rewards.tasks.expire_vouchers",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def expire_vouchers() -> dict:
    """Settle every issued voucher past its expiry as expired (daily)."""
    from rewards.vouchers.services import vouchers_expire_lapsed

    summary = {"vouchers_expired": vouchers_expire_lapsed()}
    logger.info("Expired vouchers: %s", summary)
    return summary


@shared_task(
    name="rewards.tasks.stripe_promotion_code_create",
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def stripe_promotion_code_create(voucher_id: str) -> str:
    """Ask Stripe for one voucher's promotion code (queued when the voucher is issued)."""
    from rewards.stripe.outbox import voucher_promotion_code_create

    return voucher_promotion_code_create(voucher_id=voucher_id)


@shared_task(
    name="rewards.tasks.stripe_promotion_code_deactivate",
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def stripe_promotion_code_deactivate(voucher_id: str) -> str:
    """Turn off the promotion code of a voucher used at the desk or voided."""
    from rewards.stripe.outbox import voucher_promotion_code_deactivate

    return voucher_promotion_code_deactivate(voucher_id=voucher_id)


@shared_task(name="rewards.tasks.stripe_outbox_drain", ignore_result=True)
def stripe_outbox_drain() -> dict:
    """Every minute: the promotion codes due another try after a failure (or a lost task)."""
    from rewards.stripe.outbox import promotion_codes_due

    due = promotion_codes_due()
    for voucher_id, state in due:
        if state == StripePromotionCode.State.PENDING:
            stripe_promotion_code_create.delay(voucher_id)
        else:
            stripe_promotion_code_deactivate.delay(voucher_id)
    if due:
        logger.info("Stripe outbox: %d promotion code call(s) queued", len(due))
    return {"queued": len(due)}


@shared_task(
    name="rewards.tasks.settle_points_schemes",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def settle_points_schemes() -> dict:
    """Move the points left in merged schemes into the scheme they joined (after a grouping,
    and hourly to catch a check-in that raced it)."""
    from rewards.schemes.services import schemes_settle

    summary = {"wallets_moved": schemes_settle()}
    logger.info("Points schemes settled: %s", summary)
    return summary
