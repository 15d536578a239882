"""The daily expiry of vouchers (beat, ``backend/schedule.py``). Idempotent: each voucher is
re-checked under its row lock and settled once, under its own ledger idempotency key, so two
overlapping runs post nothing twice. A database outage is retried with backoff; the next run
catches up anyway. The name stays ``rewards.tasks.*``: the beat schedule and queued messages use
it.
"""

from celery import shared_task
from celery.utils.log import get_task_logger
from django.db import OperationalError

logger = get_task_logger(__name__)


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
