"""Reading alerts: a council's (its admins) and a venue's (its managers), newest first."""

from django.db.models import QuerySet

from checkins.models import Alert


def _alerts(open_only: bool) -> QuerySet[Alert]:
    alerts = Alert.objects.select_related("venue", "poster", "checkin", "resolved_by")
    if open_only:
        alerts = alerts.filter(resolved_at__isnull=True)
    return alerts.order_by("-created_at", "id")


def alerts_of_council(*, council, open_only: bool = False) -> QuerySet[Alert]:
    return _alerts(open_only).filter(venue__council=council)


def alerts_of_venue(*, venue, open_only: bool = False) -> QuerySet[Alert]:
    return _alerts(open_only).filter(venue=venue)
