"""The check-in's one query of the live offers (raw SQL, for speed) finds exactly the offers
`offers_live_for` (the ORM's definition) finds: one more would reward wrongly, one fewer would
withhold a reward. And what it reads beside them (scheme, wallet, grants) is right."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rewards.offers.selectors import offers_live_for, offers_live_for_checkin
from rewards.offers.services import offer_create
from rewards.schemes.models import SchemeMember
from tests.api import success
from tests.conftest import client_for
from tests.factories import UserFactory, VenueFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=123456)
HOUR = timedelta(hours=1)
CHECKINS = "/api/v1/checkins/"


def offer(venue=None, *, council=None, **fields):
    return offer_create(
        council=council,
        venue=venue,
        created_by=None,
        **{"title": "Ten points", "rule": "every_checkin", "points": 10, **fields},
    )


SCENARIOS = {
    "no offer at all": lambda venue: None,
    "the venue's running offer": lambda venue: offer(venue),
    "the council's running offer": lambda venue: offer(council=venue.council),
    "a window around now": lambda venue: offer(venue, starts_at=NOW - HOUR, ends_at=NOW + HOUR),
    "an inactive offer": lambda venue: offer(venue, is_active=False),
    "an offer that ended": lambda venue: offer(venue, starts_at=NOW - 2 * HOUR, ends_at=NOW - HOUR),
    "an offer ending exactly now": lambda venue: offer(venue, starts_at=NOW - HOUR, ends_at=NOW),
    "an offer not started yet": lambda venue: offer(venue, starts_at=NOW + HOUR),
    "another venue's offer": lambda venue: offer(VenueFactory(council=venue.council)),
    "another council's offer": lambda venue: offer(council=VenueFactory().council),
}
LIVE = {
    "the venue's running offer",
    "the council's running offer",
    "a window around now",
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_query_finds_exactly_the_live_offers(scenario):
    venue = VenueFactory()
    SCENARIOS[scenario](venue)
    resident = UserFactory()
    expected = list(offers_live_for(venue, NOW).values_list("id", flat=True))
    found = offers_live_for_checkin(venue=venue, resident_id=resident.pk, at=NOW)
    assert [offer.id for offer in found] == expected
    assert bool(found) == (scenario in LIVE)


def test_it_reads_the_scheme_the_wallet_and_the_residents_grants():
    venue = VenueFactory()
    limited = offer(venue, title="Twice", per_user_limit=2)
    resident = UserFactory()
    (before,) = offers_live_for_checkin(venue=venue, resident_id=resident.pk, at=timezone.now())
    assert before.scheme_id == SchemeMember.objects.get(council=venue.council).scheme_id
    assert (before.wallet_id, before.resident_grants, before.pool_id) == (None, 0, limited.pool_id)
    fix = {"latitude": venue.latitude, "longitude": venue.longitude, "accuracy_m": 10}
    success(client_for(resident), "post", CHECKINS, {"venue": str(venue.pk), **fix}, status=201)
    (after,) = offers_live_for_checkin(venue=venue, resident_id=resident.pk, at=timezone.now())
    assert after.resident_grants == 1
    assert after.wallet_id == resident.wallets.get(scheme_id=before.scheme_id).account_id
