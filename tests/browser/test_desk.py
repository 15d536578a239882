"""Venue staff at the redemption desk, on a phone, in Chromium."""

import pytest
from playwright.sync_api import expect

from rewards.catalog.services import catalog_item_create
from rewards.models import VoucherStatus
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


def test_staff_sign_in_and_redeem_a_typed_code_then_see_already_redeemed(pages, venue, voucher):
    staff = venue_staff_of(venue)
    page = pages.open(phone=True)

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
    outcome = page.locator("#outcome")
    expect(outcome.get_by_role("heading", name="Redeemed")).to_be_visible()
    assert "Free coffee" in outcome.inner_text() and "Rosa Resident" in outcome.inner_text()
    assert_accessible(page)
    pages.screenshot(page, "redeemed")
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.REDEEMED

    page.get_by_label("Voucher code").fill(voucher.code)
    page.get_by_role("button", name="Redeem").click()
    expect(outcome.get_by_role("heading", name="Already redeemed")).to_be_visible()
    pages.screenshot(page, "already-redeemed")
    assert pages.page_errors == []


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
