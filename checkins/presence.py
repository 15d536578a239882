"""Where the resident's phone says they are: checking a fix against a venue's geofence, and
remembering the resident's own recent fixes for a poster shown alone (DESIGN.md, "Check-in
verification", step 3, and "Evidence of presence")."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from backend.durations import hours_and_minutes
from backend.errors import ApplicationError
from checkins import error_codes
from checkins.models import CheckIn, CheckinAttempt
from venues.geo import geodesic_m
from venues.models import Venue


@dataclass(frozen=True)
class Fix:
    """A phone's position: ``accuracy_m`` is its reported radius (68% on Android)."""

    latitude: float
    longitude: float
    accuracy_m: float


class LocationMismatch(ApplicationError):
    """``location_mismatch``, with the fix that caused it (for the alert it raises)."""

    def __init__(self, detail: str, *, distance_m: float, seconds_ago: float) -> None:
        super().__init__(error_codes.LOCATION_MISMATCH, detail, distance_m=round(distance_m, 1))
        self.distance = distance_m
        self.seconds_ago = seconds_ago


def fix_check(venue: Venue, fix: Fix) -> float:
    """The fix's distance from the venue, if the fix is good enough and inside the geofence."""
    max_accuracy = settings.CHECKIN_MAX_ACCURACY_M
    if not (0 < fix.accuracy_m <= max_accuracy):
        raise ApplicationError(
            error_codes.POOR_ACCURACY,
            _(
                "The location is too imprecise (±%(accuracy)s m; at most ±%(max)s m is "
                "accepted). Try again outside or with Wi-Fi on."
            )
            % {"accuracy": f"{fix.accuracy_m:g}", "max": f"{max_accuracy:g}"},
        )
    distance = geodesic_m(fix.latitude, fix.longitude, venue.latitude, venue.longitude)
    allowed = venue.radius_m + min(fix.accuracy_m, settings.CHECKIN_ACCURACY_SLACK_M)
    if distance > allowed:
        raise ApplicationError(
            error_codes.OUTSIDE_GEOFENCE,
            _("You are %(distance)s m from %(venue)s; check-ins are accepted within %(allowed)s m.")
            % {
                "distance": f"{distance:.0f}",
                "venue": venue.shown_name,
                "allowed": f"{allowed:.0f}",
            },
            distance_m=round(distance, 1),
        )
    return distance


def latest_fix(resident: User, since: datetime) -> tuple | None:
    """The resident's latest usable fix since ``since``, from their check-ins and refusals
    alike: ``(latitude, longitude, accuracy_m, created_at)``. Only a fix precise enough to have
    been accepted counts."""
    usable = {
        "resident": resident,
        "created_at__gte": since,
        "latitude__isnull": False,
        "accuracy_m__gt": 0,
        "accuracy_m__lte": settings.CHECKIN_MAX_ACCURACY_M,
    }
    columns = ("latitude", "longitude", "accuracy_m", "created_at")
    fixes = [
        model.objects.filter(**usable).order_by("-created_at").values_list(*columns).first()
        for model in (CheckinAttempt, CheckIn)
    ]
    fixes = [fix for fix in fixes if fix is not None]
    return max(fixes, key=lambda fix: fix[3]) if fixes else None


def location_memory_check(*, resident: User, venue: Venue) -> None:
    """Refuse a poster alone when the resident's own latest fix, within
    ``CHECKIN_LOCATION_MEMORY_MINUTES``, placed them outside this venue's geofence: the poster
    was seen elsewhere (a photo of it), or the phone is being kept quiet on purpose."""
    minutes = settings.CHECKIN_LOCATION_MEMORY_MINUTES
    if minutes <= 0:
        return
    now = timezone.now()
    latest = latest_fix(resident, now - timedelta(minutes=minutes))
    if latest is None:
        return
    latitude, longitude, accuracy_m, fixed_at = latest
    distance = geodesic_m(latitude, longitude, venue.latitude, venue.longitude)
    if distance <= venue.radius_m + min(accuracy_m, settings.CHECKIN_ACCURACY_SLACK_M):
        return
    ago_s = max((now - fixed_at).total_seconds(), 0)
    raise LocationMismatch(
        _(
            "Your phone placed you %(distance)s km from %(venue)s %(ago)s ago, so the poster "
            "alone cannot check you in. Allow your location, or ask staff at the desk."
        )
        % {
            "distance": f"{distance / 1000:.1f}",
            "venue": venue.shown_name,
            "ago": duration(int(ago_s)),
        },
        distance_m=distance,
        seconds_ago=ago_s,
    )


def duration(seconds: int) -> str:
    """``14400`` -> ``"4 h"``, ``3599`` -> ``"1 h"``, ``90`` -> ``"2 min"`` (rounded up)."""
    hours, minutes = hours_and_minutes(seconds)
    if hours and minutes:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return (
        _("%(hours)d h") % {"hours": hours}
        if hours
        else _("%(minutes)d min") % {"minutes": minutes}
    )
