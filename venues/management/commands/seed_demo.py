"""Demo data for `make run`: England's public libraries and one account per role.

Every authority of ``data/england_libraries.csv`` becomes a council with its libraries (real
names, addresses and coordinates), so the ``near`` search works anywhere in England. The demo
accounts act on Leeds. Idempotent: a second run changes nothing. Refuses to run with DEBUG off
unless ``--force``, because it creates accounts whose password is printed.
"""

import csv
from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from accounts import ages
from accounts.children.services import child_add
from accounts.models import User
from venues.importing import venues_import
from venues.models import Council, Poster, Role, Venue
from venues.posters.services import poster_code_display, poster_create, poster_url
from venues.services import role_grant

DATA_FILE = Path(settings.BASE_DIR) / "data" / "england_libraries.csv"
DEMO_COUNCIL = "Leeds"
DEMO_VENUE = "Leeds Central library"
DEMO_PASSWORD = "council-demo-2026"

DEMO_POSTER = "Main entrance (demo)"
DEMO_ACCOUNTS = (
    # email, display name, role (None: a plain resident), is it scoped to the demo venue
    ("admin@demo.test", "Site Admin", "superuser", False),
    ("council-admin@demo.test", "Council Admin", Role.Kind.COUNCIL_ADMIN, False),
    ("manager@demo.test", "Venue Manager", Role.Kind.VENUE_MANAGER, True),
    ("staff@demo.test", "Venue Staff", Role.Kind.VENUE_STAFF, True),
    ("resident@demo.test", "Rosa Resident", None, False),
)
DEMO_BIRTH_YEAR = 1985  # adults: the pages would otherwise ask each their year first
DEMO_PARENT = "resident@demo.test"  # with a child, Sam (issue 25)


def council_name(authority: str) -> str:
    return f"{authority} Council"


class Command(BaseCommand):
    help = "Load the demo councils, venues and accounts (idempotent; DEBUG only unless --force)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates known passwords: run it with DEBUG on or --force."
            )
        rows_by_authority: dict[str, list[dict]] = defaultdict(list)
        with DATA_FILE.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                rows_by_authority[row["authority"]].append(row)

        created = 0
        for authority, rows in sorted(rows_by_authority.items()):
            council, _ = Council.objects.get_or_create(
                slug=slugify(authority), defaults={"name": council_name(authority)}
            )
            created += venues_import(council=council, rows=rows).created
        self.stdout.write(
            f"{len(rows_by_authority)} councils, {Venue.objects.count()} venues ({created} new)."
        )
        self._seed_accounts()
        self._seed_poster()

    def _seed_poster(self) -> None:
        """One poster at the demo venue, so the poster's page can be tried from a browser."""
        venue = Venue.objects.get(council__slug=slugify(DEMO_COUNCIL), name=DEMO_VENUE)
        poster = Poster.objects.filter(venue=venue, label=DEMO_POSTER, revoked_at=None).first()
        if poster is None:
            poster = poster_create(venue=venue, label=DEMO_POSTER, created_by=None)
        self.stdout.write(
            f"Demo poster at {venue.name}: {poster_url(poster)} "
            f"(or type {poster_code_display(poster.code)} at {settings.PUBLIC_BASE_URL}/q/)"
        )

    @transaction.atomic
    def _seed_accounts(self) -> None:
        council = Council.objects.get(slug=slugify(DEMO_COUNCIL))
        venue = Venue.objects.get(council=council, name=DEMO_VENUE)
        self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}), acting on {council.name}:")
        for email, display_name, role, on_venue in DEMO_ACCOUNTS:
            user = User.objects.filter(email=email).first()
            if user is None:
                make = (
                    User.objects.create_superuser
                    if role == "superuser"
                    else User.objects.create_user
                )
                user = make(
                    email=email,
                    password=DEMO_PASSWORD,
                    display_name=display_name,
                    birth_year=DEMO_BIRTH_YEAR,
                )
            if email == DEMO_PARENT and not user.children.exists():
                child = child_add(parent=user, first_name="Sam", birth_year=ages.this_year() - 8)
                self.stdout.write(f"  a child of {email}: Sam, member code {child.member_code}")
            scoped_venue = venue if on_venue else None
            if (
                role not in (None, "superuser")
                and not Role.objects.filter(
                    user=user, council=council, venue=scoped_venue, role=role
                ).exists()
            ):
                role_grant(
                    council=council, email=email, role=role, venue=scoped_venue, granted_by=None
                )
            scope = f" of {venue.name}" if on_venue else ""
            self.stdout.write(f"  {email:<26} {role or 'resident'}{scope}")
