"""The check-in's shortcut past the offers: one cheap query decides that a venue has no live
offer, and it must never say so of a venue that has one (that would withhold a reward)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rewards.offers.selectors import offers_live_for
from rewards.offers.selectors import offers_may_be_live_for as _may_have_live_offers
from rewards.offers.services import offer_create
from tests.factories import VenueFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=123456)
HOUR = timedelta(hours=1)


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
# Where the shortcut may skip the offers: nothing could be live.
CERTAINLY_NONE = {
    "no offer at all",
    "an inactive offer",
    "an offer that ended",
    "an offer ending exactly now",
    "another venue's offer",
    "another council's offer",
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_shortcut_never_hides_a_live_offer(scenario):
    venue = VenueFactory()
    SCENARIOS[scenario](venue)
    live = offers_live_for(venue, NOW).exists()
    may_have = _may_have_live_offers(venue, NOW)
    assert may_have or not live
    assert may_have == (scenario not in CERTAINLY_NONE)
