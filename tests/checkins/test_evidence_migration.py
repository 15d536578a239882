"""The migrations that brought evidence and member codes (checkins 0007, accounts 0003), run on
check-ins and accounts made before them: each old check-in's evidence follows from what it kept
(a QR check-in with a distance had a fix), and every old account gets a member code."""

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.models import MemberCode
from checkins.models import CheckIn

BEFORE = {"checkins": "0006_comment_hidden_reasons_worded", "accounts": "0002_email_preferences"}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _before():
    """Every other app as it is today (none depends on these two migrations), these two apps
    as they were before them."""
    return [node for node in _latest() if node[0] not in BEFORE] + list(BEFORE.items())


@pytest.mark.django_db(transaction=True)
def test_old_check_ins_get_their_evidence_and_old_accounts_a_member_code():
    try:
        apps = _migrate(_before())
        User = apps.get_model("accounts", "User")
        Council = apps.get_model("venues", "Council")
        Venue = apps.get_model("venues", "Venue")
        Poster = apps.get_model("venues", "Poster")
        OldCheckIn = apps.get_model("checkins", "CheckIn")
        council = Council.objects.create(name="Leeds", slug="leeds")
        venue = Venue.objects.create(
            council=council,
            name="Central",
            slug="central",
            category="library",
            address="Calverley St",
            postcode="LS1 3AB",
            latitude=53.8,
            longitude=-1.55,
            radius_m=100,
        )
        poster = Poster.objects.create(venue=venue, label="Door", token="t", code="ABCDEFGH")
        people = [User.objects.create(email=f"p{n}@example.org", password="!") for n in range(3)]
        now = timezone.now()
        old = {
            "gps": OldCheckIn.objects.create(
                resident=people[0], venue=venue, method="gps", distance_m=12, created_at=now
            ),
            "qr with a fix": OldCheckIn.objects.create(
                resident=people[1],
                venue=venue,
                method="qr",
                poster=poster,
                distance_m=30,
                created_at=now,
            ),
            "qr alone": OldCheckIn.objects.create(
                resident=people[2], venue=venue, method="qr", poster=poster, created_at=now
            ),
        }

        _migrate(_latest())

        evidence = {name: CheckIn.objects.get(pk=row.pk).evidence for name, row in old.items()}
        assert evidence == {
            "gps": "location",
            "qr with a fix": "poster_and_location",
            "qr alone": "poster",
        }
        codes = list(MemberCode.objects.filter(user_id__in=[p.pk for p in people]))
        assert len(codes) == 3 and len({code.code for code in codes}) == 3
        assert all(re.fullmatch(r"[2-9A-HJ-NP-Z]{8}", code.code) for code in codes)
    finally:
        _migrate(_latest())
