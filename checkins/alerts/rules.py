"""The signals that raise alerts, each checked as the check-in or refusal that may cross its
threshold is recorded (API.md: "not by a later scheduled job").

- ``poster_leak``: one poster used alone (no location) by more than ``POSTER_LEAK_RESIDENTS``
  distinct residents within ``POSTER_LEAK_MINUTES``: a photo of it is going round.
- ``location_mismatch``: a poster-only check-in refused because the resident's own fix had
  just placed them outside the venue (``checkins.services``, ``CHECKIN_LOCATION_MEMORY_MINUTES``).
- ``repeated_refusals``: a resident refused `REPEATED_REFUSALS` times at one venue within
  `REPEATED_REFUSALS_MINUTES`: someone probing the geofence, or a genuine problem (a venue's
  coordinates wrong, a broken poster) worth a look either way.
- ``staff_burst``: one staff member checking in more than `STAFF_BURST_CHECKINS` residents
  within `STAFF_BURST_MINUTES` at the desk: the desk's check-in pays like any other, so a
  colleague handing out visits to friends shows here.

The last two are the signals the data showed worth a look beyond the two the issue named; their
thresholds are constants, not settings, until a council asks to tune them.
"""

from datetime import timedelta

from django.conf import settings

from checkins.alerts.services import alert_raise
from checkins.alerts.words import distance_in_words, minutes_in_words
from checkins.error_codes import REFUSAL_NAMES
from checkins.models import AlertKind, CheckIn, CheckinAttempt
from rewards.evidence import Evidence

REPEATED_REFUSALS = 5
REPEATED_REFUSALS_MINUTES = 60
STAFF_BURST_CHECKINS = 30
STAFF_BURST_MINUTES = 60


def poster_leak_watch(*, checkin: CheckIn) -> None:
    """After a poster-only check-in (in its transaction): count the residents who used this
    poster alone lately, this one included."""
    if checkin.evidence != Evidence.POSTER or checkin.poster_id is None:
        return
    minutes = settings.POSTER_LEAK_MINUTES
    residents = (
        CheckIn.objects.filter(
            poster_id=checkin.poster_id,
            evidence=Evidence.POSTER,
            created_at__gt=checkin.created_at - timedelta(minutes=minutes),
            voided_at__isnull=True,
        )
        .values("resident_id")
        .distinct()
        .count()
    )
    if residents <= settings.POSTER_LEAK_RESIDENTS:
        return
    poster = checkin.poster
    alert_raise(
        kind=AlertKind.POSTER_LEAK,
        venue=checkin.venue,
        poster=poster,
        checkin=checkin,
        dedupe_key=f"poster_leak:{poster.pk}",
        detail=(
            f"The poster “{poster.label}” was used without the phone's location by "
            f"{residents} residents in the last {minutes} minutes (more than "
            f"{settings.POSTER_LEAK_RESIDENTS}): a photo of it may be going round. Revoke it "
            "and print its replacement, and set the venue's offers worth money to need the "
            "phone's location or the desk screen."
        ),
    )


def location_mismatch_raise(*, attempt: CheckinAttempt, distance_m: float, ago_s: float) -> None:
    """After a poster-only check-in was refused ``location_mismatch``."""
    alert_raise(
        kind=AlertKind.LOCATION_MISMATCH,
        venue=attempt.venue,
        poster=attempt.poster,
        account=attempt.resident,
        attempt=attempt,
        dedupe_key=f"location_mismatch:{attempt.venue_id}:{attempt.resident_id}",
        detail=(
            f"A resident tried to check in with the poster alone {minutes_in_words(ago_s)} "
            f"after their phone placed them {distance_in_words(distance_m)} from "
            f"{attempt.venue.name}. The check-in was refused."
        ),
    )


def refusals_watch(*, attempt: CheckinAttempt) -> None:
    """After any refusal at a venue: the resident's refusals there lately."""
    if attempt.venue_id is None:
        return
    since = attempt.created_at - timedelta(minutes=REPEATED_REFUSALS_MINUTES)
    refusals = CheckinAttempt.objects.filter(
        resident_id=attempt.resident_id, venue_id=attempt.venue_id, created_at__gt=since
    )
    count = refusals.count()
    if count < REPEATED_REFUSALS:
        return
    reasons = sorted(
        {REFUSAL_NAMES.get(reason, reason) for reason in refusals.values_list("reason", flat=True)}
    )
    alert_raise(
        kind=AlertKind.REPEATED_REFUSALS,
        venue=attempt.venue,
        account=attempt.resident,
        attempt=attempt,
        dedupe_key=f"repeated_refusals:{attempt.venue_id}:{attempt.resident_id}",
        detail=(
            f"A resident was refused {count} times at {attempt.venue.name} in "
            f"{REPEATED_REFUSALS_MINUTES} minutes ({', '.join(reasons)})."
        ),
    )


def staff_burst_watch(*, checkin: CheckIn) -> None:
    """After a check-in made by staff at the desk (in its transaction)."""
    if checkin.assisted_by_id is None:
        return
    since = checkin.created_at - timedelta(minutes=STAFF_BURST_MINUTES)
    count = CheckIn.objects.filter(
        assisted_by_id=checkin.assisted_by_id, created_at__gt=since, voided_at__isnull=True
    ).count()
    if count <= STAFF_BURST_CHECKINS:
        return
    alert_raise(
        kind=AlertKind.STAFF_BURST,
        venue=checkin.venue,
        account=checkin.assisted_by,
        checkin=checkin,
        dedupe_key=f"staff_burst:{checkin.venue_id}:{checkin.assisted_by_id}",
        detail=(
            f"One staff member checked in {count} residents at the desk in "
            f"{STAFF_BURST_MINUTES} minutes (more than {STAFF_BURST_CHECKINS})."
        ),
    )
