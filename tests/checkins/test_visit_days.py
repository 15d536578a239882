"""The daily rollup (``VisitDay``): after any history of check-ins recorded by the service,
around local midnight on both clock changes, it equals a recount from the check-in rows, the
rebuild gives the same rows, and new visitors read from it equal a count over check-ins."""

from collections import Counter
from datetime import UTC, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Q
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from accounts.services import user_erase
from checkins.models import CheckIn, VisitDay
from checkins.services import Fix, checkin_record
from checkins.visit_days import (
    checkin_insert_counted,
    local_day,
    visit_days_rebuild,
)
from insight.stats.selectors import DateRange, new_visitors
from tests.factories import CheckInFactory, CouncilFactory, UserFactory, VenueFactory

LONDON = ZoneInfo("Europe/London")
# Local midnights on each side of the 2025 clock changes (30 March, 26 October).
MIDNIGHTS = [
    datetime(2025, month, day, tzinfo=LONDON)
    for month, day in ((3, 29), (3, 30), (3, 31), (10, 25), (10, 26), (10, 27))
]
moments = st.builds(
    lambda midnight, minutes: midnight + timedelta(minutes=minutes),
    st.sampled_from(MIDNIGHTS),
    st.integers(min_value=-90, max_value=90),
)
visits = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2), moments), min_size=1, max_size=25)


def rollup() -> dict:
    return {
        (row.venue_id, row.day, row.resident_id): (
            row.checkins,
            row.is_first_at_venue,
            row.is_first_in_council,
        )
        for row in VisitDay.objects.all()
    }


def recount() -> dict:
    """The rollup as it should be, from the check-in rows alone."""
    counts = Counter(
        (c.venue_id, c.created_at.astimezone(LONDON).date(), c.resident_id)
        for c in CheckIn.objects.all()
    )
    councils = {c.venue_id: c.venue.council_id for c in CheckIn.objects.select_related("venue")}
    first_at_venue, first_in_council = {}, {}
    for venue, day, resident in counts:
        for key, firsts in (
            ((venue, resident), first_at_venue),
            ((councils[venue], resident), first_in_council),
        ):
            firsts[key] = min(day, firsts.get(key, day))
    return {
        (venue, day, resident): (
            n,
            first_at_venue[venue, resident] == day,
            first_in_council[councils[venue], resident] == day,
        )
        for (venue, day, resident), n in counts.items()
    }


def new_by_recount(scope: Q, period: DateRange) -> int:
    lower, upper = period.bounds()
    first = {}
    for checkin in CheckIn.objects.filter(scope):
        first[checkin.resident_id] = min(
            checkin.created_at, first.get(checkin.resident_id, checkin.created_at)
        )
    return sum(1 for at in first.values() if lower <= at < upper)


@override_settings(CHECKIN_COOLDOWN_SECONDS=0)
class TestRollupAgainstCheckins(TestCase):
    @hypothesis_settings(
        max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(history=visits)
    def test_the_rollup_equals_a_recount_from_check_ins(self, history):
        council, other = CouncilFactory(), CouncilFactory()
        # Side by side, so no pair of them is an impossible journey.
        venues = [
            VenueFactory(council=council),
            VenueFactory(council=council),
            VenueFactory(council=other),
        ]
        residents = [UserFactory() for _ in range(3)]
        for resident, venue, at in sorted(history, key=lambda visit: visit[2]):
            place = venues[venue]
            # As the real clock answers: in UTC.
            with mock.patch.object(timezone, "now", lambda at=at: at.astimezone(UTC)):
                checkin_record(
                    resident=residents[resident],
                    venue=place,
                    fix=Fix(place.latitude, place.longitude, 10),
                )
        expected = recount()
        assert rollup() == expected
        assert sum(n for n, _, _ in expected.values()) == len(history)

        days = sorted({local_day(at) for _, _, at in history})
        for start, end in ((days[0], days[-1]), (days[-1], days[-1]), (days[0], days[0])):
            period = DateRange(start, end)
            for scope in (Q(venue__council=council), Q(venue=venues[0]), Q(venue=venues[2])):
                assert new_visitors(venue_scope=scope, period=period) == new_by_recount(
                    scope, period
                )

        visit_days_rebuild()
        assert rollup() == expected


pytestmark = pytest.mark.django_db


def test_new_visitors_ignore_a_first_day_flag_set_out_of_order():
    """Rows recorded out of time order (only a repair or a test does that) can leave a later
    day flagged as first too; the earliest one still decides."""
    venue, resident = VenueFactory(), UserFactory()
    for day in (12, 10):
        at = datetime(2025, 6, day, 12, tzinfo=LONDON)
        CheckInFactory(resident=resident, venue=venue, created_at=at)
    assert VisitDay.objects.filter(is_first_at_venue=True).count() == 2
    june = DateRange(datetime(2025, 6, 11).date(), datetime(2025, 6, 30).date())
    assert new_visitors(venue_scope=Q(venue=venue), period=june) == 0
    assert new_visitors(venue_scope=Q(venue__council=venue.council), period=june) == 0


def test_erasure_keeps_the_rollup_as_it_keeps_the_check_ins(clock):
    """Erasure keeps visits (without where the phone was), so their daily rows stay too:
    they hold no location, and the venue's figures must not change."""
    venue, resident = VenueFactory(), UserFactory()
    checkin_record(resident=resident, venue=venue, fix=Fix(venue.latitude, venue.longitude, 10))
    before = rollup()
    user_erase(user=resident)
    assert CheckIn.objects.filter(resident=resident).count() == 1
    assert rollup() == before == recount()


def test_a_check_in_inserted_with_its_count_is_stored_as_save_stores_it():
    venue, resident = VenueFactory(), UserFactory()
    checkin = CheckIn(
        resident=resident,
        venue=venue,
        method="gps",
        evidence="location",
        distance_m=3.5,
        latitude=venue.latitude,
        longitude=venue.longitude,
        accuracy_m=8.0,
        created_at=timezone.now(),
    )
    checkin_insert_counted(checkin=checkin)
    stored = CheckIn.objects.get()
    assert {f.attname: getattr(stored, f.attname) for f in CheckIn._meta.concrete_fields} == {
        f.attname: getattr(checkin, f.attname) for f in CheckIn._meta.concrete_fields
    }
    assert checkin._state.adding is False and checkin._state.db == "default"
    assert rollup() == recount()
    assert rollup()[(venue.pk, local_day(checkin.created_at), resident.pk)][0] == 1
