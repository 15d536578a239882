import sys

from django.core.management.base import BaseCommand

from rewards.audit import rewards_breaches
from rewards.ledger.audit import ledger_breaches
from rewards.ledger.models import Entry, LedgerAccount, LedgerTransaction


class Command(BaseCommand):
    help = (
        "Check every invariant of the ledger (zero-sum transactions, posted totals equal to "
        "the entries, no balance under its minimum) and of the rewards on it (wallets equal "
        "their points lots, voucher accounts hold the issued vouchers, every voucher has its "
        "issue transaction); exit 1 with a report on any breach."
    )

    def handle(self, *args, **options):
        breaches = ledger_breaches() + rewards_breaches()
        counts = (
            f"{LedgerAccount.objects.count()} accounts, "
            f"{LedgerTransaction.objects.count()} transactions, {Entry.objects.count()} entries"
        )
        if breaches:
            self.stderr.write(self.style.ERROR(f"Ledger audit FAILED ({counts}):"))
            for breach in breaches:
                self.stderr.write(f"  - {breach}")
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(f"Ledger audit passed ({counts})."))
