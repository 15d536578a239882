"""Venue and council statistics: every figure exact, the day series, the range edges, who may
read them, and a query count that does not grow with the data."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from checkins.models import CheckIn, Comment
from rewards.models import RewardGrant, Voucher
from rewards.offers.earning import rewards_for_checkin
from rewards.offers.services import offer_create
from tests.api import error, success
from tests.conftest import client_for
from tests.factories import (
    CheckInFactory,
    CouncilFactory,
    UserFactory,
    VenueFactory,
    council_admin_of,
    venue_manager_of,
    venue_staff_of,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# 2025-03-30 is the spring clock change: the range crosses it.
RANGE = {"from": "2025-03-29", "to": "2025-03-31"}


def local(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=LONDON)


def checkin(resident, venue, at: datetime) -> CheckIn:
    """A check-in at ``at``, recorded as the service records it: the row and its day."""
    return CheckInFactory(resident=resident, venue=venue, created_at=at)


def rewarded(checkin_row: CheckIn) -> list[dict]:
    return rewards_for_checkin(
        resident=checkin_row.resident,
        venue=checkin_row.venue,
        checkin_id=checkin_row.pk,
        checked_in_at=checkin_row.created_at,
        evidence="location",
        visits_since=lambda since: 1,
    ).rewards


def comment(venue, at: datetime, rating=None, status="visible") -> Comment:
    row = Comment.objects.create(
        venue=venue, author=UserFactory(), body="Nice.", rating=rating, status=status
    )
    Comment.objects.filter(pk=row.pk).update(created_at=at)
    return row


def venue_url(venue) -> str:
    return f"/api/v1/venues/{venue.id}/stats/"


def council_url(council) -> str:
    return f"/api/v1/councils/{council.slug}/stats/"


@pytest.fixture
def council():
    return CouncilFactory(name="Barking Council")


@pytest.fixture
def world(council):
    """Two venues of a council (and one elsewhere) with check-ins, rewards and comments
    inside, and just outside, the range."""
    library = VenueFactory(council=council, name="A Library")
    pool = VenueFactory(council=council, name="B Pool")
    elsewhere = VenueFactory(name="Elsewhere Gym")
    r1, r2, r3, r4 = (UserFactory() for _ in range(4))

    # The library: r1 twice, r2 and r3 once each in range; r3 also just outside both ends.
    first = checkin(r1, library, local(29, 10))
    checkin(r1, library, local(31, 0, 30))  # 23:30 UTC on the 30th: a local 31st
    checkin(r2, library, local(29, 23, 30))
    checkin(r3, library, local(29, 0, 0))  # the first instant of the range
    before = checkin(r3, library, local(28, 23, 59))
    checkin(r3, library, local(1, 0, 0, month=4))  # the first instant after it
    # The pool: r1 and r2 once, r4 twice.
    checkin(r1, pool, local(30, 12))
    checkin(r2, pool, local(31, 9))
    swim1 = checkin(r4, pool, local(30, 12))
    swim2 = checkin(r4, pool, local(30, 13))
    # Another council's venue: never counted.
    checkin(r1, elsewhere, local(30, 12))
    checkin(r2, elsewhere, local(30, 12))

    # Rewards: points at the library (one in range, one before it), vouchers at the pool.
    offer_create(
        council=None, venue=library, created_by=None, title="Stamp", rule="every_checkin", points=5
    )
    offer_create(
        council=None,
        venue=pool,
        created_by=None,
        title="Free swim",
        rule="every_checkin",
        voucher_title="Free swim",
    )
    assert rewarded(first) and rewarded(before)
    voucher1 = rewarded(swim1)[0]["voucher"]
    voucher2 = rewarded(swim2)[0]["voucher"]
    # Redeemed at the library: one in range, one just after it.
    Voucher.objects.filter(pk=voucher1).update(
        status="redeemed", redeemed_at=local(31, 18), redeemed_venue=library
    )
    Voucher.objects.filter(pk=voucher2).update(
        status="redeemed", redeemed_at=local(1, 0, month=4), redeemed_venue=library
    )

    # Comments: five in range at the library (three rated and visible), one before it.
    comment(library, local(29, 9), rating=5)
    comment(library, local(30, 9), rating=4)
    comment(library, local(31, 9), rating=4)
    comment(library, local(30, 10), rating=1, status="hidden")
    comment(library, local(30, 11))
    comment(library, local(28, 9), rating=1)
    comment(pool, local(30, 9), rating=2)
    comment(elsewhere, local(30, 9), rating=1)
    return {"library": library, "pool": pool, "elsewhere": elsewhere}


LIBRARY_FIGURES = {
    "checkins": 4,
    "unique_visitors": 3,
    "repeat_visitors": 1,
    "rewards_issued": 1,
    "vouchers_redeemed": 1,
    "comments": 5,
    "average_rating": 4.33,
}
POOL_FIGURES = {
    "checkins": 4,
    "unique_visitors": 3,
    "repeat_visitors": 1,
    "rewards_issued": 2,
    "vouchers_redeemed": 0,
    "comments": 1,
    "average_rating": 2.0,
}


def test_venue_stats_count_each_figure_exactly(world):
    library = world["library"]
    body = success(client_for(venue_manager_of(library)), "get", venue_url(library), RANGE).json()
    assert body == {
        "from": "2025-03-29",
        "to": "2025-03-31",
        **LIBRARY_FIGURES,
        "checkins_by_day": [
            {"date": "2025-03-29", "count": 3},
            {"date": "2025-03-30", "count": 0},
            {"date": "2025-03-31", "count": 1},
        ],
    }
    assert RewardGrant.objects.count() == 4  # the one outside the range is not counted


def test_a_venue_without_activity_has_zeros_and_no_rating(world):
    quiet = VenueFactory(council=world["library"].council)
    body = success(client_for(venue_manager_of(quiet)), "get", venue_url(quiet), RANGE).json()
    assert body["checkins"] == body["unique_visitors"] == body["comments"] == 0
    assert body["average_rating"] is None
    assert [day["count"] for day in body["checkins_by_day"]] == [0, 0, 0]


def test_range_edges_are_whole_local_days(world):
    library = world["library"]
    client = client_for(venue_manager_of(library))
    one_day = success(
        client, "get", venue_url(library), {"from": "2025-03-28", "to": "2025-03-28"}
    ).json()
    assert one_day["checkins"] == 1 and one_day["comments"] == 1
    assert one_day["rewards_issued"] == 1 and one_day["average_rating"] == 1.0
    assert one_day["checkins_by_day"] == [{"date": "2025-03-28", "count": 1}]
    april = success(
        client, "get", venue_url(library), {"from": "2025-04-01", "to": "2025-04-01"}
    ).json()
    assert april["checkins"] == 1 and april["vouchers_redeemed"] == 1
    assert april["rewards_issued"] == 0


def test_council_stats_cover_its_venues_with_a_row_each(world, council):
    admin = council_admin_of(council)
    body = success(client_for(admin), "get", council_url(council), RANGE).json()
    library, pool = world["library"], world["pool"]
    assert body["venues"] == [
        {"venue": str(library.id), "name": "A Library", **LIBRARY_FIGURES},
        {"venue": str(pool.id), "name": "B Pool", **POOL_FIGURES},
    ]
    for figure in ("checkins", "rewards_issued", "vouchers_redeemed", "comments"):
        assert body[figure] == sum(row[figure] for row in body["venues"]), figure
    # Visitors are people across the council: r1 and r2 visited both venues.
    assert body["unique_visitors"] == 4
    assert body["repeat_visitors"] == 3
    assert body["average_rating"] == 3.75  # (5 + 4 + 4 + 2) / 4, not a mean of means
    assert body["checkins_by_day"] == [
        {"date": "2025-03-29", "count": 3},
        {"date": "2025-03-30", "count": 3},
        {"date": "2025-03-31", "count": 2},
    ]


def test_the_default_range_is_the_last_30_days(council):
    venue = VenueFactory(council=council)
    checkin(UserFactory(), venue, timezone.now())
    checkin(UserFactory(), venue, timezone.now() - timedelta(days=40))
    body = success(client_for(venue_manager_of(venue)), "get", venue_url(venue)).json()
    today = timezone.localdate()
    assert body["to"] == today.isoformat()
    assert body["from"] == (today - timedelta(days=29)).isoformat()
    assert len(body["checkins_by_day"]) == 30
    assert body["checkins"] == 1 and body["checkins_by_day"][-1]["count"] == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "yesterday"}, "from"),
        ({"to": "2025-13-01"}, "to"),
        ({"from": "2025-03-31", "to": "2025-03-30"}, "from"),
        ({"from": "2024-03-30", "to": "2025-03-31"}, "from"),  # 367 days
    ],
)
def test_bad_ranges_are_invalid(council, params, field):
    venue = VenueFactory(council=council)
    for client, url in (
        (client_for(venue_manager_of(venue)), venue_url(venue)),
        (client_for(council_admin_of(council)), council_url(council)),
    ):
        body = error(client, "get", url, params, status=400, code="invalid")
        assert field in body["fields"]


def test_a_range_of_366_days_is_allowed(council):
    venue = VenueFactory(council=council)
    params = {"from": "2024-03-31", "to": "2025-03-31"}
    body = success(client_for(venue_manager_of(venue)), "get", venue_url(venue), params).json()
    assert len(body["checkins_by_day"]) == 366


def test_who_may_read_venue_stats(council, api_client):
    venue = VenueFactory(council=council)
    other_venue = VenueFactory(council=council)
    url = venue_url(venue)
    error(api_client, "get", url, status=401, code="not_authenticated")
    for user in (
        UserFactory(),
        venue_staff_of(venue),
        venue_manager_of(other_venue),
        council_admin_of(CouncilFactory()),
    ):
        error(client_for(user), "get", url, status=403, code="permission_denied")
    for user in (
        venue_manager_of(venue),
        council_admin_of(council),
        UserFactory(is_superuser=True),
    ):
        success(client_for(user), "get", url)
    missing = "/api/v1/venues/00000000-0000-0000-0000-000000000000/stats/"
    error(client_for(UserFactory()), "get", missing, status=404, code="not_found")


def test_who_may_read_council_stats(council, api_client):
    venue = VenueFactory(council=council)
    url = council_url(council)
    error(api_client, "get", url, status=401, code="not_authenticated")
    for user in (
        UserFactory(),
        venue_staff_of(venue),
        venue_manager_of(venue),
        council_admin_of(CouncilFactory()),
    ):
        error(client_for(user), "get", url, status=403, code="permission_denied")
    for user in (council_admin_of(council), UserFactory(is_superuser=True)):
        success(client_for(user), "get", url)
    error(
        client_for(UserFactory()),
        "get",
        "/api/v1/councils/no-such-council/stats/",
        status=404,
        code="not_found",
    )


def _more_data(council, venues: int, days: int) -> None:
    start = local(1, 12, month=1)
    for n in range(venues):
        venue = VenueFactory(council=council, name=f"Extra {n}")
        for day in range(days):
            at = start + timedelta(days=day)
            checkin(UserFactory(), venue, at)
            comment(venue, at, rating=3)


@pytest.mark.parametrize("size", [1, 4])
def test_query_count_does_not_grow_with_the_data(
    council, size, django_assert_max_num_queries, django_assert_num_queries
):
    venue = VenueFactory(council=council, name="A Library")
    _more_data(council, venues=size, days=size * 3)
    for day in range(size * 3):
        checkin(UserFactory(), venue, local(1, 12, month=1) + timedelta(days=day))
    params = {"from": "2025-01-01", "to": "2025-03-31"}
    manager, admin = venue_manager_of(venue), council_admin_of(council)
    # Venue lookup, the caller's roles, five aggregates.
    with django_assert_num_queries(7):
        body = success(client_for(manager), "get", venue_url(venue), params).json()
    assert body["checkins"] == size * 3
    # Council lookup, the caller's role, its venues, five aggregates.
    with django_assert_max_num_queries(8):
        body = success(client_for(admin), "get", council_url(council), params).json()
    assert len(body["venues"]) == size + 1
    assert body["checkins"] == size * 3 * (size + 1)
    assert body["comments"] == size * size * 3
