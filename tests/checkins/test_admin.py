"""The back office for check-ins: each manager sees their venues' rows only."""

import pytest
from django.test import Client

from checkins.models import CheckinAttempt, Comment, CommentReply
from tests.factories import UserFactory, VenueFactory
from venues.models import Role
from venues.posters.services import poster_create
from venues.services import role_grant

pytestmark = pytest.mark.django_db


def manager_client(venue) -> Client:
    manager = UserFactory()
    role_grant(
        council=venue.council,
        email=manager.email,
        role=Role.Kind.VENUE_MANAGER,
        venue=venue,
        granted_by=None,
    )
    client = Client()
    client.force_login(manager)
    return client


def test_the_fraud_log_shows_only_the_managers_venues():
    mine, theirs = VenueFactory(), VenueFactory()
    resident = UserFactory()
    for venue in (mine, theirs):
        CheckinAttempt.objects.create(
            resident=resident, venue=venue, method="gps", reason="outside_geofence", detail="far"
        )
    response = manager_client(mine).get("/admin/checkins/checkinattempt/")
    assert response.status_code == 200
    assert [attempt.venue for attempt in response.context["cl"].result_list] == [mine]


def test_a_manager_hides_a_comment_from_the_back_office_after_confirming():
    venue = VenueFactory()
    comment = Comment.objects.create(venue=venue, author=UserFactory(), body="Rude words")
    client = manager_client(venue)
    selected = {"action": "hide", "_selected_action": [str(comment.pk)]}

    asked = client.post("/admin/checkins/comment/", selected)
    assert asked.status_code == 200
    assert "Hide these comments from the public?" in asked.content.decode()
    assert "Rude words" in asked.content.decode()
    comment.refresh_from_db()
    assert comment.status == "visible"

    without_reason = client.post("/admin/checkins/comment/", {**selected, "confirmed": "yes"})
    assert without_reason.status_code == 200
    assert "Choose why you are hiding it" in without_reason.content.decode()
    comment.refresh_from_db()
    assert comment.status == "visible"

    reason = {"reason": "It is offensive or abusive."}
    done = client.post("/admin/checkins/comment/", {**selected, "confirmed": "yes", **reason})
    assert done.status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.hidden_reason) == ("hidden", "It is offensive or abusive.")


def test_a_manager_hides_a_comment_with_a_reason_of_their_own():
    venue = VenueFactory()
    comment = Comment.objects.create(venue=venue, author=UserFactory(), body="Rude words")
    client = manager_client(venue)
    selected = {"action": "hide", "_selected_action": [str(comment.pk)], "confirmed": "yes"}
    empty = client.post("/admin/checkins/comment/", {**selected, "reason": "other"})
    assert "Write the reason its author will see." in empty.content.decode()
    own = {"reason": "other", "other_reason": "Names a member of staff."}
    assert client.post("/admin/checkins/comment/", {**selected, **own}).status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.hidden_reason) == ("hidden", "Names a member of staff.")


def test_in_welsh_the_standard_reasons_are_offered_and_shown_in_welsh_and_stored_in_english():
    venue = VenueFactory()
    comment = Comment.objects.create(venue=venue, author=UserFactory(), body="Rude words")
    client = manager_client(venue)
    welsh = {"HTTP_ACCEPT_LANGUAGE": "cy"}
    selected = {"action": "hide", "_selected_action": [str(comment.pk)]}
    asked = client.post("/admin/checkins/comment/", selected, **welsh).content.decode()
    assert "Mae&#x27;n sarhaus neu&#x27;n ddifrïol." in asked  # offered in Welsh...
    assert 'value="It is offensive or abusive."' in asked  # ...and stored in English
    reason = {"reason": "It is offensive or abusive.", "confirmed": "yes"}
    assert (
        client.post("/admin/checkins/comment/", {**selected, **reason}, **welsh).status_code == 302
    )
    comment.refresh_from_db()
    assert comment.hidden_reason == "It is offensive or abusive."
    page = client.get(f"/admin/checkins/comment/{comment.pk}/change/", **welsh).content.decode()
    assert "Mae&#x27;n sarhaus neu&#x27;n ddifrïol." in page
    reply = client.get(f"/admin/checkins/comment/{comment.pk}/reply/", **welsh).content.decode()
    assert "Mae&#x27;n sarhaus neu&#x27;n ddifrïol." in reply
    english = client.get(f"/admin/checkins/comment/{comment.pk}/change/").content.decode()
    assert "It is offensive or abusive." in english


