from django.core.management.base import BaseCommand

from backend.idempotency import idempotency_records_purge


class Command(BaseCommand):
    help = (
        "Delete stored Idempotency-Key answers older than IDEMPOTENCY_KEY_TTL_HOURS: a retry "
        "after that is a new request (as with Stripe's 24 hours). Run it daily."
    )

    def handle(self, *args, **options):
        deleted, cutoff = idempotency_records_purge()
        self.stdout.write(
            f"Deleted {deleted} idempotency records older than {cutoff:%Y-%m-%d %H:%M}."
        )
