"""A resident's check-ins and comments in the GDPR export, and what erasure leaves behind."""

import pytest

from checkins.models import CheckIn, CheckinAttempt, Comment, CommentReport
from tests.api import success
from tests.conftest import client_for
from tests.factories import UserFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def history():
    resident, other = UserFactory(), UserFactory()
    venue = VenueFactory(name="Armley Library")
    checkin = CheckIn.objects.create(
        resident=resident,
        venue=venue,
        method="gps",
        evidence="location",
        distance_m=12,
        latitude=53.8,
        longitude=-1.6,
        accuracy_m=9,
    )
    CheckinAttempt.objects.create(
        resident=resident,
        venue=venue,
        method="gps",
        reason="outside_geofence",
        detail="far",
        latitude=54,
        longitude=-1,
    )
    mine = Comment.objects.create(venue=venue, author=resident, body="Lovely reading room")
    theirs = Comment.objects.create(venue=venue, author=other, body="Too noisy")
    CommentReport.objects.create(comment=theirs, reporter=resident, reason="Unfair")
    return resident, checkin, mine, theirs


def test_the_export_holds_check_ins_attempts_comments_and_reports(history):
    resident, checkin, _, _ = history
    body = success(client_for(resident), "get", "/api/v1/me/export/").json()
    assert [item["id"] for item in body["checkins"]] == [str(checkin.id)]
    assert body["checkins"][0]["venue_name"] == "Armley Library"
    assert body["checkins"][0]["latitude"] == 53.8
    assert [item["reason"] for item in body["refused_checkins"]] == ["outside_geofence"]
    assert [item["body"] for item in body["comments"]] == ["Lovely reading room"]
    assert [item["reason"] for item in body["comment_reports"]] == ["Unfair"]


def test_erasure_keeps_the_visit_but_not_where_the_phone_was_nor_the_words(history):
    resident, checkin, mine, theirs = history
    success(client_for(resident), "delete", "/api/v1/me/", status=204)
    checkin.refresh_from_db()
    assert (checkin.latitude, checkin.longitude, checkin.accuracy_m) == (None, None, None)
    assert checkin.distance_m == 12  # the venue's statistics still count the visit
    assert not CheckinAttempt.objects.filter(resident=resident).exists()
    assert not Comment.objects.filter(pk=mine.pk).exists()
    assert Comment.objects.filter(pk=theirs.pk).exists()
    assert not CommentReport.objects.filter(reporter=resident).exists()
