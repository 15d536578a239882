"""A family on a phone, in Chromium (issue 25): a parent creates an account, adds two children,
checks one in from the poster page (without sharing a location), and sees the child's points on
the wallet; a child who tries to register is told to ask a parent or carer. axe-core runs on
every page; the screenshots are for a person to look at."""

import pytest
from django.utils import timezone

from accounts.models import User
from checkins.models import CheckIn
from tests.browser.axe import assert_accessible
from tests.factories import VenueFactory
from tests.residents.helpers import points_and_voucher_offers
from venues.posters.services import poster_create

pytestmark = pytest.mark.django_db(transaction=True)

THIS_YEAR = timezone.localdate().year


@pytest.fixture
def poster():
    venue = VenueFactory(name="Barking Library", council__name="Barking and Dagenham")
    points_and_voucher_offers(venue, points=40, voucher_title="Free story-time badge")
    return poster_create(venue=venue, label="Main entrance", created_by=None)


def register(page, *, name: str, email: str, year: int) -> None:
    page.goto("/accounts/register/")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("a-long-enough-passphrase-2026")
    page.get_by_label("What year were you born?").fill(str(year))
    page.get_by_role("button", name="Create account").click()


def test_family_journey_add_two_children_check_one_in_see_their_points(pages, poster):
    page = pages.open(phone=True)  # no location permission: it must never be needed
    register(page, name="Pat", email="pat@example.org", year=THIS_YEAR - 38)
    page.wait_for_url("**/")

    page.goto("/family/")
    assert_accessible(page)
    pages.screenshot(page, "family-empty")
    for name, age in (("Sam", 8), ("Alex", 11)):
        page.get_by_label("Child's first name").fill(name)
        page.get_by_label("Year the child was born").fill(str(THIS_YEAR - age))
        page.get_by_role("button", name="Add child").click()
        page.get_by_text(f"{name} is in your family").wait_for()
    sam = User.objects.get(display_name="Sam", guardian__email="pat@example.org")
    assert page.locator("#children").get_by_text(str(sam.member_code)).is_visible()
    assert_accessible(page)
    pages.screenshot(page, "family-two-children")

    page.goto(f"/q/{poster.token}")
    who = page.get_by_role("group", name="Who is checking in?")
    assert who.get_by_label("Me (Pat)").is_checked()
    assert not page.get_by_label("Use my phone's location to show we are here").is_checked()
    assert_accessible(page)
    pages.screenshot(page, "poster-who-is-checking-in")
    who.get_by_label("Sam").check()
    page.get_by_role("button", name="Check in").click()

    outcome = page.locator("#outcome")
    outcome.get_by_role("heading", name="Sam has checked in").wait_for()
    assert "Sam earned 40 points" in outcome.inner_text()
    checkin = CheckIn.objects.get()
    assert checkin.resident == sam and checkin.evidence == "poster"
    assert checkin.latitude is None
    assert_accessible(page)
    pages.screenshot(page, "sam-checked-in")

    page.goto("/wallet/")
    assert page.get_by_text("You have 0 points").is_visible()  # the parent's own: none
    family = page.locator("#family")
    assert "Sam: 40 points" in family.inner_text()
    assert "Alex: 0 points" in family.inner_text()
    assert_accessible(page)
    pages.screenshot(page, "parent-wallet")

    family.get_by_role("link", name="Sam").click()
    page.get_by_role("heading", name="Sam's wallet").wait_for()
    assert page.get_by_text("Sam has 40 points").is_visible()
    assert page.get_by_text("Free story-time badge").is_visible()
    assert_accessible(page)
    pages.screenshot(page, "sam-wallet")

    page.goto(f"/family/{sam.pk}/card/")
    assert page.locator(".member-card__code").inner_text() == str(sam.member_code)
    assert_accessible(page)
    pages.screenshot(page, "sam-card")
    assert pages.page_errors == [], pages.page_errors


def test_a_child_who_tries_to_register_is_told_to_ask_a_parent_or_carer(pages):
    page = pages.open(phone=True)
    register(page, name="Kid", email="kid@example.org", year=THIS_YEAR - 10)
    page.get_by_role("heading", name="Ask a parent or carer to help").wait_for()
    assert not User.objects.filter(email="kid@example.org").exists()
    assert_accessible(page)
    pages.screenshot(page, "too-young")
    page.get_by_role("link", name="children's privacy notice").click()
    page.get_by_role("heading", name="Children's privacy").wait_for()
    assert_accessible(page)
    pages.screenshot(page, "children-privacy")