def test_a_manager_revokes_a_poster_from_the_back_office_after_confirming():
    venue = VenueFactory()
    poster = poster_create(venue=venue, label="Door", created_by=None)
    client = manager_client(venue)
    selected = {"action": "revoke", "_selected_action": [str(poster.pk)]}
    client.post("/admin/venues/poster/", selected)
    poster.refresh_from_db()
    assert poster.revoked_at is None
    client.post("/admin/venues/poster/", {**selected, "confirmed": "yes"})
    poster.refresh_from_db()
    assert poster.revoked_at is not None


def test_staff_see_visitors_by_display_name_and_never_their_coordinates():
    venue = VenueFactory()
    resident = UserFactory(email="private.person@example.org", display_name="Pat")
    attempt = CheckinAttempt.objects.create(
        resident=resident,
        venue=venue,
        method="gps",
        reason="outside_geofence",
        detail="far",
        latitude=53.123456,
        longitude=-1.654321,
    )
    client = manager_client(venue)
    listing = client.get("/admin/checkins/checkinattempt/")
    detail = client.get(f"/admin/checkins/checkinattempt/{attempt.pk}/change/")
    for response in (listing, detail):
        assert response.status_code == 200
        assert b"private.person@example.org" not in response.content
    assert b"Pat" in listing.content
    assert b"53.123456" not in detail.content
    searched = client.get("/admin/checkins/checkinattempt/?q=private.person")
    assert searched.context["cl"].result_count == 0


def test_a_manager_cannot_filter_the_fraud_log_by_the_hidden_coordinates():
    venue = VenueFactory()
    client = manager_client(venue)
    assert client.get("/admin/checkins/checkinattempt/?latitude__gte=53.79").status_code == 400
    assert client.get("/admin/checkins/checkin/?accuracy_m__lt=20").status_code == 400
    assert client.get("/admin/checkins/checkinattempt/?reason=cooldown").status_code == 200
    superuser = Client()
    superuser.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert superuser.get("/admin/checkins/checkinattempt/?latitude__gte=53.79").status_code == 200


def reply_page(comment) -> str:
    return f"/admin/checkins/comment/{comment.pk}/reply/"


def test_a_manager_replies_changes_and_takes_down_a_reply_in_the_back_office(settings):
    settings.COMMENT_BLOCKED_WORDS = ["idiots"]
    venue = VenueFactory(name="Barking Library")
    comment = Comment.objects.create(venue=venue, author=UserFactory(), body="Too cold.")
    client = manager_client(venue)
    asked = client.get(reply_page(comment))
    assert asked.status_code == 200
    assert "Too cold." in asked.content.decode()
    assert "signed “Barking Library”" in asked.content.decode()

    refused = client.post(reply_page(comment), {"body": "Stop moaning, idiots"})
    assert refused.status_code == 200
    assert "words we do not publish" in refused.content.decode()
    assert not CommentReply.objects.exists()

    done = client.post(reply_page(comment), {"body": "We have fixed the heating."})
    assert done.status_code == 302
    assert done["Location"] == f"/admin/checkins/comment/{comment.pk}/change/"
    reply = CommentReply.objects.get()
    assert (reply.body, reply.signed_as) == ("We have fixed the heating.", "venue")
    assert "We have fixed the heating." in client.get(done["Location"]).content.decode()

    client.post(reply_page(comment), {"body": "Fixed on Monday."})
    assert CommentReply.objects.get().body == "Fixed on Monday."
    client.post(reply_page(comment), {"action": "delete"})
    assert not CommentReply.objects.exists()


def test_another_venues_manager_cannot_open_the_reply_page():
    venue = VenueFactory()
    comment = Comment.objects.create(venue=venue, author=UserFactory(), body="Too cold.")
    assert manager_client(VenueFactory()).get(reply_page(comment)).status_code == 404
    assert (
        manager_client(VenueFactory()).post(reply_page(comment), {"body": "x"}).status_code == 404
    )
    assert not CommentReply.objects.exists()
