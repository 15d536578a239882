"""The venue's official reply to a comment: one per comment, by its managers or the council's
admins, the same word check as comments, shown everywhere, and emailed to the author once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation
from rest_framework.test import APIClient

from accounts.preferences import email_preferences_update
from checkins.comments.replies import (
    comment_reply_create,
    comment_reply_delete,
    comment_reply_update,
    reply_emails_sweep,
)
from checkins.comments.services import comment_create
from checkins.models import CheckIn, Comment, CommentReply
from tests.api import error, success
from tests.concurrency import run_in_parallel
from tests.conftest import client_for, postgres_only
from tests.factories import (
    CouncilFactory,
    UserFactory,
    VenueFactory,
    council_admin_of,
    venue_manager_of,
    venue_staff_of,
)
from venues.models import CouncilLanguage

pytestmark = pytest.mark.django_db


def visitor(venue, **fields):
    resident = UserFactory(**fields)
    CheckIn.objects.create(
        resident=resident, venue=venue, method="gps", evidence="location", distance_m=5
    )
    return resident


def written(venue, body="The heating was off.", **fields) -> Comment:
    return comment_create(author=visitor(venue, **fields), venue=venue, body=body, rating=2)


def reply_url(comment) -> str:
    return f"/api/v1/comments/{comment.id}/reply/"


@pytest.fixture
def venue():
    return VenueFactory(name="Barking Library", council__name="Barking and Dagenham")


def test_a_manager_replies_once_signed_with_the_venues_name(venue):
    comment = written(venue)
    manager = client_for(venue_manager_of(venue))
    payload = {"body": " Fixed today, sorry! "}
    body = success(manager, "post", reply_url(comment), payload, status=201).json()
    assert (body["body"], body["author"]) == ("Fixed today, sorry!", "Barking Library")
    again = error(manager, "post", reply_url(comment), {"body": "Again"}, status=409,
                  code="reply_exists")  # fmt: skip
    assert "already has a reply" in again["detail"]
    assert list(CommentReply.objects.values_list("body", flat=True)) == ["Fixed today, sorry!"]


def test_a_council_admins_reply_is_signed_with_the_councils_name(venue):
    comment = written(venue)
    admin = client_for(council_admin_of(venue.council))
    body = success(admin, "post", reply_url(comment), {"body": "Thank you."}, status=201).json()
    assert body["author"] == "Barking and Dagenham"


def test_the_reply_shows_under_the_comment_in_the_public_list(venue, api_client):
    comment = written(venue)
    comment_reply_create(comment=comment, by=venue_manager_of(venue), body="Fixed today.")
    [listed] = success(api_client, "get", f"/api/v1/venues/{venue.id}/comments/").json()["results"]
    assert listed["reply"]["body"] == "Fixed today."
    assert listed["reply"]["author"] == "Barking Library"
    assert set(listed["reply"]) == {"body", "created_at", "updated_at", "author"}


def test_a_reply_is_changed_and_taken_down(venue):
    comment = written(venue)
    manager = venue_manager_of(venue)
    comment_reply_create(comment=comment, by=manager, body="First.")
    admin = client_for(council_admin_of(venue.council))
    changed = success(admin, "patch", reply_url(comment), {"body": "Second."}).json()
    assert (changed["body"], changed["author"]) == ("Second.", "Barking and Dagenham")
    reply = CommentReply.objects.get()
    assert reply.updated_at >= reply.created_at and reply.author.pk != manager.pk
    success(admin, "delete", reply_url(comment), status=204)
    assert not CommentReply.objects.exists()
    error(admin, "patch", reply_url(comment), {"body": "x"}, status=404, code="not_found")
    error(admin, "delete", reply_url(comment), status=404, code="not_found")
    # Taken down, the comment can be answered again.
    success(admin, "post", reply_url(comment), {"body": "Third."}, status=201)


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("anonymous", 401, "not_authenticated"),
        ("its author", 403, "permission_denied"),
        ("venue staff", 403, "permission_denied"),
        ("another venue's manager", 403, "permission_denied"),
        ("another council's admin", 403, "permission_denied"),
    ],
)
def test_only_the_venues_managers_and_council_admins_reply(venue, who, status, code):
    comment = written(venue)
    caller = {
        "anonymous": lambda: None,
        "its author": lambda: comment.author,
        "venue staff": lambda: venue_staff_of(venue),
        "another venue's manager": lambda: venue_manager_of(VenueFactory(council=venue.council)),
        "another council's admin": lambda: council_admin_of(CouncilFactory()),
    }[who]()
    client = client_for(caller) if caller else APIClient()
    for method in ("post", "patch", "delete"):
        error(client, method, reply_url(comment), {"body": "Hi"}, status=status, code=code)
    assert not CommentReply.objects.exists()


def test_the_services_refuse_someone_who_does_not_manage_the_venue(venue):
    comment = written(venue)
    for call in (
        lambda: comment_reply_create(comment=comment, by=venue_staff_of(venue), body="Hi"),
        lambda: comment_reply_update(comment=comment, by=UserFactory(), body="Hi"),
        lambda: comment_reply_delete(comment=comment, by=UserFactory()),
    ):
        with pytest.raises(Exception) as refused:
            call()
        assert refused.value.code == "permission_denied"


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"body": ""}, 400, "invalid"),
        ({"body": "   "}, 400, "invalid"),
        ({"body": "x" * 2001}, 400, "invalid"),
        ({}, 400, "invalid"),
        ({"body": "You are all idiots"}, 400, "inappropriate_content"),
    ],
)
def test_a_bad_reply_is_refused_and_nothing_is_stored(venue, settings, payload, status, code):
    settings.COMMENT_BLOCKED_WORDS = ["idiots"]
    comment = written(venue)
    manager = client_for(venue_manager_of(venue))
    error(manager, "post", reply_url(comment), payload, status=status, code=code)
    assert not CommentReply.objects.exists()
    comment_reply_create(comment=comment, by=venue_manager_of(venue), body="Fine words.")
    error(manager, "patch", reply_url(comment), payload, status=status, code=code)
    assert CommentReply.objects.get().body == "Fine words."


def test_the_author_is_emailed_once_with_a_link_in_their_language(venue, committing):
    comment = written(venue, email="rosa@example.org", display_name="Rosa")
    manager = venue_manager_of(venue)
    with committing():
        comment_reply_create(comment=comment, by=manager, body="We fixed the heating today.")
    [message] = mail.outbox
    assert message.to == ["rosa@example.org"]
    assert message.subject == "Barking Library replied to your comment"
    assert "Hello Rosa," in message.body
    assert "We fixed the heating today." in message.body
    assert f"/v/{venue.id}/#comment-{comment.id}" in message.body
    assert "/me/comments/#email-settings" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "We fixed the heating today." in html
    # An edit, the sweep and a second run email nothing more.
    with committing():
        comment_reply_update(comment=comment, by=manager, body="Fixed, and checked again.")
    CommentReply.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    assert reply_emails_sweep() == 0
    assert len(mail.outbox) == 1


def test_a_comment_written_in_welsh_gets_its_reply_email_in_welsh(venue, committing):
    venue.name_cy = "Llyfrgell Barking"
    venue.save()
    with translation.override("cy"):
        comment = written(venue, display_name="Rhys")
    assert comment.language == "cy"
    with committing():
        comment_reply_create(comment=comment, by=venue_manager_of(venue), body="Diolch!")
    [message] = mail.outbox
    assert message.subject == "Mae Llyfrgell Barking wedi ateb eich sylw"
    assert "Mae Llyfrgell Barking wedi ateb eich sylw (Llyfrgell Barking):" in message.body


def test_an_older_comment_of_a_welsh_council_gets_its_reply_email_in_welsh(venue, committing):
    venue.council.language = CouncilLanguage.BILINGUAL
    venue.council.save()
    comment = written(venue)
    Comment.objects.filter(pk=comment.pk).update(language="")  # written before it was kept
    comment.refresh_from_db()
    with committing():
        comment_reply_create(comment=comment, by=venue_manager_of(venue), body="Diolch!")
    assert mail.outbox[0].subject == "Mae Barking Library wedi ateb eich sylw"


def test_no_email_when_the_author_turned_reply_emails_off(venue, committing):
    comment = written(venue)
    email_preferences_update(user=comment.author, wants_reply_emails=False)
    with committing():
        comment_reply_create(comment=comment, by=venue_manager_of(venue), body="Noted.")
    assert mail.outbox == []
    assert CommentReply.objects.get().emailed_at is not None  # decided, not retried


def test_a_refused_email_is_sent_by_the_sweep_later(venue, monkeypatch, committing):
    comment = written(venue)

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("the mail server is down")

    monkeypatch.setattr("django.core.mail.message.EmailMessage.send", refuse)
    manager = client_for(venue_manager_of(venue))
    with committing():
        success(manager, "post", reply_url(comment), {"body": "Sorry."}, status=201)  # no 500
    assert CommentReply.objects.get().emailed_at is None
    monkeypatch.undo()
    assert reply_emails_sweep() == 0  # too soon: the queued job may still be running
    CommentReply.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    assert reply_emails_sweep() == 1
    assert len(mail.outbox) == 1 and "Sorry." in mail.outbox[0].body


def test_the_authors_own_comments_carry_the_reply(venue):
    comment = written(venue)
    comment_reply_create(comment=comment, by=venue_manager_of(venue), body="Thanks!")
    [mine] = success(client_for(comment.author), "get", "/api/v1/me/comments/").json()["results"]
    assert mine["reply"]["body"] == "Thanks!"


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_managers_replying_at_once_make_one_reply():
    """Two managers press "Publish" at the same instant: the comment's row lock serialises
    them, so one reply is stored and the other is told ``reply_exists`` (never a 500 from the
    unique constraint, never two replies)."""
    venue = VenueFactory()
    comment = written(venue)
    managers = [venue_manager_of(venue), council_admin_of(venue.council)]
    outcomes = run_in_parallel(
        2, lambda index: comment_reply_create(comment=comment, by=managers[index], body=f"#{index}")
    )
    replies = [outcome for outcome in outcomes if isinstance(outcome, CommentReply)]
    refusals = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert len(replies) == 1 and len(refusals) == 1
    assert refusals[0].code == "reply_exists"
    assert CommentReply.objects.count() == 1
    assert len(mail.outbox) == 1
