"""The back office on a tablet, in both languages: the header (with the staff navigation and
the longer Welsh service name) stacks inside the screen instead of running off its right edge."""

from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.factories import DEFAULT_PASSWORD, VenueFactory, council_admin_of


def test_the_back_office_header_fits_a_tablet_in_english_and_welsh(pages):
    venue = VenueFactory()
    admin = council_admin_of(venue.council)
    page = pages.open(tablet=True)
    page.goto("/admin/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".staff-nav")).to_be_visible()
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    pages.screenshot(page, "english")
    page.get_by_role("button", name="Cymraeg").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    nav_right = page.evaluate("document.querySelector('.staff-nav').getBoundingClientRect().right")
    assert nav_right <= width
    assert_accessible(page)
    pages.screenshot(page, "welsh")
