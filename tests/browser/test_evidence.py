"""Evidence of presence in Chromium: the issue's resident refused as far away and then again with
the phone's location declined (a phone), and the desk screen by the entrance (a tablet) scanned
by a second browser (a phone) that checks in with it, the screen changing its code without a
reload and coming back after a network blip."""

import io

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from accounts.member_codes import member_code_of
from checkins.models import Alert, CheckIn, CheckinAttempt
from rewards.offers.services import offer_create
from tests.browser.axe import assert_accessible
from tests.factories import DEFAULT_PASSWORD, UserFactory, VenueFactory, venue_staff_of
from venues.posters.services import poster_create

pytestmark = pytest.mark.django_db(transaction=True)

LEEDS = {"latitude": 53.800156, "longitude": -1.548691}
# 272 km from the library: where the resident really was.
FAR_AWAY = {"latitude": 51.572942, "longitude": -3.206474, "accuracy": 12}


@pytest.fixture
def venue():
    venue = VenueFactory(name="Leeds Central Library", **LEEDS, council__name="Leeds")
    offer_create(
        council=None,
        venue=venue,
        created_by=None,
        title="Free hot drink",
        rule="every_checkin",
        voucher_title="Free hot drink",
        accepts=["location", "poster_and_location", "desk_screen", "staff"],
    )
    offer_create(
        council=None,
        venue=venue,
        created_by=None,
        title="10 points a visit",
        rule="every_checkin",
        points=10,
    )
    return venue


def sign_in(page, user):
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def read_qr(png: bytes) -> str:
    [result] = zxingcpp.read_barcodes(
        Image.open(io.BytesIO(png)), formats=zxingcpp.BarcodeFormat.QRCode
    )
    return result.text


def test_refused_as_far_away_then_refused_again_with_the_location_declined(pages, venue):
    poster = poster_create(venue=venue, label="Main entrance", created_by=None)
    resident = UserFactory(display_name="Rosa")
    page = pages.open(phone=True, geolocation=FAR_AWAY, permissions=["geolocation"])
    page.goto(f"/accounts/login/?next=/q/{poster.token}")
    sign_in(page, resident)
    page.wait_for_url(f"**/q/{poster.token}")
    expect(page.locator("#earn-more")).to_contain_text("to earn “Free hot drink”")
    assert_accessible(page)
    pages.screenshot(page, "poster-page-says-what-earns-the-drink")

    page.get_by_role("button", name="Check in").click()
    refusal = page.locator("#outcome")
    refusal.get_by_role("heading", name="You seem to be too far away").wait_for()
    assert "27" in refusal.inner_text() and "km from Leeds Central Library" in (
        refusal.inner_text()
    )
    assert_accessible(page)
    pages.screenshot(page, "refused-far-away")

    page.context.clear_permissions()  # the resident declines the location and presses again
    page.get_by_role("button", name="Check in").click()
    refusal.get_by_role("heading", name="Allow your location to check in").wait_for()
    assert "or ask staff at the desk" in refusal.inner_text()
    assert not CheckIn.objects.exists()
    assert CheckinAttempt.objects.filter(reason="location_mismatch").count() == 1
    assert Alert.objects.filter(kind="location_mismatch").count() == 1
    assert_accessible(page)
    pages.screenshot(page, "refused-location-declined")
    assert pages.page_errors == []


def test_the_screen_by_the_entrance_is_scanned_by_a_phone_and_changes_its_code(
    pages, venue, settings
):
    settings.SCREEN_CODE_SECONDS = 3
    staff = venue_staff_of(venue)
    tablet = pages.open(tablet=True)
    tablet.goto(f"/accounts/login/?next=/desk/screen/%3Fvenue%3D{venue.pk}")
    sign_in(tablet, staff)
    tablet.wait_for_url("**/desk/screen/?venue=*")
    qr = tablet.locator("#screen-qr svg")
    expect(qr).to_be_visible()
    expect(tablet.get_by_role("heading", name="Check in at Leeds Central Library")).to_be_visible()
    assert_accessible(tablet)
    pages.screenshot(tablet, "screen")
    # The frame, not its SVG: the SVG is replaced at each new code (every 3 s here), and a
    # screenshot taken as it is swapped finds it gone.
    url = read_qr(tablet.locator("#screen-qr").screenshot())
    assert url.startswith(settings.PUBLIC_BASE_URL + "/q/")

    # A second browser, the resident's phone, opens what it scanned (on this test's server).
    resident = UserFactory(display_name="Sam")
    # The phone would give a location far off (indoors, say): the screen's page does not ask.
    phone = pages.open(
        phone=True,
        geolocation={"latitude": 53.9, "longitude": -1.6, "accuracy": 20},
        permissions=["geolocation"],
    )
    path = url.removeprefix(settings.PUBLIC_BASE_URL)
    phone.goto(path)
    phone.get_by_role("link", name="Sign in").click()
    sign_in(phone, resident)
    phone.wait_for_url(f"**{path}")
    phone.get_by_role("button", name="Check in").click()
    outcome = phone.locator("#outcome")
    outcome.get_by_role("heading", name="You have checked in").wait_for()
    assert "with the code on the screen by the desk" in outcome.inner_text()
    assert "Free hot drink" in outcome.inner_text()
    assert CheckIn.objects.get(resident=resident).evidence == "desk_screen"
    assert_accessible(phone)
    pages.screenshot(phone, "checked-in-with-the-screen")

    # The screen shows the next code without a reload.
    tablet.evaluate("window.stillTheSamePage = true")
    first = tablet.locator("#screen-qr").get_attribute("data-token")
    expect(tablet.locator("#screen-qr")).not_to_have_attribute("data-token", first, timeout=8_000)
    assert tablet.evaluate("window.stillTheSamePage === true")
    assert read_qr(tablet.locator("#screen-qr").screenshot()) != url

    # A network blip: the last code stays while it is good, then the screen says it is
    # reconnecting (and shows no dead code); back online, a fresh code appears.
    tablet.context.set_offline(True)
    expect(tablet.locator("#screen-status")).to_contain_text("Reconnecting", timeout=12_000)
    expect(tablet.locator("#screen-qr")).to_have_class("screen__qr is-stale")
    pages.screenshot(tablet, "screen-reconnecting")
    tablet.context.set_offline(False)
    expect(tablet.locator("#screen-qr")).not_to_have_class("screen__qr is-stale", timeout=12_000)
    expect(tablet.locator("#screen-status")).to_have_text("")
    assert tablet.evaluate("window.stillTheSamePage === true")
    assert_accessible(tablet)
    pages.screenshot(tablet, "screen-back")
    assert pages.page_errors == []


def test_the_member_card_at_a_phones_width(pages, venue):
    resident = UserFactory(display_name="Rosa")
    page = pages.open(phone=True)
    page.goto("/accounts/login/?next=/wallet/")
    sign_in(page, resident)
    page.wait_for_url("**/wallet/")
    code = member_code_of(user=resident)
    expect(page.locator("#member")).to_contain_text(code)
    page.get_by_role("link", name="Your member card, to print").click()
    page.wait_for_url("**/wallet/card/")
    card = page.locator("#member-card")
    expect(card).to_contain_text(code)
    expect(page.get_by_role("button", name="Print the card")).to_be_visible()
    assert read_qr(card.get_by_role("img").screenshot()) == code
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
    pages.screenshot(page, "member-card")
    assert pages.page_errors == []
