"""Verifying and recording a check-in (DESIGN.md, "Check-in verification").

One entry point, `checkin_record`. The checks that need no lock run first (the QR signature,
the venue, the GPS fix); then, under a row lock on the resident, the checks that a concurrent
request could race (cooldown, impossible travel) and the insert, in one transaction. Every
refusal is logged as a `CheckinAttempt`, outside the transaction that refused, so the log
survives the rollback.
"""

import logging
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from backend import errors, sql
from backend.errors import ApplicationError
from checkins import error_codes
from checkins.models import CheckIn, CheckinAttempt, CheckinMethod
from checkins.visit_days import checkin_insert_counted
from rewards.offers.earning import (
    RewardsBatchFailed,
    rewards_for_checkin,
    rewards_for_checkin_one_by_one,
)
from venues.geo import geodesic_m
from venues.models import Poster, Venue
from venues.posters.services import poster_resolve

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fix:
    """A phone's position: ``accuracy_m`` is its reported radius (68% on Android)."""

    latitude: float
    longitude: float
    accuracy_m: float


@dataclass
class CheckinOutcome:
    checkin: CheckIn
    points_earned: int = 0
    rewards: list[dict] = field(default_factory=list)


@dataclass
class _Attempt:
    """What is known of an attempt so far, for the fraud log if it is refused."""

    resident: User
    method: str
    fix: Fix | None
    venue: Venue | None = None
    poster: Poster | None = None
    distance_m: float | None = None


def checkin_record(
    *,
    resident: User,
    venue: Venue | None = None,
    qr_token: str | None = None,
    fix: Fix | None = None,
) -> CheckinOutcome:
    """Verify a resident's presence at a venue and record it, or refuse with the contract's code.

    GPS: ``venue`` and ``fix``. QR: ``qr_token``, optionally with ``venue`` (which must be the
    poster's) and a ``fix`` (then checked against the geofence too: a photographed poster proves
    only that someone saw it).
    """
    if venue is None and qr_token is None:
        raise ValueError("A check-in needs a venue or a QR token.")
    attempt = _Attempt(
        resident=resident,
        method=CheckinMethod.QR if qr_token else CheckinMethod.GPS,
        fix=fix,
        venue=venue,
    )
    try:
        if qr_token is not None:
            attempt.poster = poster_resolve(token=qr_token)
            if venue is not None and attempt.poster.venue_id != venue.id:
                raise ApplicationError(
                    error_codes.INVALID_QR, _("This QR code belongs to another venue.")
                )
            attempt.venue = attempt.poster.venue
        if not attempt.venue.is_active:
            raise ApplicationError(error_codes.VENUE_INACTIVE, _("This venue is closed for good."))
        if fix is not None:
            attempt.distance_m = _check_fix(attempt.venue, fix)
        try:
            return _record(attempt, rewards_for_checkin)
        except RewardsBatchFailed:
            # Rolled back whole: record it again, giving each offer on its own.
            logger.exception("Check-in rewards failed as a batch; recorded one offer at a time")
            return _record(attempt, rewards_for_checkin_one_by_one)
    except ApplicationError as refusal:
        # A closed account leaves no new trace (reading is_active reads the row if a token
        # alone authenticated the resident: accounts/authentication.py).
        if refusal.error != errors.NOT_AUTHENTICATED and _account_is_open(attempt.resident):
            _log_refusal(attempt, refusal)
        raise


def _account_is_open(resident: User) -> bool:
    try:
        return resident.is_active
    except User.DoesNotExist:
        return False


def _check_fix(venue: Venue, fix: Fix) -> float:
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


def _record(attempt: _Attempt, give_rewards) -> CheckinOutcome:
    venue, fix = attempt.venue, attempt.fix
    with transaction.atomic():
        _lock_resident(attempt.resident)
        now = timezone.now()
        _check_cooldown_and_travel(attempt.resident, venue, now)
        checkin = CheckIn(
            resident=attempt.resident,
            venue=venue,
            method=attempt.method,
            poster=attempt.poster,
            distance_m=attempt.distance_m,
            latitude=fix.latitude if fix else None,
            longitude=fix.longitude if fix else None,
            accuracy_m=fix.accuracy_m if fix else None,
            created_at=now,
        )
        # The check-in and its count in the statistics' daily rollup, in one statement.
        checkin_insert_counted(checkin=checkin)
        # Still under the resident's row lock: per-user limits are counted race-free.
        resident = attempt.resident
        points_earned, rewards = give_rewards(
            resident=resident,
            venue=venue,
            checkin_id=checkin.pk,
            checked_in_at=now,
            visits_since=lambda since: CheckIn.objects.filter(
                resident=resident, venue=venue, **({"created_at__gt": since} if since else {})
            ).count(),
        )
    return CheckinOutcome(checkin=checkin, points_earned=points_earned, rewards=rewards)


def _lock_resident(resident: User) -> None:
    """Take the resident's row lock and refuse a closed (or deleted) account.

    The lock serialises the resident's check-ins: two at once cannot both pass the cooldown. It
    also waits out an erasure in progress, after which the account is inactive. What it read is
    the account's state for the rest of the request: it is written on ``resident``, whose row a
    token alone may have authenticated (accounts/authentication.py).
    """
    statement = f"SELECT is_active FROM {User._meta.db_table} WHERE id = %s"
    if connection.features.has_select_for_update:
        statement += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(statement, [sql.to_db(User._meta.pk, resident.pk)])
        row = cursor.fetchone()
    if row is not None:
        resident.is_active = bool(row[0])
    if row is None or not resident.is_active:
        raise ApplicationError(errors.NOT_AUTHENTICATED, _("This account has been closed."))


