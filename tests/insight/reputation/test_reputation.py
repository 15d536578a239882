"""The council's reputation feed: latest comments of every status, rating trends, Foursquare."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from checkins.models import Comment, CommentReport
from tests.api import error, success
from tests.conftest import client_for
from tests.factories import (
    CouncilFactory,
    UserFactory,
    VenueFactory,
    council_admin_of,
    venue_manager_of,
)
from tests.helpers import assert_head_is_held_to_the_access_of_get
from tests.insight.helpers import foursquare_tip
from venues.models import FoursquarePlace

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# This range: 2025-03-24..30 (the clock changes on the 30th); the one before: 17..23.
RANGE = {"from": "2025-03-24", "to": "2025-03-30"}


def comment(venue, day: int, rating=None, status="visible", body="Fine.", hour=12) -> Comment:
    row = Comment.objects.create(
        venue=venue, author=UserFactory(display_name="Rosa"), body=body, rating=rating,
        status=status,
    )  # fmt: skip
    when = datetime(2025, 3, day, hour, tzinfo=LONDON)
    Comment.objects.filter(pk=row.pk).update(created_at=when)
    return row


def url(council) -> str:
    return f"/api/v1/councils/{council.slug}/reputation/"


@pytest.fixture
def council():
    return CouncilFactory()


@pytest.fixture
def venues(council):
    library = VenueFactory(council=council, name="Library")
    pool = VenueFactory(council=council, name="Pool")
    elsewhere = VenueFactory(name="Elsewhere")
    FoursquarePlace.objects.create(
        venue=library, place_id="4b0", linked_by="match", name="Library", rating=8.4,
        tips_count=17, fetched_at=datetime(2025, 3, 29, 2, tzinfo=LONDON),
    )  # fmt: skip
    # Library: this week 4 and 3 (and a hidden 1, not counted); the week before 5 and 5.
    comment(library, 24, rating=4)
    comment(library, 30, rating=3, hour=23)  # 22:00 UTC, still the 30th in London
    comment(library, 26, rating=1, status="hidden", body="Rude staff")
    comment(library, 17, rating=5)
    comment(library, 23, rating=5, hour=23)
    comment(library, 16, rating=1)  # before both ranges
    # Pool: this week only, no rating; reported twice, once reviewed.
    reported = comment(pool, 28, body="Dirty changing rooms")
    CommentReport.objects.create(comment=reported, reporter=UserFactory(), reason="rude")
    CommentReport.objects.create(
        comment=reported, reporter=UserFactory(), reason="x", reviewed_at=reported.created_at
    )
    comment(elsewhere, 25, rating=1)
    return {"library": library, "pool": pool, "reported": reported}


def test_trends_compare_this_range_with_the_one_before(council, venues):
    body = success(client_for(council_admin_of(council)), "get", url(council), RANGE).json()
    assert body["venues"] == [
        {
            "venue": str(venues["library"].id), "name": "Library",
            "rating": 3.5, "ratings": 2, "previous_rating": 5.0, "previous_ratings": 2,
            "change": -1.5, "foursquare_rating": 8.4, "foursquare_tips_count": 17,
            "foursquare_fetched_at": "2025-03-29T02:00:00Z",
        },
        {
            "venue": str(venues["pool"].id), "name": "Pool",
            "rating": None, "ratings": 0, "previous_rating": None, "previous_ratings": 0,
            "change": None, "foursquare_rating": None, "foursquare_tips_count": None,
            "foursquare_fetched_at": None,
        },
    ]  # fmt: skip


def test_comments_of_every_status_newest_first_in_the_list_envelope(council, venues):
    admin = client_for(council_admin_of(council))
    body = success(admin, "get", url(council), {**RANGE, "page_size": 3}).json()
    assert body["count"] == 7  # the council's comments, whatever their date; not Elsewhere's
    assert body["next"] and body["previous"] is None
    first = body["results"][0]
    assert (first["body"], first["venue_name"], first["author_display_name"]) == (
        "Fine.", "Library", "Rosa",
    )  # fmt: skip
    assert first["rating"] == 3 and first["status"] == "visible"
    reported = body["results"][1]
    assert reported["id"] == str(venues["reported"].id) and reported["open_reports"] == 1
    hidden = body["results"][2]
    assert (hidden["body"], hidden["status"], hidden["open_reports"]) == ("Rude staff", "hidden", 0)
    rest = success(admin, "get", body["next"]).json()
    assert [c["created_at"][:10] for c in rest["results"]] == [
        "2025-03-24",
        "2025-03-23",
        "2025-03-17",
    ]


def test_who_may_read_the_reputation_feed(council, venues, api_client):
    error(api_client, "get", url(council), status=401, code="not_authenticated")
    for user in (UserFactory(), venue_manager_of(venues["library"])):
        error(client_for(user), "get", url(council), status=403, code="permission_denied")
    error(client_for(council_admin_of(CouncilFactory())), "get", url(council), status=403,
          code="permission_denied")  # fmt: skip
    admin = client_for(council_admin_of(council))
    error(admin, "get", "/api/v1/councils/nowhere/reputation/", status=404, code="not_found")
    error(admin, "get", url(council), {"from": "x"}, status=400, code="invalid")
    assert_head_is_held_to_the_access_of_get(url(council), council=council)


def test_the_feed_costs_the_same_queries_with_more_venues(
    council, venues, django_assert_max_num_queries
):
    admin = client_for(council_admin_of(council))
    for n in range(10):
        venue = VenueFactory(council=council)
        comment(venue, 25, rating=n % 5 + 1)
        foursquare_tip(venue, f"Tip {n}")
    # council, role, the feed's count and page, its comments, its tips, the trends (two)
    with django_assert_max_num_queries(8):
        body = success(admin, "get", url(council), RANGE).json()
    assert {item["source"] for item in body["results"]} == {"comment", "foursquare"}
