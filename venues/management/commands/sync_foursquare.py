import uuid
from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from venues.foursquare.client import FoursquareClient, FoursquareError
from venues.foursquare.selectors import venues_for_foursquare_sync
from venues.foursquare.sync import venues_foursquare_sync
from venues.models import Council, Venue


class Command(BaseCommand):
    help = (
        "Link venues to their Foursquare places and refresh them (details, drift, proposals), "
        "here and now rather than through the workers. Prints linked/unmatched/error counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--council", help="Only this council's venues (its slug).")
        parser.add_argument("--venue", help="Only this venue (its id).")

    def handle(self, *args, council: str | None, venue: str | None, **options):
        venues = venues_for_foursquare_sync()
        scope = "all councils"
        if council:
            council_obj = Council.objects.filter(slug=council).first()
            if council_obj is None:
                raise CommandError(f"No council has the slug '{council}'.")
            venues = venues.filter(council=council_obj)
            scope = council_obj.name
        if venue:
            try:
                venue_obj = Venue.objects.filter(pk=uuid.UUID(venue)).first()
            except ValueError as exc:
                raise CommandError(f"'{venue}' is not a venue id.") from exc
            if venue_obj is None:
                raise CommandError(f"No venue has the id '{venue}'.")
            venues = Venue.objects.filter(pk=venue_obj.pk)
            scope = venue_obj.name
        try:
            client = FoursquareClient.from_settings()
        except FoursquareError as exc:
            raise CommandError(str(exc)) from exc

        names = {
            str(pk): name for pk, name in venues.order_by("name", "id").values_list("id", "name")
        }
        summary: Counter = Counter()
        with client:
            for outcome in venues_foursquare_sync(venue_ids=list(names), client=client):
                summary[outcome.status] += 1
                line = f"{outcome.status:<9} {names.get(outcome.venue_id, outcome.venue_id)}"
                if outcome.error:
                    line += f": {outcome.error}"
                if outcome.drift:
                    line += f" (differs: {', '.join(item['field'] for item in outcome.drift)})"
                if outcome.proposed:
                    line += f" (proposed: {', '.join(outcome.proposed)})"
                style = self.style.SUCCESS if outcome.status == "linked" else self.style.WARNING
                if outcome.status == "error":
                    style = self.style.ERROR
                if outcome.status != "linked" or options["verbosity"] > 1:
                    self.stdout.write(style(line))
        self.stdout.write(
            f"{scope}: {summary['linked']} linked, {summary['unmatched']} unmatched, "
            f"{summary['error']} error, {summary['pending']} pending "
            f"({sum(summary.values())} venues)."
        )
