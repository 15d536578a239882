"""The demo venue's rewards (after ``seed_demo``): points for every visit, a voucher on the
first visit, and a catalog item, so the poster's page, the wallet and the desk have something to
show. Idempotent; DEBUG only unless --force, as seed_demo.

Set as a council should set them (README, "Evidence of presence"): the points take any check-in,
the hot drink (worth money) needs more than a photo of the poster: the phone's location, the
desk screen's code, or staff at the desk."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from rewards.catalog.services import catalog_item_create
from rewards.evidence import NOT_POSTER_ALONE, evidence_kinds
from rewards.models import CatalogItem, Offer
from rewards.offers.services import offer_create
from venues.management.commands.seed_demo import DEMO_COUNCIL, DEMO_VENUE
from venues.models import Venue

DEMO_OFFERS = [
    {"title": "Points for every visit", "rule": "every_checkin", "points": 10},
    {
        "title": "Welcome: a free hot drink",
        "rule": "first_checkin",
        "voucher_title": "Free hot drink at the café",
        "max_rewards": 500,
        "accepts": evidence_kinds(NOT_POSTER_ALONE),
    },
]
DEMO_ITEM = {"title": "Free printing (20 pages)", "cost_points": 30, "stock": 100}


class Command(BaseCommand):
    help = "Load the demo venue's offers and catalog item (idempotent; DEBUG only unless --force)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo_rewards is demo data: run it with DEBUG on or --force.")
        venue = Venue.objects.filter(council__slug=slugify(DEMO_COUNCIL), name=DEMO_VENUE).first()
        if venue is None:
            raise CommandError("Run seed_demo first: the demo venue is missing.")
        for fields in DEMO_OFFERS:
            if not Offer.objects.filter(venue=venue, title=fields["title"]).exists():
                offer_create(council=None, venue=venue, created_by=None, **fields)
        if not CatalogItem.objects.filter(venue=venue, title=DEMO_ITEM["title"]).exists():
            catalog_item_create(council=venue.council, venue=venue, **DEMO_ITEM)
        self.stdout.write(
            f"Demo rewards at {venue.name}: {len(DEMO_OFFERS)} offers, 1 catalog item."
        )
