"""``/me/comments/``: a resident's own comments with their status, why one was hidden, the
venue's reply, deleting one (asked first), and whether replies are emailed."""

import re
from html import unescape

import pytest
from django.test import Client

from accounts.preferences import email_preferences_of
from checkins.comments.replies import comment_reply_create
from checkins.comments.services import comment_create, comment_hide
from checkins.models import CheckIn, Comment
from tests.factories import UserFactory, VenueFactory, venue_manager_of
from tests.residents.helpers import signed_in

pytestmark = pytest.mark.django_db


def text(response) -> str:
    html = response.content.decode()
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def written(author, venue, body) -> Comment:
    CheckIn.objects.create(
        resident=author, venue=venue, method="gps", evidence="location", distance_m=4
    )
    return comment_create(author=author, venue=venue, body=body)


@pytest.fixture
def author():
    return UserFactory(display_name="Rosa")


def test_the_page_lists_my_comments_with_status_reason_and_reply(author):
    library, pool = VenueFactory(name="Library"), VenueFactory(name="Pool")
    answered = written(author, library, "Lovely staff.")
    comment_reply_create(comment=answered, by=venue_manager_of(library), body="Thank you, Rosa!")
    hidden = written(author, pool, "Ask for Dave.")
    comment_hide(comment=hidden, by=venue_manager_of(pool), reason="It is offensive or abusive.")
    written(UserFactory(), library, "Not mine.")
    page = text(signed_in(author).get("/me/comments/"))
    assert "Pool" in page and "Hidden" in page
    assert "Why it is hidden: It is offensive or abusive. Other visitors cannot see it." in page
    assert "Lovely staff." in page and "Published" in page
    assert "Reply from Library" in page and "Thank you, Rosa!" in page
    assert "Not mine." not in page


def test_the_page_in_welsh_gives_a_standard_reason_in_welsh(author):
    venue = VenueFactory()
    comment = written(author, venue, "Ask for Dave.")
    comment_hide(comment=comment, by=venue_manager_of(venue), reason="It is offensive or abusive.")
    browser = signed_in(author)
    page = text(browser.get("/me/comments/", HTTP_ACCEPT_LANGUAGE="cy"))
    assert "Pam mae wedi'i guddio: Mae'n sarhaus neu'n ddifrïol." in page


def test_deleting_asks_first_then_the_comment_is_gone(author):
    comment = written(author, VenueFactory(), "Too hasty.")
    browser = signed_in(author)
    asked = browser.get(f"/me/comments/{comment.pk}/delete")
    assert asked.status_code == 200 and "Delete your comment?" in text(asked)
    assert Comment.objects.exists()
    done = browser.post(f"/me/comments/{comment.pk}/delete")
    assert done.status_code == 302 and done["Location"] == "/me/comments/"
    assert not Comment.objects.exists()
    assert "Your comment is deleted." in text(browser.get("/me/comments/"))


def test_nobody_else_can_delete_my_comment(author):
    comment = written(author, VenueFactory(), "Mine.")
    other = signed_in(UserFactory())
    assert other.get(f"/me/comments/{comment.pk}/delete").status_code == 404
    assert other.post(f"/me/comments/{comment.pk}/delete").status_code == 404
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_reply_emails_are_turned_off_and_on(author):
    browser = signed_in(author)
    assert 'name="wants_reply_emails" id="id_wants_reply_emails" checked' in (
        browser.get("/me/comments/").content.decode()
    )
    unticked = browser.post("/me/comments/emails", {}, follow=True)
    assert email_preferences_of(author).wants_reply_emails is False
    assert "We will not email you when a venue replies to your comment." in text(unticked)
    assert 'id="id_wants_reply_emails">' in unticked.content.decode()  # shown unticked
    ticked = browser.post("/me/comments/emails", {"wants_reply_emails": "on"}, follow=True)
    assert email_preferences_of(author).wants_reply_emails is True
    assert "We will email you when a venue replies to your comment." in text(ticked)


def test_the_pages_need_a_signed_in_resident():
    anonymous = Client()
    assert anonymous.get("/me/comments/")["Location"].startswith("/accounts/login/")
    assert anonymous.post("/me/comments/emails", {})["Location"].startswith("/accounts/login/")
