"""Geodesic distances and the bounding box that bounds a radius search.

Distances are WGS-84 geodesics (Karney's algorithm, as ``geopy.distance.geodesic`` computes
them). geopy runs GeographicLib's pure-Python solver at ~130 µs a pair, which would make a
search with a few hundred candidates cost tens of milliseconds; pyproj runs GeographicLib's C
implementation of the same algorithm at ~1 µs a pair and agrees with geopy to within 1e-8 m
(``tests/venues/test_geo_search.py`` holds them to 1e-6 m). So geopy stays the reference and
pyproj does the work.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from pyproj import Geod

_WGS84 = Geod(ellps="WGS84")

# Lower bounds (with a margin) of the length of one degree on WGS-84: of latitude anywhere
# (110,574 m at the equator is the least), and of longitude at the equator (111,319 m), which
# shrinks with cos(latitude). Underestimating a degree only widens the box, never loses a point.
_MIN_METRES_PER_DEGREE_LATITUDE = 110_000.0
_METRES_PER_DEGREE_LONGITUDE_AT_EQUATOR = 111_000.0


def geodesic_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """The WGS-84 geodesic distance in metres between two points."""
    return _WGS84.inv(lng1, lat1, lng2, lat2)[2]


def geodesics_from_m(
    lat: float, lng: float, latitudes: Sequence[float], longitudes: Sequence[float]
) -> list[float]:
    """Distances in metres from one point to many, in one vectorised call."""
    if not latitudes:
        return []
    count = len(latitudes)
    return list(_WGS84.inv([lng] * count, [lat] * count, list(longitudes), list(latitudes))[2])


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
