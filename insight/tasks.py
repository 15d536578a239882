"""Celery tasks of insight: thin, they call services."""

from celery import shared_task


@shared_task(name="insight.tasks.send_weekly_digests")
def send_weekly_digests() -> int:
    from insight.digest.services import digests_send

    return digests_send()
