"""The language switch in Chromium, on a phone: a resident reading a poster's page in English
presses "Cymraeg", reads it in Welsh (the venue's Welsh name too), keeps Welsh on the next
page, and switches back. axe-core runs on the Welsh page."""

import pytest

from tests.browser.axe import assert_accessible
from tests.factories import VenueFactory
from venues.posters.services import poster_create

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_resident_switches_the_poster_page_to_welsh_and_back(pages):
    venue = VenueFactory(name="Pool Road Library", name_cy="Llyfrgell Ffordd y Pŵl")
    poster = poster_create(venue=venue, label="Entrance", created_by=None)
    page = pages.open(phone=True)
    page.goto(f"/q/{poster.token}")
    assert page.get_by_role("heading", name="Pool Road Library").is_visible()

    page.get_by_role("button", name="Cymraeg").click()
    assert page.get_by_role("heading", name="Llyfrgell Ffordd y Pŵl").is_visible()
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.get_by_role("link", name="Mewngofnodi").is_visible()
    assert_accessible(page)
    pages.screenshot(page, "poster-in-welsh")

    page.get_by_role("link", name="Mewngofnodi").click()  # the choice is kept
    assert page.get_by_role("heading", name="Mewngofnodi").is_visible()

    page.get_by_role("button", name="English").click()
    assert page.get_by_role("heading", name="Sign in").is_visible()
    assert page.locator("html").get_attribute("lang") == "en-GB"
