"""What a shared link to a venue's page carries: schema.org ``Place`` data (JSON-LD, read by
search engines and maps) and the words of its Open Graph card (read by messaging and social
apps), both from the same facts as the page.

The JSON-LD sits in a ``<script type="application/ld+json">`` block: a data block, never run,
so the page's Content-Security-Policy (scripts from this site only) is not involved. It is
escaped as Django's ``json_script`` escapes, so no text of a venue can close the block.
"""

import json

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from venues.models import Venue, VenueCategory

# As Django's json_script: nothing in the JSON can end the <script> block or start markup.
_HTML_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

# The most specific schema.org type of each category (all of them kinds of Place).
SCHEMA_TYPES = {
    VenueCategory.LIBRARY: "Library",
    VenueCategory.LEISURE_CENTRE: "SportsActivityLocation",
    VenueCategory.MUSEUM: "Museum",
    VenueCategory.PARK: "Park",
    VenueCategory.COMMUNITY_CENTRE: "CivicStructure",
    VenueCategory.THEATRE: "PerformingArtsTheater",
    VenueCategory.COUNCIL_OFFICE: "GovernmentOffice",
    VenueCategory.OTHER: "Place",
}


def category_in_words(category: str) -> str:
    """The kind of venue, in the reader's language."""
    return {
        VenueCategory.LIBRARY: _("Library"),
        VenueCategory.LEISURE_CENTRE: _("Leisure centre"),
        VenueCategory.MUSEUM: _("Museum"),
        VenueCategory.PARK: _("Park"),
        VenueCategory.COMMUNITY_CENTRE: _("Community centre"),
        VenueCategory.THEATRE: _("Theatre"),
        VenueCategory.COUNCIL_OFFICE: _("Council office"),
    }.get(category, _("Council venue"))


def absolute(path: str) -> str:
    return settings.PUBLIC_BASE_URL + path


def page_url(venue: Venue) -> str:
    return absolute(reverse("venue-page", args=[venue.pk]))


def card_url(venue: Venue) -> str:
    return absolute(reverse("venue-card", args=[venue.pk]))


def share_description(venue: Venue) -> str:
    """One sentence for search results and link cards."""
    if venue.shown_description:
        return venue.shown_description[:300]
    where = ", ".join(part for part in (venue.address, venue.postcode) if part)
    return _("%(kind)s run by %(council)s, at %(address)s. Check in to collect rewards.") % {
        "kind": category_in_words(venue.category),
        "council": venue.council.shown_name,
        "address": where,
    }


def place_data(*, venue: Venue, hours: list[dict] | None, rating: dict, same_as: list[str]) -> dict:
    """The venue as a schema.org Place (https://schema.org/Place)."""
    url = page_url(venue)
    data = {
        "@context": "https://schema.org",
        "@type": SCHEMA_TYPES.get(venue.category, "Place"),
        "@id": url,
        "url": url,
        "name": venue.shown_name,
        "description": share_description(venue),
        "image": card_url(venue),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": venue.address,
            "postalCode": venue.postcode,
            "addressCountry": "GB",
        },
        "geo": {
            "@type": "GeoCoordinates",
            "latitude": venue.latitude,
            "longitude": venue.longitude,
        },
        "publicAccess": True,
        "containedInPlace": {"@type": "AdministrativeArea", "name": venue.council.shown_name},
    }
    other_names = {venue.name, venue.name_cy} - {data["name"], ""}
    if other_names:  # the name in the other language
        data["alternateName"] = other_names.pop()
    if hours is not None:
        data["openingHoursSpecification"] = [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": f"https://schema.org/{row['day'].capitalize()}",
                "opens": span["opens"],
                "closes": "23:59" if span["closes"] == "24:00" else span["closes"],
            }
            for row in hours
            for span in row["spans"]
        ]
    if rating["count"]:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": rating["mean"],
            "ratingCount": rating["count"],
            "bestRating": 5,
            "worstRating": 1,
        }
    if same_as:
        data["sameAs"] = same_as
    return data


def json_ld(data: dict) -> str:
    """``data`` as the body of a JSON-LD block, safe inside HTML."""
    return mark_safe(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_HTML_ESCAPES)
    )
