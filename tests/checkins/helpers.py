"""Helpers shared by the check-in tests: points at a distance from a venue, the body of a GPS
or QR check-in, an offer of each kind of reward."""

from geographiclib.geodesic import Geodesic

from rewards.offers.services import offer_create
from tests.factories import OfferFactory

CHECKINS = "/api/v1/checkins/"
LEEDS = (53.800156, -1.548691)


def point_at(origin, metres, bearing=90.0):
    end = Geodesic.WGS84.Direct(origin[0], origin[1], bearing, metres)
    return end["lat2"], end["lon2"]


# Where the resident was: "refused at a library as 272 km away" (south-west of Leeds).
FAR_AWAY = point_at(LEEDS, 272_000, bearing=205)


def gps(venue, metres=0.0, accuracy=10.0, bearing=90.0) -> dict:
    lat, lng = point_at((venue.latitude, venue.longitude), metres, bearing)
    return {"venue": str(venue.id), "latitude": lat, "longitude": lng, "accuracy_m": accuracy}


def fix_at(place, accuracy=10.0) -> dict:
    return {"latitude": place[0], "longitude": place[1], "accuracy_m": accuracy}


def hot_drink_offer(venue, *, accepts=None, **fields):
    """A voucher for a free hot drink on every check-in (the issue's offer)."""
    fields = {
        "title": "Free hot drink",
        "rule": "every_checkin",
        "voucher_title": "Free hot drink",
        **fields,
    }
    if accepts is not None:
        fields["accepts"] = accepts
    return offer_create(council=None, venue=venue, created_by=None, **fields)


def points_offer(venue, points=10, **fields):
    fields.setdefault("title", f"{points} points a visit")
    return OfferFactory(venue=venue, points=points, **fields)
