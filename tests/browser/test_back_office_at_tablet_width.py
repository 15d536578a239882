"""The back office on a tablet, in both languages: the header (with the staff navigation and
the longer Welsh service name) stacks inside the screen instead of running off its right edge."""

from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.factories import DEFAULT_PASSWORD, VenueFactory, council_admin_of


def council_admin_on_a_tablet(pages, path: str):
    """A council's admin signed in to the back office at ``path``, on a tablet."""
    admin = council_admin_of(VenueFactory().council)
    page = pages.open(tablet=True)
    page.goto(path)
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    return page


def test_the_back_office_header_fits_a_tablet_in_english_and_welsh(pages):
    page = council_admin_on_a_tablet(pages, "/admin/")
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


def test_a_long_welsh_heading_is_not_under_the_pages_buttons(pages):
    """A list's heading and its "Add ..." button side by side at tablet width: Django lifts the
    button into the heading's line, where the longer Welsh heading ran under it."""
    page = council_admin_on_a_tablet(pages, "/admin/rewards/catalogitem/")
    page.get_by_role("button", name="Cymraeg").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    heading = page.locator("#content h1").bounding_box()
    tools = page.locator(".object-tools").bounding_box()
    overlap = not (
        tools["y"] >= heading["y"] + heading["height"]
        or heading["y"] >= tools["y"] + tools["height"]
        or tools["x"] >= heading["x"] + heading["width"]
        or heading["x"] >= tools["x"] + tools["width"]
    )
    assert not overlap, (heading, tools)
    results = page.locator("#changelist .changelist-form-container").bounding_box()
    assert results["y"] >= tools["y"] + tools["height"]  # the list under them, full width
    pages.screenshot(page, "list-heading-in-welsh")
