"""Periodic jobs of the backend app, run by Celery beat (settings.CELERY_BEAT_SCHEDULE).

Like every periodic task here, it is idempotent: two runs that overlap (a slow run meeting the
next beat, or a task redelivered after its worker died) do the work once between them, so
there is no lock. A database outage is retried with backoff; the next run catches up anyway.
"""

from celery import shared_task
from celery.utils.log import get_task_logger
from django.db import OperationalError

from backend.idempotency import idempotency_records_purge

logger = get_task_logger(__name__)


@shared_task(
    name="backend.tasks.purge_idempotency_keys",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def purge_idempotency_keys() -> dict:
    """Delete stored Idempotency-Key answers past IDEMPOTENCY_KEY_TTL_HOURS (hourly)."""
    deleted, cutoff = idempotency_records_purge()
    summary = {"deleted": deleted, "cutoff": cutoff.isoformat()}
    logger.info("Purged idempotency records: %s", summary)
    return summary
