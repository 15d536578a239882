"""The points schemes' job: settle the points left in merged schemes (queued by
rewards/schemes/services.py when a grouping commits, and hourly by beat). It runs the service,
imported inside its body: the service imports it at the top to queue it (.importlinter declares
the edge). Its name stays ``rewards.tasks.*``: queued messages and the beat schedule use it.
"""

from celery import shared_task
from celery.utils.log import get_task_logger
from django.db import OperationalError

logger = get_task_logger(__name__)


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
