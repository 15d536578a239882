"""Jobs of the check-ins app: the periodic ones run by Celery beat
(settings.CELERY_BEAT_SCHEDULE), and the emails queued when a comment needs its managers or
gets a reply.

Idempotent: clearing coordinates that are already cleared changes nothing, and an email job
claims its row before sending, so two overlapping runs need no lock. A database outage is
retried with backoff; the next run catches up anyway. Tasks import the services they call
inside their bodies (the services import these tasks at the top: HackSoft's rule).
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
    name="checkins.tasks.comment_alert_send",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def comment_alert_send(alert_id: int) -> bool:
    """Email one comment alert to the venue's managers (queued when the alert is made)."""
    from checkins.comments.alerts import comment_alert_send as send

    return send(alert_id=alert_id)


@shared_task(
    name="checkins.tasks.comment_emails_sweep",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def comment_emails_sweep() -> dict:
    """Send the comment alerts and reply emails the queued jobs missed (every minute)."""
    from checkins.comments.alerts import comment_alerts_sweep
    from checkins.comments.replies import reply_emails_sweep

    return {"alerts_sent": comment_alerts_sweep(), "reply_emails_sent": reply_emails_sweep()}


@shared_task(
    name="checkins.tasks.comment_reply_email",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def comment_reply_email(reply_id: str) -> bool:
    """Tell a comment's author that the venue replied (queued when the reply is made)."""
    from checkins.comments.replies import comment_reply_email_send

    return comment_reply_email_send(reply_id=reply_id)


@shared_task(
    name="checkins.tasks.alert_notify",
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
)
def alert_notify_task(alert_id: str) -> bool:
    """Email a new fraud alert to the venue's managers (once, however often it is delivered)."""
    from checkins.alerts.services import alert_notify

    return alert_notify(alert_id=alert_id)


@shared_task(
    name="checkins.tasks.alerts_notify_pending",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def alerts_notify_pending() -> int:
    """Email the fraud alerts raised lately that were never emailed (every ten minutes)."""
    from checkins.alerts.services import alerts_notify_pending as notify

    return notify()
