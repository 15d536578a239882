"""The daily expiry of points (beat, ``backend/schedule.py``). Idempotent: each lot is
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
