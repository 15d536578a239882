"""Periodic jobs of the check-ins app, run by Celery beat (settings.CELERY_BEAT_SCHEDULE).

Idempotent: clearing coordinates that are already cleared changes nothing, so two overlapping
runs need no lock. A database outage is retried with backoff; the next run catches up anyway.
"""

from celery import shared_task
from celery.utils.log import get_task_logger
from django.db import OperationalError

logger = get_task_logger(__name__)


@shared_task(
    name="checkins.tasks.drop_old_locations",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def drop_old_locations() -> dict:
    """Forget raw coordinates older than LOCATION_RETENTION_DAYS, keeping distances (daily)."""
    from checkins.services import checkin_locations_drop

    checkins, attempts = checkin_locations_drop()
    summary = {"checkins_cleared": checkins, "attempts_cleared": attempts}
    logger.info("Dropped old locations: %s", summary)
    return summary


@shared_task(
    name="checkins.tasks.alert_notify",
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
)
def alert_notify_task(alert_id: str) -> bool:
    """Email a new alert to the venue's managers (once, however often it is delivered)."""
    from checkins.alerts.services import alert_notify

    return alert_notify(alert_id=alert_id)


@shared_task(
    name="checkins.tasks.alerts_notify_pending",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def alerts_notify_pending() -> int:
    """Email the alerts raised lately that were never emailed (every ten minutes)."""
    from checkins.alerts.services import alerts_notify_pending as notify

    return notify()
