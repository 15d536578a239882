from django.core.management.base import BaseCommand

from rewards.stripe.outbox import promotion_codes_retry_failed


class Command(BaseCommand):
    help = (
        "Put every Stripe promotion code the outbox gave up on back in the queue (after fixing "
        "what failed them: the key, the coupon...). The next drain, within a minute, tries them."
    )

    def handle(self, *args, **options):
        count = promotion_codes_retry_failed()
        self.stdout.write(f"{count} promotion code(s) queued again.")
