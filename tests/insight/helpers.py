"""Helpers of the insight tests: local times and history rows."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from checkins.models import CheckIn, Comment, CommentReport
from tests.factories import CheckInFactory, CouncilFactory, UserFactory, VenueFactory
from venues.models import FoursquareTip, Venue

LONDON = ZoneInfo("Europe/London")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 10, day, hour, minute, tzinfo=LONDON)


def checkin(resident, venue, when: datetime) -> CheckIn:
    """A check-in at ``when``, recorded as the service records it: the row and its day."""
    return CheckInFactory(resident=resident, venue=venue, created_at=when)


def comment(venue, when: datetime, **fields) -> Comment:
    row = Comment.objects.create(venue=venue, author=UserFactory(display_name="Rosa"), **fields)
    Comment.objects.filter(pk=row.pk).update(created_at=when)
    return row


def build_history() -> dict:
    """The council, its three venues and their history (see tests/insight/conftest.py)."""
    council = CouncilFactory(name="Hackney Council", slug="hackney")
    library = VenueFactory(council=council, name="Library")
    pool = VenueFactory(
        council=council,
        name="Pool",
        foursquare_drift=[{"field": "postcode", "council": "E8 1AA", "foursquare": "E8 1AB"}],
    )
    museum = VenueFactory(council=council, name="Museum")  # never visited
    # Registered long before their history (a venue registered this week is new, not quiet).
    Venue.objects.filter(council=council).update(created_at=at(1, 9).replace(month=1))
    r1, r2, r3, r4 = (UserFactory() for _ in range(4))
    checkin(r1, library, at(20, 10))  # before both periods: r1 is not new
    checkin(r1, library, at(24, 10))  # the previous period
    checkin(r1, library, at(26, 0, 30))  # 23:30 UTC on the 25th, a local 26th
    checkin(r1, pool, at(27, 9))
    checkin(r2, library, at(25, 23, 30))  # 22:30 UTC (BST): the previous period's last day
    checkin(r2, library, at(28, 18))
    checkin(r3, pool, at(26, 23, 30))  # GMT after the change: still the 26th
    checkin(r4, pool, at(29, 0, 10))  # after the period
    comment(library, at(24, 12), body="Lovely", rating=5)
    comment(library, at(27, 12), body="Cold reading room", rating=2)
    reported = comment(pool, at(27, 13), body="=cmd|' /C calc'!A0")
    CommentReport.objects.create(comment=reported, reporter=UserFactory(), reason="spam")
    return {"council": council, "library": library, "pool": pool, "museum": museum}


PERIOD = {"period": "custom", "start": "2025-10-26", "end": "2025-10-28"}
NOW = at(28, 20)


def foursquare_tip(venue, text: str, *, when: datetime | None = None) -> FoursquareTip:
    """A tip the sync fetched just now from the venue's (linked) Foursquare place."""
    now = timezone.now()
    return FoursquareTip.objects.create(
        venue=venue,
        place_id="4b0588a0f964a5203ad422e3",
        tip_id=f"tip{FoursquareTip.objects.count()}",
        text=text,
        url="https://foursquare.com/item/tip",
        agree_count=3,
        created_at=when or now,
        fetched_at=now,
    )
