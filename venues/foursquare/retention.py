"""What may be kept of Foursquare's data, and for how long (their usage guidelines, "Data
Retention"): ``fsq_place_id`` indefinitely; every other attribute at most 24 hours (Enterprise
customers), or not at all (Pay-as-you-go and Sandbox). FOURSQUARE_DETAILS_MAX_AGE_HOURS is that
lifetime: the nightly run blanks what is older (``foursquare_details_purge``: the snapshot, and
the place's tips, which are deleted), and with 0 the sync keeps nothing but the id
(``place_details``; no tips). What stays is ours: the place id, how it was linked, and the
drift verdict (which fields differ, and the council's values)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from venues.foursquare.places import Place
from venues.foursquare.tips import tips_purge
from venues.models import FoursquarePlace, Venue

BLANK_DETAILS: dict[str, Any] = {
    "name": "",
    "categories": [],
    "address": "",
    "locality": "",
    "postcode": "",
    "latitude": None,
    "longitude": None,
    "website": "",
    "rating": None,
    "popularity": None,
    "hours": {},
    "tips_count": None,
    "date_closed": None,
}


def place_details(place: Place) -> dict[str, Any]:
    """The snapshot's Foursquare values, or blanks when none may be kept."""
    if settings.FOURSQUARE_DETAILS_MAX_AGE_HOURS <= 0:
        return dict(BLANK_DETAILS)
    return {
        "name": place.name[:300],
        "categories": place.categories,
        "address": place.address[:300],
        "locality": place.locality[:200],
        "postcode": place.postcode[:16],
        "latitude": place.latitude,
        "longitude": place.longitude,
        "website": place.website[:500],
        "rating": place.rating,
        "popularity": place.popularity,
        "hours": place.hours,
        "tips_count": place.tips_count,
        "date_closed": place.date_closed,
    }


def drift_without_their_values(drift: list[dict]) -> list[dict]:
    return [{**item, "foursquare": ""} if "foursquare" in item else item for item in drift]


def foursquare_details_purge() -> int:
    """Blank Foursquare's values fetched longer ago than their lifetime (a snapshot the last
    sync could not refresh), and their side of the venues' drift, and delete such tips;
    returns how many snapshots were blanked."""
    cutoff = timezone.now() - timedelta(hours=max(0, settings.FOURSQUARE_DETAILS_MAX_AGE_HOURS))
    stale = FoursquarePlace.objects.filter(fetched_at__lt=cutoff)
    venue_ids = list(stale.values_list("venue_id", flat=True))
    with transaction.atomic():
        for venue in Venue.objects.select_for_update().filter(pk__in=venue_ids).order_by("pk"):
            venue.foursquare_drift = drift_without_their_values(venue.foursquare_drift)
            venue.save(update_fields=["foursquare_drift"])
        FoursquarePlace.objects.filter(venue_id__in=venue_ids).update(**BLANK_DETAILS)
        tips_purge()
    return len(venue_ids)
