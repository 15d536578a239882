"""Verifying and recording a check-in (DESIGN.md, "Check-in verification" and "Evidence of
presence").

Two entry points: `checkin_record` (the resident's phone: a fix, a poster's code or the desk
screen's) and `checkin_record_assisted` (staff at the desk). The checks that need no lock run
first (the code's signature, the venue, the GPS fix, what the evidence is worth and, for a
poster alone, the resident's own recent fix); then, under a row lock on the resident, the checks
that a concurrent request could race (cooldown, impossible travel) and the insert, in one
transaction, with the rewards and the alerts the check-in crosses a threshold of. Every refusal
is logged as a `CheckinAttempt`, outside the transaction that refused, so the log survives the
rollback; the alerts a refusal raises are raised with it.
"""

import logging
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import ages
from accounts.models import User
from backend import errors, sql
from backend.errors import ApplicationError
from checkins import error_codes
from checkins.alerts import rules as alert_rules
from checkins.models import CheckIn, CheckinAttempt, CheckinMethod
from checkins.presence import Fix, LocationMismatch, fix_check, location_memory_check
from checkins.presence import duration as _duration
from checkins.visit_days import checkin_insert_counted
from rewards.evidence import Evidence
from rewards.offers.earning import (
    CheckinRewards,
    RewardsBatchFailed,
    rewards_for_checkin,
    rewards_for_checkin_one_by_one,
)
from venues.access import may
from venues.activity.sentences import said
from venues.activity.services import activity_record
from venues.geo import geodesic_m
from venues.models import Poster, Venue
from venues.posters.services import poster_resolve
from venues.screens.services import screen_token_venue
from venues.screens.tokens import looks_like_screen_token

logger = logging.getLogger(__name__)


@dataclass
class CheckinOutcome:
    checkin: CheckIn
    points_earned: int = 0
    rewards: list[dict] = field(default_factory=list)
    # Offers the check-in's evidence did not earn: ``{"offer", "title", "accepts"}``.
    not_earned: list[dict] = field(default_factory=list)


@dataclass
class _Attempt:
    """What is known of an attempt so far, for the fraud log if it is refused."""

    resident: User
    method: str
    fix: Fix | None
    venue: Venue | None = None
    poster: Poster | None = None
    distance_m: float | None = None
    evidence: str | None = None
    assisted_by: User | None = None


