"""Periodic jobs of the accounts app (settings.CELERY_BEAT_SCHEDULE): idempotent, like every
periodic task here."""

from celery import shared_task
from django.db import OperationalError


@shared_task(
    name="accounts.tasks.purge_token_records",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def purge_token_records() -> int:
    """Delete rotated-token and ended sign-in records past their tokens' expiry (daily)."""
    from accounts.tokens import token_records_purge

    return token_records_purge()
