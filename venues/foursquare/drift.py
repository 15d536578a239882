"""How a venue's record and its Foursquare place differ ("drift"), and how alike two names are.

The council is the authority on its own venues, so drift is always read as "Foursquare is
out of date". Comparisons are deliberately forgiving where councils and Foursquare write the
same thing differently:
- names ignore case, punctuation, "the" and the words of the venue's own category, so the
  council's "Barking" (a library) is Foursquare's "Barking Library", but not "Barking Park";
- an address matches when every word of Foursquare's street address appears in the council's
  one-line address ("2 Town Square" within "2 Town Square, Barking");
- postcodes ignore spacing and case; coordinates drift beyond FOURSQUARE_DRIFT_DISTANCE_M;
- the website is compared only when the council has given one, ignoring scheme, "www." and a
  trailing slash.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any

from django.conf import settings

from venues.geo import geodesic_m
from venues.models import VenueCategory

if TYPE_CHECKING:
    from venues.foursquare.client import Place
    from venues.models import Venue

CATEGORY_WORDS = {
    VenueCategory.LIBRARY: ("library", "libraries", "public library"),
    VenueCategory.LEISURE_CENTRE: ("leisure centre", "leisure center", "sports centre"),
    VenueCategory.MUSEUM: ("museum",),
    VenueCategory.PARK: ("park",),
    VenueCategory.COMMUNITY_CENTRE: ("community centre", "community center"),
    VenueCategory.THEATRE: ("theatre", "theater"),
    VenueCategory.COUNCIL_OFFICE: ("council offices", "council office", "civic centre"),
    VenueCategory.OTHER: (),
}

# Words of Foursquare category names that fit each of our categories.
FOURSQUARE_CATEGORY_WORDS = {
    VenueCategory.LIBRARY: ("library",),
    VenueCategory.LEISURE_CENTRE: ("gym", "sport", "recreation", "leisure", "pool", "fitness"),
    VenueCategory.MUSEUM: ("museum", "gallery"),
    VenueCategory.PARK: ("park", "garden", "playground"),
    VenueCategory.COMMUNITY_CENTRE: ("community",),
    VenueCategory.THEATRE: ("theater", "theatre", "performing arts", "concert"),
    VenueCategory.COUNCIL_OFFICE: ("government", "city hall", "town hall"),
    VenueCategory.OTHER: (),
}

_ABBREVIATIONS = {"rd": "road", "st": "street", "ave": "avenue", "ln": "lane", "sq": "square"}


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ")
    return [_ABBREVIATIONS.get(word, word) for word in re.findall(r"[a-z0-9]+", text)]


def comparable_name(name: str, category: str) -> str:
    """The words of a name that tell one venue from another."""
    text = " " + " ".join(_words(name)) + " "
    for phrase in sorted(CATEGORY_WORDS.get(category, ()), key=len, reverse=True):
        text = text.replace(f" {phrase} ", " ")
    words = [word for word in text.split() if word != "the"]
    return " ".join(words) or " ".join(_words(name))


def name_similarity(ours: str, theirs: str, category: str) -> float:
    """0-1: how alike two names are, once the category words are set aside."""
    a, b = comparable_name(ours, category), comparable_name(theirs, category)
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b).ratio()


def category_fits(category: str, foursquare_categories: list[str]) -> bool | None:
    """Whether Foursquare files the place under something our category covers; None when
    there is nothing to compare (no categories, or our ``other``)."""
    words = FOURSQUARE_CATEGORY_WORDS.get(category, ())
    if not words or not foursquare_categories:
        return None
    names = " ".join(foursquare_categories).lower()
    return any(word in names for word in words)


def split_address(address: str) -> tuple[str, str]:
    """A council's one-line address as (street part, locality): the last comma-separated part
    is taken as the town, as in the public library data ("2 Town Square, Barking")."""
    parts = [part.strip() for part in address.split(",") if part.strip()]
    if len(parts) < 2:
        return address.strip(), ""
    return ", ".join(parts[:-1]), parts[-1]


def comparable_postcode(postcode: str) -> str:
    return re.sub(r"\s+", "", postcode).upper()


def comparable_website(url: str) -> str:
    url = url.strip().lower()
    url = re.sub(r"^https?://", "", url)
    url = re.sub(r"^www\.", "", url)
    return url.rstrip("/")


def coordinates_text(latitude: float, longitude: float) -> str:
    return f"{latitude:.6f},{longitude:.6f}"


def compute_drift(venue: Venue, place: Place) -> list[dict[str, Any]]:
    """What Foursquare says differently from the council's record, field by field."""
    drift: list[dict[str, Any]] = []

    def differs(field: str, council: str, foursquare: str, **extra: Any) -> None:
        drift.append({"field": field, "council": council, "foursquare": foursquare, **extra})

    if comparable_name(venue.name, venue.category) != comparable_name(place.name, venue.category):
        differs("name", venue.name, place.name)

    their_street = set(_words(place.address))
    if not their_street or not their_street <= set(_words(venue.address)):
        differs("address", venue.address, place.formatted_address or place.address)

    if comparable_postcode(venue.postcode) != comparable_postcode(place.postcode):
        differs("postcode", venue.postcode, place.postcode)

    ours = coordinates_text(venue.latitude, venue.longitude)
    if place.latitude is None or place.longitude is None:
        differs("coordinates", ours, "")
    else:
        distance = geodesic_m(venue.latitude, venue.longitude, place.latitude, place.longitude)
        if distance > settings.FOURSQUARE_DRIFT_DISTANCE_M:
            differs(
                "coordinates",
                ours,
                coordinates_text(place.latitude, place.longitude),
                distance_m=round(distance, 1),
            )

    if venue.website and comparable_website(venue.website) != comparable_website(place.website):
        differs("website", venue.website, place.website)
    return drift