def checkin_record(
    *,
    resident: User,
    venue: Venue | None = None,
    qr_token: str | None = None,
    fix: Fix | None = None,
    screen_read_at: datetime | None = None,
) -> CheckinOutcome:
    """Verify a resident's presence at a venue and record it, or refuse with the contract's code.

    GPS: ``venue`` and ``fix``. QR: ``qr_token``, a poster's or the desk screen's code,
    optionally with ``venue`` (which must be the code's) and a ``fix`` (then checked against
    the geofence too: a photographed poster proves only that someone saw it). ``screen_read_at``:
    when the resident's page read a screen code (``venues.screens.services``). The evidence
    recorded follows from what was shown (``rewards.evidence``).
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
            _resolve_code(attempt, qr_token, venue, screen_read_at)
        assert attempt.venue is not None  # given, or the code's
        if not attempt.venue.is_active:
            raise ApplicationError(error_codes.VENUE_INACTIVE, _("This venue is closed for good."))
        if fix is not None:
            attempt.distance_m = fix_check(attempt.venue, fix)
        attempt.evidence = _evidence_of(attempt)
        if attempt.evidence == Evidence.POSTER:
            location_memory_check(resident=resident, venue=attempt.venue)
        return _record_with_fallback(attempt)
    except ApplicationError as refusal:
        _refused(attempt, refusal)
        raise


def checkin_record_assisted(*, staff: User, venue: Venue, resident: User) -> CheckinOutcome:
    """Staff at the desk check ``resident`` in at ``venue``: the same cooldown, travel and
    reward rules, recorded with the evidence ``staff`` and who did it. Staff need a role at the
    venue (403 ``permission_denied``) and may not check themselves in (403 ``own_checkin``);
    a closed account is 404 ``not_found``, as an unknown one is."""
    if not may(staff, "venue.serve", venue):
        raise ApplicationError(errors.PERMISSION_DENIED, _("You do not work at this venue."))
    attempt = _Attempt(
        resident=resident,
        method=CheckinMethod.STAFF,
        fix=None,
        venue=venue,
        evidence=Evidence.STAFF,
        assisted_by=staff,
    )
    try:
        if resident.pk == staff.pk:
            raise ApplicationError(
                error_codes.OWN_CHECKIN, _("You cannot check yourself in: ask a colleague.")
            )
        if not venue.is_active:
            raise ApplicationError(error_codes.VENUE_INACTIVE, _("This venue is closed for good."))
        with transaction.atomic():
            outcome = _record_with_fallback(attempt)
            activity_record(
                actor=staff,
                action="checkin.assisted",
                obj=outcome.checkin,
                summary=said(
                    gettext_noop("A resident was checked in at %(venue)s by staff."),
                    venue=venue.name,
                ),
            )
        return outcome
    except ApplicationError as refusal:
        if refusal.error == errors.NOT_AUTHENTICATED:  # the resident's account is closed
            raise ApplicationError(
                errors.NOT_FOUND, _("No member has this code or email.")
            ) from refusal
        _refused(attempt, refusal)
        raise


def _resolve_code(attempt: _Attempt, token: str, venue: Venue | None, read_at) -> None:
    """The venue (and poster) a code names: the desk screen's rotating code, or a poster's."""
    if looks_like_screen_token(token):
        attempt.method = CheckinMethod.SCREEN
        named = screen_token_venue(token=token, read_at=read_at)
    else:
        attempt.poster = poster_resolve(token=token)
        named = attempt.poster.venue
    if venue is not None and named.id != venue.id:
        raise ApplicationError(error_codes.INVALID_QR, _("This QR code belongs to another venue."))
    attempt.venue = named


def _evidence_of(attempt: _Attempt) -> str:
    if attempt.method == CheckinMethod.SCREEN:
        return Evidence.DESK_SCREEN
    if attempt.method == CheckinMethod.QR:
        return Evidence.POSTER if attempt.fix is None else Evidence.POSTER_AND_LOCATION
    return Evidence.LOCATION


def _record_with_fallback(attempt: _Attempt) -> CheckinOutcome:
    try:
        return _record(attempt, rewards_for_checkin)
    except RewardsBatchFailed:
        # Rolled back whole: record it again, giving each offer on its own.
        logger.exception("Check-in rewards failed as a batch; recorded one offer at a time")
        return _record(attempt, rewards_for_checkin_one_by_one)


def _refused(attempt: _Attempt, refusal: ApplicationError) -> None:
    """Log a refusal for fraud review, and raise the alerts it crosses a threshold of. A closed
    account leaves no new trace (reading is_active reads the row if a token alone
    authenticated the resident: accounts/authentication.py)."""
    if refusal.error == errors.NOT_AUTHENTICATED or not _account_is_open(attempt.resident):
        return
    logged = _log_refusal(attempt, refusal)
    if logged.venue_id is None:
        return
    try:
        with transaction.atomic():
            if isinstance(refusal, LocationMismatch):
                alert_rules.location_mismatch_raise(
                    attempt=logged, distance_m=refusal.distance, ago_s=refusal.seconds_ago
                )
            alert_rules.refusals_watch(attempt=logged)
    except (OperationalError, InterfaceError):
        raise
    except Exception:
        logger.exception("Alerts of refused check-in %s failed", logged.pk)


def _account_is_open(resident: User) -> bool:
    try:
        return resident.is_active
    except User.DoesNotExist:
        return False


def _record(attempt: _Attempt, give_rewards) -> CheckinOutcome:
    venue, fix = attempt.venue, attempt.fix
    assert venue is not None and attempt.evidence is not None  # known once the checks passed
    with transaction.atomic():
        _lock_resident(attempt.resident)
        now = timezone.now()
        _check_cooldown_and_travel(attempt.resident, venue, now)
        # Anyone under 18 (ICO Children's code, geolocation): the fix verified presence above
        # and is forgotten now; the venue, the evidence and the distance found (which the
        # evidence's constraint asks for, and which places nobody) are all that is kept.
        if ages.is_minor(attempt.resident):
            fix = None
        checkin = CheckIn(
            resident=attempt.resident,
            venue=venue,
            method=attempt.method,
            evidence=attempt.evidence,
            poster=attempt.poster,
            assisted_by=attempt.assisted_by,
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
        earned: CheckinRewards = give_rewards(
            resident=resident,
            venue=venue,
            checkin_id=checkin.pk,
            checked_in_at=now,
            evidence=attempt.evidence,
            visits_since=lambda since: CheckIn.objects.filter(
                resident=resident,
                venue=venue,
                voided_at__isnull=True,
                **({"created_at__gt": since} if since else {}),
            ).count(),
        )
        _watch(checkin)
    return CheckinOutcome(
        checkin=checkin,
        points_earned=earned.points,
        rewards=earned.rewards,
        not_earned=earned.not_earned,
    )


def _watch(checkin: CheckIn) -> None:
    """The alerts a new check-in may cross the threshold of (only a poster used alone, and a
    check-in at the desk, are counted: the rest cost nothing). An alert that fails is logged,
    never the check-in's failure."""
    if checkin.evidence not in (Evidence.POSTER, Evidence.STAFF):
        return
    try:
        with transaction.atomic():
            alert_rules.poster_leak_watch(checkin=checkin)
            alert_rules.staff_burst_watch(checkin=checkin)
    except (OperationalError, InterfaceError):
        raise
    except Exception:
        logger.exception("Alerts of check-in %s failed; the check-in stands", checkin.pk)


