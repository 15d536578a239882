"""Geodesic distances and the bounding box that bounds a radius search.

Distances are WGS-84 geodesics computed exactly as ``geopy.distance.geodesic`` computes them
(the same geographiclib solver on the same ellipsoid in kilometres, scaled to metres), without
geopy's per-call point parsing, which costs more than the solve itself on a hot loop. A test
holds the two equal to the last bit.
"""

import math
from dataclasses import dataclass

from geographiclib.geodesic import Geodesic
from geopy.distance import ELLIPSOIDS

_SEMI_MAJOR_KM, _SEMI_MINOR_KM, _FLATTENING = ELLIPSOIDS["WGS-84"]
_WGS84_KM = Geodesic(_SEMI_MAJOR_KM, _FLATTENING)

# Lower bounds (with a margin) of the length of one degree on WGS-84: of latitude anywhere
# (110,574 m at the equator is the least), and of longitude at the equator (111,319 m), which
# shrinks with cos(latitude). Underestimating a degree only widens the box, never loses a point.
_MIN_METRES_PER_DEGREE_LATITUDE = 110_000.0
_METRES_PER_DEGREE_LONGITUDE_AT_EQUATOR = 111_000.0


def geodesic_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """The WGS-84 geodesic distance in metres, bit-identical to geopy's ``geodesic().meters``."""
    return _WGS84_KM.Inverse(lat1, lng1, lat2, lng2, Geodesic.DISTANCE)["s12"] * 1000


@dataclass(frozen=True)
class BoundingBox:
    """Every point within the radius lies inside; longitude ranges may wrap at ±180."""

    min_lat: float
    max_lat: float
    longitude_ranges: tuple[tuple[float, float], ...]  # empty: every longitude


def bounding_box(lat: float, lng: float, radius_m: float) -> BoundingBox:
    """A box guaranteed to contain every point within ``radius_m`` (geodesic) of the centre.

    A geodesic of length d from the centre never leaves the band of latitudes within
    d / (least metres per degree) of it, and along it longitude changes at most by
    d / (metres per degree of longitude at the band's highest latitude).
    """
    delta_lat = radius_m / _MIN_METRES_PER_DEGREE_LATITUDE
    min_lat, max_lat = max(-90.0, lat - delta_lat), min(90.0, lat + delta_lat)
    highest = max(abs(min_lat), abs(max_lat))
    cos_highest = math.cos(math.radians(highest))
    if highest >= 89.9 or radius_m / (_METRES_PER_DEGREE_LONGITUDE_AT_EQUATOR * cos_highest) >= 180:
        return BoundingBox(min_lat, max_lat, ())
    delta_lng = radius_m / (_METRES_PER_DEGREE_LONGITUDE_AT_EQUATOR * cos_highest)
    west, east = lng - delta_lng, lng + delta_lng
    if west < -180:
        ranges = ((-180.0, east), (west + 360, 180.0))
    elif east > 180:
        ranges = ((west, 180.0), (-180.0, east - 360))
    else:
        ranges = ((west, east),)
    return BoundingBox(min_lat, max_lat, ranges)
