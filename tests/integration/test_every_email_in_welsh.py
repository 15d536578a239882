"""Every email the service sends, made in English and in Welsh the way the service chooses its
language (a council's staff language for its people, the page's language for a resident's own
request, the comment's language for a reply to it), shows no English sentence in its Welsh
version: subject, plain text and HTML. The list is checked against the email templates in the
project, so an email added later fails here until it is made below."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.test.signals import template_rendered
from django.utils import timezone, translation

from accounts.email_change import (
    email_change_token,
    user_email_change_confirm,
    user_email_change_request,
)
from checkins.alerts.services import alert_message, alert_raise
from checkins.alerts.words import alert_detail_in_english
from checkins.comments.alerts import comment_alert_message
from checkins.comments.replies import comment_reply_create, comment_reply_message
from checkins.comments.services import comment_create
from checkins.models import CommentAlert, CommentReply
from checkins.services import checkin_record
from insight.digest.selectors import Recipient, digest_week
from insight.digest.services import digest_message
from tests.factories import UserFactory, VenueFactory, council_admin_of, venue_manager_of
from tests.integration.back_office_world import at
from tests.integration.welsh_pages import data_strings, english_on_welsh_page
from venues.invitations.services import invitation_create, invitation_message, invitation_url
from venues.models import CouncilLanguage, Role

pytestmark = pytest.mark.django_db

LANGUAGES = {"en-gb": CouncilLanguage.ENGLISH, "cy": CouncilLanguage.WELSH}


@pytest.fixture
def venue():
    return VenueFactory(name="Bangor Library")


@pytest.fixture
def comment(venue):
    author = UserFactory(display_name="Rhian")
    checkin_record(resident=author, venue=venue, fix=at(venue))
    return comment_create(author=author, venue=venue, body="Lovely staff.", rating=1)


def council_speaks(venue, language: str) -> None:
    venue.council.language = LANGUAGES[language]
    venue.council.save(update_fields=["language"])


def invitation_email(venue, comment, language):
    council_speaks(venue, language)
    invitation = invitation_create(
        council=venue.council,
        venue=venue,
        role=Role.Kind.VENUE_STAFF,
        email=f"colleague.{language}@example.org",
        invited_by=council_admin_of(venue.council),
    )
    return [invitation_message(invitation=invitation, url=invitation_url(invitation))]


def comment_alert_email(venue, comment, language):
    council_speaks(venue, language)
    alert, _ = CommentAlert.objects.get_or_create(
        comment=comment,
        defaults={"reason": CommentAlert.Reason.LOW_RATING, "created_at": timezone.now()},
    )
    return [comment_alert_message(alert=alert, recipient=venue_manager_of(venue))]


def digest_email(venue, comment, language):
    council_speaks(venue, language)
    admin = council_admin_of(venue.council)
    recipient = Recipient(user=admin, councils=[venue.council])
    return [digest_message(recipient=recipient, week=digest_week(timezone.localdate()))]


def reply_email(venue, comment, language):
    comment.language = language
    comment.save(update_fields=["language"])
    reply = CommentReply.objects.filter(comment=comment).first() or comment_reply_create(
        comment=comment, by=venue_manager_of(venue), body="Thank you."
    )
    return [comment_reply_message(reply=reply)]


def email_change_emails(venue, comment, language):
    """Asked for on the account page in the reader's language: the link, then the notice."""
    user = UserFactory()
    new_email = f"new.{language}@example.org"
    with translation.override(language):
        mail.outbox.clear()
        user_email_change_request(user=user, new_email=new_email)
        user_email_change_confirm(token=email_change_token(user=user, new_email=new_email))
        return list(mail.outbox)


def password_reset_email(venue, comment, language):
    user = UserFactory()
    mail.outbox.clear()
    Client().post("/accounts/password-reset/", {"email": user.email}, HTTP_ACCEPT_LANGUAGE=language)
    return list(mail.outbox)


# One alert of each kind, with the facts its rule records (checkins.alerts.rules).
ALERT_FACTS = {
    "poster_leak": {"poster": "Main entrance", "residents": 11, "minutes": 30, "limit": 10},
    "location_mismatch": {"ago_s": 600.0, "distance_m": 272000.0, "venue": "Bangor Library"},
    "repeated_refusals": {
        "count": 6,
        "venue": "Bangor Library",
        "minutes": 60,
        "reasons": ["outside_geofence", "cooldown"],
    },
    "staff_burst": {"count": 31, "minutes": 60, "limit": 30},
}


def fraud_alert_emails(venue, comment, language):
    council_speaks(venue, language)
    venue_manager_of(venue)
    messages = []
    for kind, facts in ALERT_FACTS.items():
        alert = alert_raise(
            kind=kind,
            venue=venue,
            dedupe_key=f"{kind}:{language}",
            facts=facts,
            detail=alert_detail_in_english(kind, facts),
        )
        messages.append(alert_message(alert))
    return messages


EMAILS = {
    "invitation": invitation_email,
    "comment alert": comment_alert_email,
    "weekly digest": digest_email,
    "reply to a comment": reply_email,
    "email change": email_change_emails,
    "password reset": password_reset_email,
    "fraud alerts": fraud_alert_emails,
}


def as_html(message) -> str:
    """The email's words as one page: subject and plain-text lines as paragraphs, then its
    HTML version."""
    lines = [message.subject, *message.body.splitlines()]
    page = "".join(f"<p>{line}</p>" for line in lines)
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            page += content
    return page


@pytest.mark.parametrize("name", EMAILS)
def test_no_email_shows_english_in_its_welsh_version(name, venue, comment):
    english = EMAILS[name](venue, comment, "en-gb")
    welsh = EMAILS[name](venue, comment, "cy")
    assert english and len(english) == len(welsh), name
    data = data_strings()
    found = {}
    for number, (in_english, in_welsh) in enumerate(zip(english, welsh, strict=True)):
        assert in_english.subject != in_welsh.subject, name
        words = english_on_welsh_page(as_html(in_english), as_html(in_welsh), data)
        if words:
            found[f"{name} ({number + 1})"] = words
    assert not found, found


def email_templates() -> set[str]:
    """The project's email templates: those named for email that are not pages (a page
    extends the layout)."""
    found = set()
    for path in Path(settings.BASE_DIR).glob("*/templates/**/*"):
        name = path.as_posix().split("/templates/", 1)[1]
        if "email" in name and path.is_file() and "{% extends" not in path.read_text():
            found.add(name)
    return found


def test_every_email_template_is_made_above(venue, comment):
    rendered = set()

    def note(sender, template, **kwargs):
        rendered.add(template.name)

    template_rendered.connect(note)
    try:
        for make in EMAILS.values():
            make(venue, comment, "cy")
    finally:
        template_rendered.disconnect(note)
    assert len(email_templates()) >= 14
    assert email_templates() - rendered == set(), "an email not made by this test"
