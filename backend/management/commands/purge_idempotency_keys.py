from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from backend.models import IdempotencyRecord


class Command(BaseCommand):
    help = (
        "Delete stored Idempotency-Key answers older than IDEMPOTENCY_KEY_TTL_HOURS: a retry "
        "after that is a new request (as with Stripe's 24 hours). Run it daily."
    )

    def handle(self, *args, **options):
        cutoff = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
        deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
        self.stdout.write(
            f"Deleted {deleted} idempotency records older than {cutoff:%Y-%m-%d %H:%M}."
        )
