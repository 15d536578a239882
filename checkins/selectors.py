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


def checkins_at_venue(*, venue, resident_id=None) -> QuerySet[CheckIn]:
    """The venue's check-ins (voided ones too, marked), newest first; one visitor's when
    ``resident_id`` is given."""
    checkins = CheckIn.objects.filter(venue=venue)
    if resident_id is not None:
        checkins = checkins.filter(resident_id=resident_id)
    return checkins.select_related("resident", "assisted_by").order_by("-created_at", "id")


def checkin_get(*, checkin_id) -> CheckIn | None:
    """One check-in with its venue (and council, to check who may act on it)."""
    return (
        CheckIn.objects.select_related("venue__council", "resident").filter(pk=checkin_id).first()
    )


def visits_at_venue(resident, venue, since: datetime | None) -> tuple[int, datetime | None]:
    """The resident's check-ins at the venue after ``since`` (all when None), and the earliest
    of them: what an offer's rule counts (rewards.offers.progress)."""
    visits = CheckIn.objects.filter(resident=resident, venue=venue)
    if since is not None:
        visits = visits.filter(created_at__gt=since)
    found = visits.aggregate(count=Count("id"), earliest=Min("created_at"))
    return found["count"], found["earliest"]
