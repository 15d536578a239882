"""Read queries about check-ins."""

from django.db.models import QuerySet

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
