from django.core.management.base import BaseCommand

from rewards.vouchers.services import vouchers_expire_lapsed


class Command(BaseCommand):
    help = "Settle every issued voucher past its expiry as expired (safe to run repeatedly)."

    def handle(self, *args, **options):
        expired = vouchers_expire_lapsed()
        self.stdout.write(self.style.SUCCESS(f"{expired} vouchers expired."))
