"""Foursquare tips: the sync fetches the linked place's newest tips from Get Place Tips (the
published spec's ``fields``), the council reads them beside its residents' comments (``source``),
and they are kept no longer than Foursquare's other details."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.api import success
from tests.conftest import client_for
from tests.factories import council_admin_of
from tests.venues.foursquare.fake_foursquare import library_place, tip
from tests.venues.foursquare.helpers import BARKING_ID
from venues.foursquare.client import FoursquareClient, FoursquareMalformedResponse
from venues.foursquare.places import parse_tips
from venues.foursquare.sync import venue_foursquare_sync
from venues.foursquare.tasks import foursquare_nightly_sync
from venues.models import FoursquareTip, Venue

pytestmark = pytest.mark.django_db


def linked(foursquare, venue, *tips):
    """``venue`` linked by hand to its Foursquare place, which has ``tips``."""
    foursquare.add(
        library_place(
            BARKING_ID,
            "Barking Library",
            latitude=51.53640,
            longitude=0.07998,
            address="2 Town Square",
            locality="Barking",
            postcode="IG11 7NB",
        )
    )
    foursquare.add_tips(BARKING_ID, *tips)
    Venue.objects.filter(pk=venue.pk).update(foursquare_place_id=BARKING_ID)


TIPS = (
    tip("t1", "The upstairs study room is silent and has plugs.",
        created_at="2026-09-01T10:00:00.000Z", agree_count=12),
    tip("t2", "Lovely children's corner.", created_at="2026-10-05T16:30:00.000Z", lang="en"),
    tip("t3", "Toilets were closed again.", created_at="2026-10-20T08:00:00.000Z",
        disagree_count=2),
)  # fmt: skip


def test_the_sync_fetches_the_newest_tips_with_the_published_fields(foursquare, barking):
    linked(foursquare, barking, *TIPS)

    outcome = venue_foursquare_sync(venue_id=barking.pk)

    assert (outcome.status, outcome.tips, outcome.error) == ("linked", 3, "")
    [call] = foursquare.calls("GET", f"/places/{BARKING_ID}/tips")
    assert call["params"] == {
        "fields": "fsq_tip_id,created_at,text,lang,url,agree_count,disagree_count",
        "sort": "NEWEST",
        "limit": "20",
    }
    assert call["headers"]["X-Places-Api-Version"] == "2025-06-17"
    stored = list(FoursquareTip.objects.filter(venue=barking))  # newest first
    assert [row.tip_id for row in stored] == ["t3", "t2", "t1"]
    newest = stored[0]
    assert newest.text == "Toilets were closed again."
    assert newest.created_at == datetime(2026, 10, 20, 8, tzinfo=UTC)
    assert (newest.place_id, newest.disagree_count, newest.lang) == (BARKING_ID, 2, "en")
    assert newest.url == "https://foursquare.com/item/t3"
    assert stored[2].agree_count == 12


def test_a_sync_replaces_the_tips_keeping_each_tips_row(foursquare, barking, settings):
    settings.FOURSQUARE_TIPS_LIMIT = 2
    linked(foursquare, barking, *TIPS)
    venue_foursquare_sync(venue_id=barking.pk)
    kept = {row.tip_id: row.pk for row in FoursquareTip.objects.all()}
    assert set(kept) == {"t2", "t3"}  # the newest two
    foursquare.tips[BARKING_ID] = [TIPS[2], tip("t4", "New café!", created_at="2026-11-01T09:00Z")]

    venue_foursquare_sync(venue_id=barking.pk)

    now = {row.tip_id: row.pk for row in FoursquareTip.objects.all()}
    assert set(now) == {"t3", "t4"}  # t2 is no longer among Foursquare's newest: it goes
    assert now["t3"] == kept["t3"]


def test_tips_that_fail_to_come_leave_the_link_and_say_why(foursquare, barking):
    linked(foursquare, barking, *TIPS)
    foursquare.fail(rf"/places/{BARKING_ID}/tips", 500, times=3)

    outcome = venue_foursquare_sync(venue_id=barking.pk)

    venue = Venue.objects.get(pk=barking.pk)
    assert (outcome.status, venue.foursquare_status) == ("linked", "linked")
    assert venue.foursquare_error.startswith("Linked, but fetching its tips failed")
    assert not FoursquareTip.objects.exists()


def test_the_spec_answer_is_an_array_and_anything_else_is_malformed(foursquare, barking):
    linked(foursquare, barking, *TIPS)
    with FoursquareClient.from_settings() as client:
        assert [one.tip_id for one in client.tips(BARKING_ID, limit=2)] == ["t3", "t2"]
    foursquare.fail(rf"/places/{BARKING_ID}/tips", 200, body='{"results": []}')
    with FoursquareClient.from_settings() as client, pytest.raises(FoursquareMalformedResponse):
        client.tips(BARKING_ID)


def test_tips_are_read_whether_created_at_is_a_date_time_or_a_unix_time():
    tips = parse_tips(
        [
            {"fsq_tip_id": "a", "created_at": "2026-10-20T08:00:00.000Z", "text": "ISO"},
            {"fsq_tip_id": "b", "created_at": 1792483200, "text": "Epoch"},
            {"fsq_tip_id": "c", "created_at": "2026-10-20T08:00:00", "text": "No zone"},
            {"fsq_tip_id": "d", "text": "No time"},
            {"fsq_tip_id": "e", "created_at": "2026-10-20T08:00:00Z", "text": "  "},
        ]
    )
    assert [(one.tip_id, one.created_at) for one in tips] == [
        ("a", datetime(2026, 10, 20, 8, tzinfo=UTC)),
        ("b", datetime.fromtimestamp(1792483200, tz=UTC)),
        ("c", datetime(2026, 10, 20, 8, tzinfo=UTC)),
    ]


def test_tips_are_shown_to_the_council_beside_comments_with_their_source(foursquare, barking):
    linked(foursquare, barking, *TIPS)
    venue_foursquare_sync(venue_id=barking.pk)
    admin = council_admin_of(barking.council)

    body = success(client_for(admin), "get", f"/api/v1/councils/{barking.council.slug}/reputation/")
    items = body.json()["results"]
    assert [(item["source"], item["body"]) for item in items] == [
        ("foursquare", "Toilets were closed again."),
        ("foursquare", "Lovely children's corner."),
        ("foursquare", "The upstairs study room is silent and has plugs."),
    ]
    first = items[0]
    assert (first["venue"], first["venue_name"]) == (str(barking.id), "Barking")
    assert first["url"] == "https://foursquare.com/item/t3"
    assert (first["disagree_count"], first["lang"]) == (2, "en")
    assert (first["rating"], first["status"], first["author_display_name"]) == (None, None, None)

    page = Client()
    page.force_login(admin)
    html = page.get(f"/insight/{barking.council.slug}/").content.decode()
    assert "Foursquare tip" in html and "Toilets were closed again." in html


def test_tips_are_deleted_with_the_details_after_the_retention_window(
    foursquare, barking, settings
):
    linked(foursquare, barking, *TIPS)
    venue_foursquare_sync(venue_id=barking.pk)
    admin = client_for(council_admin_of(barking.council))
    reputation = f"/api/v1/councils/{barking.council.slug}/reputation/"
    assert success(admin, "get", reputation).json()["count"] == 3

    stale = timezone.now() - timedelta(hours=settings.FOURSQUARE_DETAILS_MAX_AGE_HOURS, seconds=1)
    FoursquareTip.objects.update(fetched_at=stale)
    # Past their lifetime they are no longer shown, even before the nightly run deletes them.
    assert success(admin, "get", reputation).json()["count"] == 0
    settings.FOURSQUARE_API_KEY = "revoked"  # tonight's refresh fails: nothing new comes

    foursquare_nightly_sync.delay()

    assert not FoursquareTip.objects.exists()


def test_a_lifetime_of_zero_keeps_no_tips_and_asks_for_none(foursquare, barking, settings):
    linked(foursquare, barking, *TIPS)
    venue_foursquare_sync(venue_id=barking.pk)
    assert FoursquareTip.objects.count() == 3
    settings.FOURSQUARE_DETAILS_MAX_AGE_HOURS = 0
    calls_before = len(foursquare.calls("GET", f"/places/{BARKING_ID}/tips"))

    venue_foursquare_sync(venue_id=barking.pk)

    assert not FoursquareTip.objects.exists()
    assert len(foursquare.calls("GET", f"/places/{BARKING_ID}/tips")) == calls_before


def test_an_unmatched_venue_keeps_no_tips(foursquare, barking):
    linked(foursquare, barking, *TIPS)
    venue_foursquare_sync(venue_id=barking.pk)
    # The council clears the place id; nothing near matches any more.
    Venue.objects.filter(pk=barking.pk).update(foursquare_place_id="", foursquare_status="pending")
    foursquare.places.clear()

    outcome = venue_foursquare_sync(venue_id=barking.pk)

    assert outcome.status == "unmatched"
    assert not FoursquareTip.objects.exists()
