"""Read queries about the venues' Foursquare links: the council's report and the sync's scope."""

from django.db.models import Count, Q, QuerySet

from venues.models import Council, Venue


def council_foursquare_summary(council: Council) -> dict[str, int]:
    """How many of the council's active venues are in each Foursquare state, and drifted."""
    venues = Venue.objects.filter(council=council, is_active=True)
    counts = dict.fromkeys(Venue.FoursquareStatus.values, 0)
    for row in venues.values("foursquare_status").annotate(n=Count("id")).order_by():
        counts[row["foursquare_status"]] = row["n"]
    return {
        "venues": sum(counts.values()),
        **counts,
        "drifted": venues.exclude(foursquare_drift=[]).count(),
    }


def council_foursquare_report(council: Council, *, everything: bool = False) -> QuerySet[Venue]:
    """The council's active venues that need a look on Foursquare (drifted, unmatched or in
    error), or all of them, each with its cached place and its proposals."""
    venues = Venue.objects.filter(council=council, is_active=True)
    if not everything:
        venues = venues.filter(
            ~Q(foursquare_drift=[])
            | Q(
                foursquare_status__in=[
                    Venue.FoursquareStatus.UNMATCHED,
                    Venue.FoursquareStatus.ERROR,
                ]
            )
        )
    return (
        venues.select_related("council", "foursquare_place")
        .prefetch_related("foursquare_proposals")
        .order_by("name", "id")
    )


def venues_for_foursquare_sync() -> QuerySet[Venue]:
    """What the nightly sync visits: every active venue, and deactivated ones still linked
    (their closure may not have reached Foursquare yet)."""
    return Venue.objects.filter(Q(is_active=True) | ~Q(foursquare_place_id=""))
