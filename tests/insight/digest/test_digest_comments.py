"""The rest goes in the digest: each person's digest lists the week's comments they were not
already emailed about at once, and the digest page lets them choose how they hear of them."""

from datetime import date

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.preferences import email_preferences_of
from checkins.models import Comment, CommentAlert
from insight.digest.services import digests_send
from tests.factories import council_admin_of, venue_manager_of

pytestmark = pytest.mark.django_db

MONDAY = date(2025, 11, 3)  # the digest of Mon 27 Oct .. Sun 2 Nov


def sent_to(user):
    [message] = [message for message in mail.outbox if message.to == [user.email]]
    return message


def test_the_digest_lists_the_weeks_comments_not_already_emailed(history):
    admin = council_admin_of(history["council"])
    manager = venue_manager_of(history["library"])
    cold = Comment.objects.get(body="Cold reading room")
    alert = CommentAlert.objects.create(
        comment=cold, reason="low_rating", claimed_at=timezone.now(), sent_at=timezone.now()
    )
    alert.sent_to.set([manager])  # the manager heard of it at once; the admin did not

    digests_send(today=MONDAY)

    council_digest = sent_to(admin).body
    assert "Comments written last week at its venues:" in council_digest
    assert '- Library, Mon 27 Oct, Rosa, rated 2 of 5: "Cold reading room"' in council_digest
    assert "- Pool, Mon 27 Oct, Rosa: \"=cmd|' /C calc'!A0\"" in council_digest
    assert "Lovely" not in council_digest  # the week before
    library_digest = sent_to(manager).body
    assert "Cold reading room" not in library_digest  # emailed at once already
    html, _ = sent_to(admin).alternatives[0]
    assert "Cold reading room" in html


def test_the_digest_page_lets_a_manager_choose_how_alerts_come(history):
    manager = venue_manager_of(history["library"])
    browser = Client()
    browser.force_login(manager)
    page = browser.get("/digest/").content.decode()
    assert 'value="at_once" checked' in page and "Comments that need you now" in page
    browser.post("/digest/", {"action": "comment_alerts", "comment_alerts": "in_digest"})
    assert email_preferences_of(manager).comment_alerts == "in_digest"
    page = browser.get("/digest/").content.decode()
    assert 'value="in_digest" checked' in page
    assert "Low-rated and reported comments will come in your weekly digest." in page
    browser.post("/digest/", {"action": "comment_alerts", "comment_alerts": "hourly"})
    assert email_preferences_of(manager).comment_alerts == "in_digest"  # unknown: unchanged
