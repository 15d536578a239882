from django.core.management.base import BaseCommand
from django.db import transaction

from checkins.visit_days import visit_days_rebuild


class Command(BaseCommand):
    help = (
        "Recount the daily rollup of check-ins (checkins.VisitDay) from the check-ins, in one "
        "transaction. The check-in service keeps it as it goes; this is for repairs."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            rows = visit_days_rebuild()
        self.stdout.write(f"{rows} visit days rebuilt.")
