"""Read queries about councils, venues and roles."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from venues.geo import bounding_box, geodesics_from_m
from venues.models import Council, Role, Venue


def venue_queryset() -> QuerySet[Venue]:
    """Venues with what their serializer reads, so a page costs one query."""
    return Venue.objects.select_related("council")


def venue_list() -> QuerySet[Venue]:
    """The public list: active venues by name (filters narrow it, see venues.filters)."""
    return venue_queryset().filter(is_active=True).order_by("name", "id")


@dataclass(frozen=True)
class RankedVenue:
    id: object
    distance_m: float


class VenuesByDistance(Sequence):
    """Venues within a radius, nearest first, that a paginator can count and slice.

    The ranking holds only ids and distances; slicing loads just that page's venues, in one
    query, each with ``distance_m`` set.
    """

    def __init__(self, venues: QuerySet[Venue], ranking: list[RankedVenue]) -> None:
        self._venues = venues
        self._ranking = ranking

    def __len__(self) -> int:
        return len(self._ranking)

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index : index + 1][0]
        ranked = self._ranking[index]
        by_id = self._venues.in_bulk([item.id for item in ranked])
        page = []
        for item in ranked:
            venue = by_id.get(item.id)
            if venue is None:  # deactivated between the ranking and this page
                continue
            venue.distance_m = item.distance_m  # type: ignore[attr-defined]  # shown by the API
            page.append(venue)
        return page

    @property
    def ranking(self) -> list[RankedVenue]:
        return list(self._ranking)


def venues_near(
    venues: QuerySet[Venue], *, latitude: float, longitude: float, radius_m: float
) -> VenuesByDistance:
    """``venues`` within ``radius_m`` metres (geodesic) of a point, nearest first.

    An indexed bounding-box query keeps the candidates to the few near the point; exact
    geodesic distances then cut at the radius and order them (ties by id), so the result and
    its count are exactly those of a geodesic scan of the whole table.
    """
    box = bounding_box(latitude, longitude, radius_m)
    in_box = Q(latitude__gte=box.min_lat, latitude__lte=box.max_lat)
    if box.longitude_ranges:
        longitude_match = Q()
        for west, east in box.longitude_ranges:
            longitude_match |= Q(longitude__gte=west, longitude__lte=east)
        in_box &= longitude_match
    candidates = list(venues.filter(in_box).order_by().values_list("id", "latitude", "longitude"))
    distances = geodesics_from_m(
        latitude,
        longitude,
        [candidate[1] for candidate in candidates],
        [candidate[2] for candidate in candidates],
    )
    ranking = [
        RankedVenue(candidate[0], distance)
        for candidate, distance in zip(candidates, distances, strict=True)
        if distance <= radius_m
    ]
    ranking.sort(key=lambda item: (item.distance_m, str(item.id)))
    return VenuesByDistance(venues, ranking)


def council_list() -> QuerySet[Council]:
    return Council.objects.prefetch_related("links").order_by("name", "slug")


def council_members(*, council: Council) -> QuerySet[Role]:
    return (
        Role.objects.filter(council=council)
        .select_related("user", "venue")
        .order_by("created_at", "id")
    )
