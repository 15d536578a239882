"""The conversation in Chromium: a resident on a phone reads the offers in words with their
progress, checks in, comments, and sees the comment on the venue's page; the manager (hearing of
the low rating by email) replies in the back office; the resident gets the email, follows its
link and sees the reply; a comment the manager hides shows its reason to its author only. axe
runs on every page; the screenshots are for a person to look at."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from checkins.comments.services import comment_create
from checkins.models import CheckIn, Comment, CommentReply
from rewards.offers.services import offer_create
from tests.browser.axe import assert_accessible
from tests.factories import DEFAULT_PASSWORD, UserFactory, VenueFactory, venue_manager_of
from venues.models import CouncilLink
from venues.posters.services import poster_create

pytestmark = pytest.mark.django_db(transaction=True)

AT_THE_VENUE = {"latitude": 51.536387, "longitude": 0.079994, "accuracy": 10}


@pytest.fixture
def venue():
    venue = VenueFactory(
        name="Barking Learning Centre",
        council__name="Barking and Dagenham",
        address="2 Town Square, Barking",
        opening_hours={"monday": [{"opens": "09:00", "closes": "19:00"}]},
    )
    offer_create(council=None, venue=venue, created_by=None, title="Loyalty card",
                 rule="nth_checkin", every_n=3, points=10)  # fmt: skip
    offer_create(council=None, venue=venue, created_by=None, title="Welcome",
                 rule="first_checkin", voucher_title="Free hot drink")  # fmt: skip
    CouncilLink.objects.create(
        council=venue.council, label="Barking and Dagenham libraries",
        url="https://www.lbbd.gov.uk/libraries",
    )  # fmt: skip
    return venue


@pytest.fixture
def resident(venue):
    """Rosa visited two days ago and wrote then a comment the manager will hide."""
    rosa = UserFactory(display_name="Rosa", email="rosa@example.org")
    CheckIn.objects.create(
        resident=rosa, venue=venue, method="gps", evidence="location", distance_m=5
    )
    CheckIn.objects.update(created_at=timezone.now() - timedelta(days=2))
    comment_create(author=rosa, venue=venue, body="Ask for Dave at the desk, he is useless.")
    return rosa


def sign_in(page, user):
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def admin_sign_in(page, user):
    page.goto("/admin/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_offers_in_words_a_comment_a_reply_by_email_and_a_hidden_comments_reason(
    pages, venue, resident, live_server
):
    manager = venue_manager_of(venue)
    poster = poster_create(venue=venue, label="Main entrance", created_by=None)
    phone = pages.open(phone=True, geolocation=AT_THE_VENUE, permissions=["geolocation"])

    # The resident reads the offers in words, with their progress, then checks in.
    phone.goto(f"/accounts/login/?next=/q/{poster.token}")
    sign_in(phone, resident)
    phone.wait_for_url(f"**/q/{poster.token}")
    offers = phone.locator(".offers")
    expect(offers).to_contain_text("Every 3rd visit: 10 points.")
    expect(offers).to_contain_text("2 more visits for 10 points.")
    expect(offers).to_contain_text("A voucher for “Free hot drink” on your first visit.")
    expect(offers).to_contain_text("You have visited before, so this is for new visitors only.")
    assert_accessible(phone)
    pages.screenshot(phone, "offers-in-words")
    phone.get_by_role("button", name="Check in").click()
    phone.locator("#outcome").get_by_role("heading", name="You have checked in").wait_for()
    expect(phone.locator(".offers")).to_contain_text("1 more visit for 10 points.")
    assert_accessible(phone)
    pages.screenshot(phone, "progress-after-checking-in")

    # It rates the visit low and comments; the manager hears of it at once.
    phone.get_by_label("Your rating (optional)").select_option("2")
    phone.get_by_label("Your comment").fill("The heating was off in the reading room.")
    phone.get_by_role("button", name="Send").click()
    phone.get_by_text("Your comment is published").wait_for()
    [alert] = [message for message in mail.outbox if message.to == [manager.email]]
    assert alert.subject == "Barking Learning Centre: a comment rated 2 of 5"

    # The venue's page shows it.
    phone.get_by_role("link", name="About Barking Learning Centre").click()
    phone.wait_for_url(f"**/v/{venue.pk}/")
    expect(phone.get_by_role("heading", name="Barking Learning Centre", level=1)).to_be_visible()
    expect(phone.locator(".comment-list")).to_contain_text(
        "The heating was off in the reading room."
    )
    expect(phone.locator("#rating")).to_contain_text("Rated 2.0 out of 5 by 1 visitor.")
    expect(phone.get_by_role("link", name="Barking and Dagenham libraries")).to_be_visible()
    assert_accessible(phone)
    pages.screenshot(phone, "venue-page")

    # The manager replies in the back office, from the link in the alert.
    desk = pages.open()
    admin_sign_in(desk, manager)
    reply_link = re.search(r"https?://\S+/reply/", alert.body)[0]
    desk.goto(reply_link.replace("http://127.0.0.1:8000", live_server.url))
    quoted = desk.locator(".reply-comment__body")
    expect(quoted).to_have_text("The heating was off in the reading room.")
    desk.get_by_label("Reply for the venue").fill(
        "Sorry, Rosa: the boiler failed on Tuesday and is fixed now."
    )
    assert_accessible(desk)
    pages.screenshot(desk, "back-office-reply")
    desk.get_by_role("button", name="Publish the reply").click()
    expect(desk.get_by_text("The reply is published")).to_be_visible()
    assert CommentReply.objects.get().signed_as == "venue"

    # The resident gets the email, follows its link and sees the reply.
    [email] = [message for message in mail.outbox if message.to == [resident.email]]
    assert email.subject == "Barking Learning Centre replied to your comment"
    link = re.search(r"https?://\S+#comment-\S+", email.body)[0]
    phone.goto("about:blank")  # opened from the mail app: a fresh load, not a jump in the page
    phone.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    answered = phone.locator(f"#comment-{Comment.objects.get(rating=2).pk}")
    expect(answered).to_contain_text("Reply from Barking Learning Centre")
    expect(answered).to_contain_text("the boiler failed on Tuesday and is fixed now.")
    assert_accessible(phone)
    pages.screenshot(phone, "reply-seen")

    # The manager hides the older comment, with a reason of their own.
    older = Comment.objects.get(body__startswith="Ask for Dave")
    desk.goto("/admin/checkins/comment/")
    desk.locator(f"input[name=_selected_action][value='{older.pk}']").check()
    desk.locator("select[name=action]").select_option(label="Hide the selected comments")
    desk.get_by_role("button", name="Go").click()
    desk.get_by_label("Another reason", exact=True).check()
    own_words = desk.get_by_role("textbox", name="Another reason, in your words")
    own_words.fill("It names a member of staff.")
    assert_accessible(desk)
    pages.screenshot(desk, "back-office-hide-with-a-reason")
    desk.get_by_role("button", name="Yes, hide them").click()
    expect(desk.get_by_text("1 comment hidden")).to_be_visible()

    # Its author sees why, on their comments and on the venue's page...
    phone.goto("/me/comments/")
    hidden = phone.locator(f"#comment-{older.pk}")
    expect(hidden).to_contain_text("Hidden")
    expect(hidden).to_contain_text("Why it is hidden: It names a member of staff.")
    assert_accessible(phone)
    pages.screenshot(phone, "my-comments")
    phone.goto(f"/v/{venue.pk}/")
    expect(phone.locator("#your-hidden-comments")).to_contain_text("It names a member of staff.")
    assert_accessible(phone)
    pages.screenshot(phone, "venue-page-own-hidden-comment")

    # ...and nobody else does.
    stranger = pages.open(phone=True)
    stranger.goto(f"/v/{venue.pk}/")
    expect(stranger.get_by_text("The heating was off in the reading room.")).to_be_visible()
    assert stranger.get_by_text("Ask for Dave").count() == 0
    assert stranger.get_by_text("It names a member of staff.").count() == 0
    assert_accessible(stranger)
    pages.screenshot(stranger, "venue-page-anyone")
    stranger.set_viewport_size({"width": 320, "height": 640})  # the narrowest phones
    assert stranger.evaluate("document.documentElement.scrollWidth") <= 320
    assert pages.page_errors == []
