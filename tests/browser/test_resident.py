"""A resident on a phone, in Chromium: scanning a poster (opening /q/<token>), creating an
account, checking in with and without the phone's location, the wallet, a withdrawn poster and
a session that ended. axe-core runs on every page; the screenshots are for a person to look at."""

from datetime import timedelta

import pytest
from django.db.models import F

from checkins.models import CheckIn
from checkins.services import checkin_record
from rewards.catalog.services import catalog_item_create
from rewards.models import Voucher
from tests.browser.axe import assert_accessible
from tests.factories import DEFAULT_PASSWORD, UserFactory, VenueFactory
from tests.residents.helpers import points_and_voucher_offers
from tests.rewards.helpers import give_points
from venues.posters.services import poster_create, poster_revoke

pytestmark = pytest.mark.django_db(transaction=True)

AT_THE_VENUE = {"latitude": 51.536387, "longitude": 0.079994, "accuracy": 10}


@pytest.fixture
def venue():
    venue = VenueFactory(name="Barking Learning Centre", council__name="Barking and Dagenham")
    points_and_voucher_offers(venue, points=40, voucher_title="Free coffee")
    catalog_item_create(
        council=venue.council, venue=venue, title="Swim session", cost_points=30, stock=10
    )
    return venue


@pytest.fixture
def poster(venue):
    return poster_create(venue=venue, label="Main entrance", created_by=None)


def located_phone(pages):
    return pages.open(phone=True, geolocation=AT_THE_VENUE, permissions=["geolocation"])


def sign_in(page, user):
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_scan_create_account_check_in_see_the_voucher_then_spend_in_the_wallet(
    pages, poster, venue
):
    page = located_phone(pages)
    page.goto(f"/q/{poster.token}")
    assert page.get_by_role("heading", name="Barking Learning Centre").is_visible()
    assert page.get_by_text("A coffee on us").is_visible()
    assert_accessible(page)
    pages.screenshot(page, "poster-signed-out")

    page.get_by_role("link", name="Create account").click()
    page.get_by_label("Your name").fill("Rosa")
    page.get_by_label("Email").fill("rosa@example.org")
    page.get_by_label("Password").fill("a-long-enough-passphrase-2026")
    page.get_by_label("What year were you born?").fill("1988")
    assert_accessible(page)
    page.get_by_role("button", name="Create account").click()

    page.wait_for_url(f"**/q/{poster.token}")
    assert_accessible(page)
    pages.screenshot(page, "poster-signed-in")
    page.get_by_role("button", name="Check in").click()

    outcome = page.locator("#outcome")
    outcome.get_by_role("heading", name="You have checked in").wait_for()
    voucher = Voucher.objects.get(resident__email="rosa@example.org")
    assert "You earned 40 points" in outcome.inner_text()
    assert "Free coffee" in outcome.inner_text() and voucher.code in outcome.inner_text()
    checkin = CheckIn.objects.get()
    assert checkin.latitude is not None and checkin.distance_m < 20  # the phone's fix was sent
    assert_accessible(page)
    pages.screenshot(page, "checked-in")

    page.get_by_label("Your rating (optional)").select_option("5")
    page.get_by_label("Your comment").fill("Friendly staff and a quiet reading room.")
    page.get_by_role("button", name="Send").click()
    page.get_by_text("Your comment is published").wait_for()

    page.get_by_role("link", name="Your wallet").click()
    page.wait_for_url("**/wallet/")
    assert page.get_by_text("You have 40 points").is_visible()
    qr = page.get_by_role("img", name=f"QR code of voucher {voucher.code}, for staff to scan")
    assert qr.is_visible()
    assert page.evaluate("(img) => img.naturalWidth", qr.element_handle()) > 0  # it loaded
    assert_accessible(page)
    pages.screenshot(page, "wallet")

    swim = page.locator(".card", has_text="Swim session")
    swim.get_by_role("button", name="Claim").click()
    page.get_by_text("You claimed Swim session").wait_for()
    assert page.get_by_text("You have 10 points").is_visible()
    assert Voucher.objects.filter(title="Swim session").count() == 1
    assert_accessible(page)
    pages.screenshot(page, "claimed")

    # A minute later, the resident scans the poster again.
    CheckIn.objects.update(created_at=F("created_at") - timedelta(seconds=61))
    page.goto(f"/q/{poster.token}")
    page.get_by_role("button", name="Check in").click()
    refusal = page.locator("#outcome")
    refusal.get_by_role("heading", name="You have already checked in").wait_for()
    assert "You can check in here again in 3 hours 59 minutes" in refusal.inner_text()
    assert CheckIn.objects.count() == 1
    assert_accessible(page)
    pages.screenshot(page, "cooldown")
    assert pages.page_errors == []


