"""A council admin at the insight dashboard, on a desktop, in Chromium."""

import csv
import io
from datetime import timedelta

import pytest

from tests.browser.axe import assert_accessible
from tests.factories import DEFAULT_PASSWORD, council_admin_of
from tests.insight.helpers import NOW, at, build_history, checkin

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def history(clock):
    clock.now = NOW  # 2025-10-28 20:00 London; the history is around the autumn clock change
    return build_history()


def test_admin_opens_the_dashboard_changes_the_period_and_downloads_the_csv(pages, history):
    council = history["council"]
    admin = council_admin_of(council)
    for day in range(1, 23):  # a busier month before both compared periods, for the chart
        checkin(admin, history["library"], at(day, 12))
    page = pages.open()
    page.goto(f"/insight/{council.slug}/")
    assert page.url.endswith(f"/accounts/login/?next=/insight/{council.slug}/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(f"**/insight/{council.slug}/")
    assert page.get_by_role("heading", name="Hackney Council: engagement").is_visible()
    assert page.get_by_role("img", name="Check-ins per day").is_visible()
    assert "Museum: No check-ins for 30 days." in page.locator(".attention").inner_text()
    assert_accessible(page)
    pages.screenshot(page, "insight-30-days")

    page.get_by_label("From", exact=True).fill("2025-10-26")
    page.get_by_label("To", exact=True).fill("2025-10-28")
    page.get_by_role("button", name="Show these dates").click()
    page.wait_for_url("**period=custom**")
    figures = page.locator(".figures")
    assert "Check-ins" in figures.inner_text()
    first = figures.locator(".figure").first
    assert first.locator(".figure__value").inner_text() == "4"
    assert first.locator(".figure__change").inner_text().strip() == "▲ Up 2 from 2 (100%)"
    page.get_by_role("link", name="Venue", exact=True).click()
    page.wait_for_url("**sort=name**")
    names = page.locator(".venue-table tbody th").all_inner_texts()
    assert names == ["Library", "Museum", "Pool"]
    assert_accessible(page)
    pages.screenshot(page, "insight-custom-sorted")

    with page.expect_download() as info:
        page.get_by_role("link", name="Figures per venue (CSV)").click()
    download = info.value
    assert download.suggested_filename == "stats-hackney-council-2025-10-26-to-2025-10-28.csv"
    raw = download.path().read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0][:4] == ["Venue", "From", "To", "Check-ins"]
    assert rows[1][:4] == ["All venues", "2025-10-26", "2025-10-28", "4"]
    assert pages.page_errors == []


def test_a_council_of_many_venues_pages_through_its_venue_table(pages, clock):
    """The venue table a page at a time (a council of 50,000 venues once made a 40 MB page)."""
    from tests.factories import VenueFactory
    from venues.models import Venue

    first = VenueFactory(name="Library 00")
    council = first.council
    Venue.objects.bulk_create(
        VenueFactory.build(council=council, name=f"Library {n:02}", slug=f"library-{n:02}")
        for n in range(1, 60)
    )
    # Registered two months ago: quiet since, so each needs attention (a new venue would not).
    Venue.objects.filter(council=council).update(created_at=clock.now - timedelta(days=60))
    admin = council_admin_of(council)
    page = pages.open()
    page.goto(f"/insight/{council.slug}/?sort=name")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/insight/{council.slug}/?sort=name")

    pages_nav = page.get_by_role("navigation", name="Venue pages")
    assert "Venues 1 to 50 of 60 (page 1 of 2)" in pages_nav.inner_text()
    assert page.locator(".venue-table tbody tr").count() == 50
    assert "And 10 more venues need attention." in page.content()
    assert_accessible(page)
    pages_nav.get_by_role("link", name="Next venues").click()

    page.wait_for_url("**page=2**")
    assert page.locator(".venue-table tbody tr").count() == 10
    assert "Library 59" in page.locator(".venue-table").inner_text()
    assert_accessible(page)
    pages.screenshot(page, "insight-venue-pages")
