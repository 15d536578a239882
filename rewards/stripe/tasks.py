"""The Stripe outbox's jobs (rewards/stripe/outbox.py queues them when a voucher with a coupon
is issued, used or voided; beat runs the drain every minute). Each runs the outbox's service,
imported inside its body: the outbox imports these at the top to queue them (.importlinter
declares the edge). Their names stay ``rewards.tasks.*``: queued messages and the beat schedule
use them.
"""

from celery import shared_task
from celery.utils.log import get_task_logger
from django.db import OperationalError

from rewards.models import StripePromotionCode

logger = get_task_logger(__name__)


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
