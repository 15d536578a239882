"""Read queries about check-ins."""

from datetime import datetime

from django.db.models import Count, Min, QuerySet

from checkins.models import CheckIn


def checkins_of_resident(*, resident) -> QuerySet[CheckIn]:
    return (
        CheckIn.objects.filter(resident=resident)
        .select_related("venue")
        .order_by("-created_at", "id")
    )


def checkins_at_venue(*, venue) -> QuerySet[CheckIn]:
    return (
        CheckIn.objects.filter(venue=venue).select_related("resident").order_by("-created_at", "id")
    )


def visits_at_venue(resident, venue, since: datetime | None) -> tuple[int, datetime | None]:
    """The resident's check-ins at the venue after ``since`` (all when None), and the earliest
    of them: what an offer's rule counts (rewards.offers.progress)."""
    visits = CheckIn.objects.filter(resident=resident, venue=venue)
    if since is not None:
        visits = visits.filter(created_at__gt=since)
    found = visits.aggregate(count=Count("id"), earliest=Min("created_at"))
    return found["count"], found["earliest"]
