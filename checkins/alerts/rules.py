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
thresholds are constants, not settings, until a council asks to tune them. Each stores the
facts it found (``Alert.facts``), worded in the reader's language by ``checkins.alerts.words``.
"""

from datetime import timedelta

from django.conf import settings

from checkins.alerts.services import alert_raise
from checkins.alerts.words import alert_detail_in_english
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
    _raise(
        kind=AlertKind.POSTER_LEAK,
        venue=checkin.venue,
        poster=poster,
        checkin=checkin,
        dedupe_key=f"poster_leak:{poster.pk}",
        facts={
            "poster": poster.label,
            "residents": residents,
            "minutes": minutes,
            "limit": settings.POSTER_LEAK_RESIDENTS,
        },
    )


def location_mismatch_raise(*, attempt: CheckinAttempt, distance_m: float, ago_s: float) -> None:
    """After a poster-only check-in was refused ``location_mismatch``."""
    _raise(
        kind=AlertKind.LOCATION_MISMATCH,
        venue=attempt.venue,
        poster=attempt.poster,
        account=attempt.resident,
        attempt=attempt,
        dedupe_key=f"location_mismatch:{attempt.venue_id}:{attempt.resident_id}",
        facts={"ago_s": ago_s, "distance_m": distance_m, "venue": attempt.venue.name},
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
    reasons = sorted(set(refusals.values_list("reason", flat=True)))
    _raise(
        kind=AlertKind.REPEATED_REFUSALS,
        venue=attempt.venue,
        account=attempt.resident,
        attempt=attempt,
        dedupe_key=f"repeated_refusals:{attempt.venue_id}:{attempt.resident_id}",
        facts={
            "count": count,
            "venue": attempt.venue.name,
            "minutes": REPEATED_REFUSALS_MINUTES,
            "reasons": reasons,
        },
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
    _raise(
        kind=AlertKind.STAFF_BURST,
        venue=checkin.venue,
        account=checkin.assisted_by,
        checkin=checkin,
        dedupe_key=f"staff_burst:{checkin.venue_id}:{checkin.assisted_by_id}",
        facts={"count": count, "minutes": STAFF_BURST_MINUTES, "limit": STAFF_BURST_CHECKINS},
    )


def _raise(*, kind: str, facts: dict, **alert) -> None:
    """Raise the alert with its facts, its ``detail`` worded from them in English (the API's);
    the email and the back office word them in their reader's language."""
    alert_raise(kind=kind, facts=facts, detail=alert_detail_in_english(kind, facts), **alert)
