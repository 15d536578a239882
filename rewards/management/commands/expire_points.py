from django.core.management.base import BaseCommand

from rewards.wallet.services import points_expire_lapsed


class Command(BaseCommand):
    help = (
        "Post an 'expire' transaction for what every lapsed points lot still holds. "
        "Idempotent: a second run finds nothing left to close."
    )

    def handle(self, *args, **options):
        closed = points_expire_lapsed()
        self.stdout.write(self.style.SUCCESS(f"Expired {closed} points lots."))