# The cooldown and the impossible-travel check in one statement: the resident's latest check-in
# here inside the cooldown, beside their latest check-in at another venue with that venue (none,
# for a resident never seen elsewhere). Written in SQL: the ORM took longer to build it than the
# database takes to answer it (bench/README.md, "Issue 16").
_COOLDOWN_AND_TRAVEL_SQL = f"""
    SELECT
        (SELECT here.created_at FROM {CheckIn._meta.db_table} here
            WHERE here.resident_id = %s AND here.venue_id = %s AND here.created_at > %s
            ORDER BY here.created_at DESC LIMIT 1),
        previous.created_at, venue.name, venue.latitude, venue.longitude, venue.radius_m
    FROM (SELECT 1) one
    LEFT JOIN (
        SELECT created_at, venue_id FROM {CheckIn._meta.db_table}
        WHERE resident_id = %s AND venue_id <> %s
        ORDER BY created_at DESC LIMIT 1
    ) previous ON 1 = 1
    LEFT JOIN {Venue._meta.db_table} venue ON venue.id = previous.venue_id
"""


def _check_cooldown_and_travel(resident: User, venue: Venue, now: datetime) -> None:
    """Refuse a check-in inside the cooldown here, then one that needed impossible travel."""
    cooldown = timedelta(seconds=settings.CHECKIN_COOLDOWN_SECONDS)
    field = CheckIn._meta.get_field
    resident_id = sql.to_db(field("resident"), resident.pk)
    venue_id = sql.to_db(field("venue"), venue.pk)
    since = sql.to_db(field("created_at"), now - cooldown)
    with connection.cursor() as cursor:
        cursor.execute(
            _COOLDOWN_AND_TRAVEL_SQL, [resident_id, venue_id, since, resident_id, venue_id]
        )
        last_here_at, previous_at, *previous_venue = cursor.fetchone()
    _check_cooldown(sql.from_db(field("created_at"), last_here_at), cooldown, now)
    if previous_at is not None:
        _check_travel([sql.from_db(field("created_at"), previous_at), *previous_venue], venue, now)


def _check_cooldown(last_here_at: datetime | None, cooldown: timedelta, now: datetime) -> None:
    if last_here_at is not None:
        retry_after = math.ceil((last_here_at + cooldown - now).total_seconds())
        raise ApplicationError(
            error_codes.COOLDOWN,
            _("You checked in here recently; try again in %(wait)s.")
            % {"wait": _duration(retry_after)},
            retry_after=retry_after,
        )


def _check_travel(previous: list, venue: Venue, now: datetime) -> None:
    """Refuse when getting here from the previous check-in's venue needed more than the
    configured speed. The venues' radii are forgiven: neighbours are never impossible."""
    previous_at, previous_name, previous_lat, previous_lng, previous_radius = previous
    gap_m = geodesic_m(previous_lat, previous_lng, venue.latitude, venue.longitude) - (
        previous_radius + venue.radius_m
    )
    if gap_m <= 0:
        return
    elapsed_s = (now - previous_at).total_seconds()
    max_speed_ms = settings.CHECKIN_MAX_SPEED_KMH / 3.6
    if elapsed_s <= 0 or gap_m / elapsed_s > max_speed_ms:
        raise ApplicationError(
            error_codes.IMPOSSIBLE_TRAVEL,
            _("You checked in at %(venue)s, %(km)s km away, %(ago)s ago: nobody travels that fast.")
            % {
                "venue": previous_name,
                "km": f"{gap_m / 1000:.1f}",
                "ago": _duration(int(elapsed_s)),
            },
        )


def _duration(seconds: int) -> str:
    """``14400`` -> ``"4 h"``, ``3599`` -> ``"1 h"``, ``90`` -> ``"2 min"`` (rounded up)."""
    hours, minutes = divmod(max(math.ceil(seconds / 60), 1), 60)
    if hours and minutes:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return (
        _("%(hours)d h") % {"hours": hours}
        if hours
        else _("%(minutes)d min") % {"minutes": minutes}
    )


def _log_refusal(attempt: _Attempt, refusal: ApplicationError) -> None:
    fix = attempt.fix
    CheckinAttempt.objects.create(
        resident=attempt.resident,
        venue=attempt.venue,
        poster=attempt.poster,
        method=attempt.method,
        reason=refusal.code,
        detail=refusal.detail[:300],
        distance_m=refusal.extra.get("distance_m", attempt.distance_m),
        latitude=fix.latitude if fix else None,
        longitude=fix.longitude if fix else None,
        accuracy_m=fix.accuracy_m if fix else None,
    )


def checkin_locations_drop(*, older_than_days: int | None = None) -> tuple[int, int]:
    """Forget the raw fixes of check-ins and attempts older than the retention period; the
    distance stays. Returns how many check-ins and attempts were cleared."""
    days = settings.LOCATION_RETENTION_DAYS if older_than_days is None else older_than_days
    cutoff = timezone.now() - timedelta(days=days)
    cleared = {"latitude": None, "longitude": None, "accuracy_m": None}
    with transaction.atomic():
        checkins = CheckIn.objects.filter(created_at__lt=cutoff, latitude__isnull=False).update(
            **cleared
        )
        attempts = CheckinAttempt.objects.filter(
            created_at__lt=cutoff, latitude__isnull=False
        ).update(**cleared)
    return checkins, attempts
