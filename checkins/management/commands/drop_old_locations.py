from django.conf import settings
from django.core.management.base import BaseCommand

from checkins.services import checkin_locations_drop


class Command(BaseCommand):
    help = (
        "Forget the raw coordinates of check-ins and refused attempts older than "
        "LOCATION_RETENTION_DAYS (the distance to the venue is kept). Safe to run any time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Retention in days (default: LOCATION_RETENTION_DAYS, now "
            f"{settings.LOCATION_RETENTION_DAYS}).",
        )

    def handle(self, *args, days: int | None = None, **options):
        checkins, attempts = checkin_locations_drop(older_than_days=days)
        self.stdout.write(
            f"Cleared the coordinates of {checkins} check-ins and {attempts} attempts."
        )