def test_with_the_location_refused_the_check_in_is_the_qrs_alone(pages, poster):
    resident = UserFactory()
    page = pages.open(phone=True)  # no permission granted: the browser refuses the position
    page.goto(f"/accounts/login/?next=/q/{poster.token}")
    sign_in(page, resident)
    page.wait_for_url(f"**/q/{poster.token}")
    page.get_by_role("button", name="Check in").click()
    page.locator("#outcome").get_by_role("heading", name="You have checked in").wait_for()
    assert "with the poster's code" in page.locator("#outcome").inner_text()
    checkin = CheckIn.objects.get()
    assert (checkin.method, checkin.latitude) == ("qr", None)
    assert_accessible(page)
    pages.screenshot(page, "checked-in-without-location")
    assert pages.page_errors == []


def test_a_withdrawn_poster_says_so(pages, poster):
    poster_revoke(poster=poster, revoked_by=None)
    page = located_phone(pages)
    page.goto(f"/q/{poster.token}")
    assert page.get_by_role("heading", name="Poster withdrawn").is_visible()
    assert page.get_by_role("button", name="Check in").count() == 0
    assert_accessible(page)
    pages.screenshot(page, "withdrawn")


def test_a_session_that_ended_asks_to_sign_in_again_and_comes_back(pages, poster):
    resident = UserFactory()
    page = located_phone(pages)
    page.goto(f"/accounts/login/?next=/q/{poster.token}")
    sign_in(page, resident)
    page.wait_for_url(f"**/q/{poster.token}")
    page.context.clear_cookies(name="sessionid")  # the session ends while the page is open

    page.get_by_role("button", name="Check in").click()
    page.wait_for_url("**/accounts/login/**")
    assert page.get_by_text("Sign in to check in").is_visible()
    body = page.locator("body").inner_text().lower()
    assert "token" not in body and "csrf" not in body
    assert_accessible(page)
    pages.screenshot(page, "session-ended")

    sign_in(page, resident)
    page.wait_for_url(f"**/q/{poster.token}")
    page.get_by_role("button", name="Check in").click()
    page.locator("#outcome").get_by_role("heading", name="You have checked in").wait_for()
    assert CheckIn.objects.filter(resident=resident).count() == 1
    assert pages.page_errors == []


def test_the_code_under_the_qr_typed_in_at_320_px(pages, poster):
    page = pages.open(phone=True)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/q/")
    page.get_by_label("Poster code").fill(f"{poster.code[:4].lower()} {poster.code[4:]}")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**/q/{poster.token}")
    assert page.get_by_role("heading", name="Barking Learning Centre").is_visible()
    no_sideways_scroll = "document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(no_sideways_scroll)
    assert_accessible(page)
    pages.screenshot(page, "typed-code-320px")


def test_a_page_left_open_until_every_cookie_went_says_expired_in_plain_words(pages, poster):
    resident = UserFactory()
    page = located_phone(pages)
    page.goto(f"/accounts/login/?next=/q/{poster.token}")
    sign_in(page, resident)
    page.wait_for_url(f"**/q/{poster.token}")
    page.context.clear_cookies()  # the session and the CSRF cookie both gone

    page.get_by_role("button", name="Check in").click()
    page.get_by_role("heading", name="This page has expired").wait_for()
    assert "csrf" not in page.locator("body").inner_text().lower()
    assert_accessible(page)
    pages.screenshot(page, "expired")
    page.get_by_role("link", name="Open the page again").click()
    page.get_by_role("link", name="Sign in").wait_for()
    assert not CheckIn.objects.exists()


def test_points_in_two_schemes_show_apart_and_an_item_says_what_is_missing(pages, poster):
    """A resident who earned with two councils (two schemes) sees each balance with where it
    can be spent, and an item of the council where they hold too few says how many more."""
    havering = VenueFactory(
        name="Romford Library", council__name="Havering", latitude=AT_THE_VENUE["latitude"] + 3e-4
    )
    catalog_item_create(council=havering.council, title="Romford swim", cost_points=30)
    resident = UserFactory()
    checkin_record(resident=resident, qr_token=poster.token)  # earns 40 in Barking and Dagenham
    door = poster_create(venue=havering, label="Door", created_by=None)
    checkin_record(resident=resident, qr_token=door.token)
    give_points(resident, 12, council=havering.council)

    page = pages.open(phone=True)
    page.goto("/wallet/")
    sign_in(page, resident)
    page.wait_for_url("**/wallet/")

    assert page.get_by_text("You have 52 points").is_visible()
    assert page.get_by_text("40 points to spend at Barking and Dagenham.").is_visible()
    assert page.get_by_text("12 points to spend at Havering.").is_visible()
    romford = page.locator(".card", has_text="Romford swim")
    assert romford.get_by_text("You need 18 more points earned at Havering.").is_visible()
    assert page.locator(".card", has_text="Swim session").get_by_text("You need").count() == 0
    assert_accessible(page)
    pages.screenshot(page, "wallet-two-schemes")