def _lock_resident(resident: User) -> None:
    """Take the resident's row lock and refuse a closed (or deleted) account.

    The lock serialises the resident's check-ins: two at once cannot both pass the cooldown. It
    also waits out an erasure in progress, after which the account is inactive. What it read is
    the account's state for the rest of the request: it is written on ``resident``, whose row a
    token alone may have authenticated (accounts/authentication.py).
    """
    # The age fields too: whether the check-in may keep its fix (accounts.ages.is_minor).
    statement = (
        f"SELECT is_active, birth_year, guardian_id FROM {User._meta.db_table} WHERE id = %s"
    )
    if connection.vendor == "postgresql":
        # NO KEY UPDATE: it serialises the resident's check-ins (and voids) all the same, and
        # lets the rows that merely point at the resident (a claim's voucher, at this instant)
        # be inserted meanwhile: a plain FOR UPDATE blocks their foreign keys' KEY SHARE lock,
        # and a claim holding the resident's lots would then deadlock with this check-in.
        statement += " FOR NO KEY UPDATE"
    elif connection.features.has_select_for_update:
        statement += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(statement, [sql.to_db(User._meta.pk, resident.pk)])
        row = cursor.fetchone()
    if row is not None:
        resident.is_active = bool(row[0])
        resident.birth_year = row[1]
        resident.guardian_id = sql.from_db(User._meta.get_field("guardian"), row[2])
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


def _log_refusal(attempt: _Attempt, refusal: ApplicationError) -> CheckinAttempt:
    fix = attempt.fix
    distance_m = refusal.extra.get("distance_m", attempt.distance_m)
    if ages.is_minor(attempt.resident):  # as for their check-ins: no coordinates kept
        fix = None
    return CheckinAttempt.objects.create(
        resident=attempt.resident,
        venue=attempt.venue,
        poster=attempt.poster,
        method=attempt.method,
        assisted_by=attempt.assisted_by,
        reason=refusal.code,
        detail=refusal.detail[:300],
        distance_m=distance_m,
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
