"""Venue staff at the redemption desk, at a tablet's width, in Chromium: the desk's outcomes,
undo, a double tap, and checking in a resident without a smartphone."""

import re

import pytest
from playwright.sync_api import expect

from accounts.member_codes import member_code_of
from checkins.models import CheckIn
from rewards.catalog.services import catalog_item_create
from rewards.models import Voucher, VoucherStatus
from tests.browser.axe import assert_accessible
from tests.factories import DEFAULT_PASSWORD, UserFactory, VenueFactory, venue_staff_of
from tests.rewards.helpers import issued_voucher

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def venue():
    return VenueFactory(name="Leeds Central Library")


@pytest.fixture
def voucher(venue):
    resident = UserFactory(display_name="Rosa Resident")
    item = catalog_item_create(
        council=venue.council, venue=venue, title="Free coffee", cost_points=50, stock=5
    )
    return issued_voucher(resident, item)


def test_the_desks_three_outcomes_at_a_tablets_width_give_do_not_give_unknown(
    pages, venue, voucher
):
    """The issue's queue: "Redeemed", "Already redeemed" and "Unknown code" looked alike. Now a
    full-width green "Give: <what>" or a red "Do not give" and why, each with an icon and words,
    the focus on the heading and not over the colour. Screenshots of each are looked at."""
    staff = venue_staff_of(venue)
    page = pages.open(tablet=True)

    page.goto("/desk/")
    assert page.url.endswith("/accounts/login/?next=/desk/")
    assert_accessible(page)
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    pages.screenshot(page, "sign-in")
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url("**/desk/")
    expect(page.get_by_role("heading", name="Redeem a voucher")).to_be_visible()
    assert_accessible(page)
    pages.screenshot(page, "desk")

    page.get_by_label("Voucher code").fill(voucher.code.replace("-", "").lower())
    page.get_by_role("button", name="Redeem").click()
    give = page.locator("#outcome")
    expect(give.get_by_role("heading", name="Give: Free coffee")).to_be_focused()
    assert "outcome--give" in give.get_attribute("class")
    assert "Rosa Resident" in give.inner_text()
    assert_background(give, "rgb(0, 112, 60)")
    assert_accessible(page)
    pages.screenshot(page, "1-give")
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.REDEEMED
    today = page.locator("table.today")
    expect(today).to_contain_text("Free coffee")
    expect(today.get_by_role("button", name=re.compile("^Undo Free coffee"))).to_be_visible()

    page.get_by_label("Voucher code").fill(voucher.code)
    page.get_by_role("button", name="Redeem").click()
    refuse = page.locator("#outcome")
    expect(refuse.get_by_role("heading", name="Do not give")).to_be_focused()
    expect(refuse).to_contain_text("Already redeemed")
    assert_background(refuse, "rgb(177, 14, 30)")
    assert_accessible(page)
    pages.screenshot(page, "2-do-not-give-already-redeemed")

    page.get_by_label("Voucher code").fill("ZZZZ-ZZZZ")
    page.get_by_role("button", name="Redeem").click()
    unknown = page.locator("#outcome")
    expect(unknown.get_by_role("heading", name="Do not give")).to_be_focused()
    expect(unknown).to_contain_text("Unknown code")
    assert_accessible(page)
    pages.screenshot(page, "3-do-not-give-unknown-code")

    # At 320 px (a small phone, or 200% zoom) nothing runs off the side.
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    pages.screenshot(page, "3b-at-320px")
    page.set_viewport_size({"width": 820, "height": 1180})

    # The wrong coffee was rung up: undo it from today's list.
    page.get_by_role("button", name=re.compile("^Undo Free coffee")).click()
    expect(page.get_by_text("Undone: Free coffee")).to_be_visible()
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.ISSUED
    assert_accessible(page)
    pages.screenshot(page, "4-undone")
    assert pages.page_errors == []


def test_a_double_tap_on_redeem_says_give_and_redeems_once(pages, venue, voucher):
    staff = venue_staff_of(venue)
    page = pages.open(tablet=True)
    page.goto("/accounts/login/?next=/desk/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/desk/")
    page.get_by_label("Voucher code").fill(voucher.code)
    page.get_by_role("button", name="Redeem").dblclick()
    expect(
        page.locator("#outcome").get_by_role("heading", name="Give: Free coffee")
    ).to_be_visible()
    assert Voucher.objects.get().status == VoucherStatus.REDEEMED


def test_staff_check_in_a_resident_without_a_smartphone_by_their_card(pages, venue):
    staff = venue_staff_of(venue)
    resident = UserFactory(display_name="Sam Resident")
    page = pages.open(tablet=True)
    page.goto("/accounts/login/?next=/desk/check-in/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/desk/check-in/")
    assert_accessible(page)
    page.get_by_label("Member code or email").fill(member_code_of(user=resident).lower())
    page.get_by_role("button", name="Check in").click()
    outcome = page.locator("#outcome")
    expect(outcome.get_by_role("heading", name="Checked in: Sam Resident")).to_be_focused()
    assert_accessible(page)
    pages.screenshot(page, "checked-in-at-the-desk")
    page.get_by_label("Member code or email").fill(resident.email)
    page.get_by_role("button", name="Check in").click()
    expect(outcome.get_by_role("heading", name="Not checked in")).to_be_visible()
    expect(outcome).to_contain_text("Already checked in")
    pages.screenshot(page, "already-checked-in")
    assert CheckIn.objects.get().assisted_by == staff
    assert pages.page_errors == []


def assert_background(locator, colour: str) -> None:
    """The outcome's meaning is a block of colour (with its icon and words), not a thin border."""
    assert locator.evaluate("(el) => getComputedStyle(el).backgroundColor") == colour
    assert locator.evaluate("(el) => el.getBoundingClientRect().width") > 700


def test_a_resident_is_refused_by_the_desk_with_a_clear_page(pages):
    resident = UserFactory()
    page = pages.open(phone=True)
    page.goto("/accounts/login/?next=/desk/")
    page.get_by_label("Email").fill(resident.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="The desk is for venue staff")).to_be_visible()
    assert_accessible(page)
    pages.screenshot(page, "not-staff")
