from django.core.management.base import BaseCommand

from accounts.tokens import token_records_purge


class Command(BaseCommand):
    help = (
        "Delete the records of rotated refresh tokens and ended sign-ins whose tokens have all "
        "expired (they can no longer be presented). Runs daily on beat; safe to run any time."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Deleted {token_records_purge()} expired token records.")
