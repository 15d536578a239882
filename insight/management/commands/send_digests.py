from django.core.management.base import BaseCommand

from insight.digest.services import digests_send


class Command(BaseCommand):
    help = (
        "Send last week's digest to every council admin and venue manager who has not had it "
        "(safe to run again: once per person per week)."
    )

    def handle(self, *args, **options):
        sent = digests_send()
        self.stdout.write(f"{sent} digest(s) sent.")
