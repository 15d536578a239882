"""Cymraeg for staff and in a bilingual council's names, in Chromium: a member of staff switches
the desk to Welsh, redeems a voucher in Welsh, keeps Welsh in the back office (and switches it
back there); a resident of a bilingual council sees the Welsh names of the council, the offer
and the catalog item on the poster's page, the voucher and the wallet. axe-core runs on each
Welsh page; the screenshots are looked at."""

import pytest
from playwright.sync_api import expect

from checkins.services import checkin_record
from rewards.catalog.services import catalog_item_create
from rewards.offers.services import offer_create
from tests.browser.axe import assert_accessible
from tests.factories import (
    DEFAULT_PASSWORD,
    CouncilFactory,
    UserFactory,
    VenueFactory,
    venue_manager_of,
)
from tests.rewards.helpers import give_points, issued_voucher
from venues.models import CouncilLanguage
from venues.posters.services import poster_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def council():
    return CouncilFactory(
        name="Gwynedd Council", name_cy="Cyngor Gwynedd", language=CouncilLanguage.BILINGUAL
    )


@pytest.fixture
def venue(council):
    return VenueFactory(council=council, name="Bangor Library", name_cy="Llyfrgell Bangor")


@pytest.fixture
def item(venue):
    return catalog_item_create(
        council=venue.council,
        venue=venue,
        title="Swim session",
        title_cy="Sesiwn nofio",
        cost_points=30,
        stock=5,
    )


def sign_in(page, user, path: str, *, welsh: bool = False) -> None:
    page.goto(path)
    page.get_by_label("E-bost" if welsh else "Email").fill(user.email)
    page.get_by_label("Cyfrinair" if welsh else "Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Mewngofnodi" if welsh else "Sign in").click()


def test_a_manager_switches_the_desk_to_welsh_and_the_back_office_follows(pages, venue, item):
    voucher = issued_voucher(UserFactory(display_name="Rhian"), item)
    manager = venue_manager_of(venue)
    page = pages.open(tablet=True)
    sign_in(page, manager, "/desk/")
    page.wait_for_url("**/desk/")
    expect(page.get_by_role("heading", name="Redeem a voucher")).to_be_visible()

    page.get_by_role("button", name="Cymraeg").click()
    expect(page.get_by_role("heading", name="Adbrynu taleb")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "cy"
    expect(page.get_by_text("Lleoliad: Llyfrgell Bangor")).to_be_visible()
    assert_accessible(page)
    pages.screenshot(page, "desk-in-welsh")

    page.get_by_label("Cod y daleb").fill(voucher.code)
    page.get_by_role("button", name="Adbrynu", exact=True).click()
    outcome = page.locator("#outcome")
    expect(outcome.get_by_role("heading", name="Rhowch: Sesiwn nofio")).to_be_focused()
    expect(outcome.get_by_text("Wedi'i hadbrynu. Ni ellir ei defnyddio eto.")).to_be_visible()
    assert_accessible(page)
    pages.screenshot(page, "desk-gives-in-welsh")

    page.get_by_role("link", name="Swyddfa gefn").click()  # the staff navigation, in Welsh
    page.wait_for_url("**/admin/")
    assert page.locator("html").get_attribute("lang") == "cy"
    expect(page.get_by_role("link", name="Gwirio i mewn yn lleoliadau'r cyngor: swyddfa gefn"))
    expect(page.get_by_role("heading", name="Yr hyn rydych chi'n ei reoli")).to_be_visible()
    assert_accessible(page)
    pages.screenshot(page, "back-office-in-welsh")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="What you manage")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "en-gb"
    page.get_by_role("button", name="Cymraeg").click()  # and back, from the back office
    expect(page.get_by_role("heading", name="Yr hyn rydych chi'n ei reoli")).to_be_visible()

    # The project's own words in the back office: a model's list, its columns, one object's
    # form with its field names and help texts, all in Welsh.
    page.locator("#content-main").get_by_role("link", name="Eitemau'r catalog").click()
    page.wait_for_url("**/admin/rewards/catalogitem/")
    expect(page.get_by_role("heading", name="Dewis eitem y catalog i newid")).to_be_visible()
    assert_accessible(page)
    pages.screenshot(page, "back-office-list-in-welsh")
    page.get_by_role("link", name="Swim session").click()
    expect(page.get_by_label("Teitl yn Gymraeg")).to_have_value("Sesiwn nofio")
    body = page.locator("#content").inner_text()
    assert "Title in Welsh" not in body and "Cost points" not in body
    assert_accessible(page)
    pages.screenshot(page, "back-office-item-in-welsh")


def test_a_bilingual_councils_poster_voucher_and_wallet_show_the_welsh_names(pages, venue, item):
    offer_create(
        council=None,
        venue=venue,
        created_by=None,
        title="A coffee on us",
        title_cy="Coffi gennym ni",
        rule="every_checkin",
        voucher_title="Free coffee",
        voucher_title_cy="Coffi am ddim",
    )
    resident = UserFactory(display_name="Rhian")
    poster = poster_create(venue=venue, label="Door", created_by=None)
    page = pages.open(phone=True)
    page.goto(f"/accounts/login/?next=/q/{poster.token}")
    page.get_by_role("button", name="Cymraeg").click()  # the resident reads Welsh
    sign_in(page, resident, f"/accounts/login/?next=/q/{poster.token}", welsh=True)
    page.wait_for_url(f"**/q/{poster.token}")
    assert page.locator("html").get_attribute("lang") == "cy"  # the council's choice
    expect(page.get_by_role("heading", name="Llyfrgell Bangor")).to_be_visible()
    expect(page.get_by_text("Cyngor Gwynedd")).to_be_visible()
    expect(page.get_by_role("heading", name="Coffi gennym ni")).to_be_visible()
    assert_accessible(page)
    pages.screenshot(page, "poster-page-in-welsh")

    checkin_record(resident=resident, qr_token=poster.token)  # earns the voucher
    give_points(resident, 5, council=venue.council)
    page.goto("/wallet/")
    assert page.locator("html").get_attribute("lang") == "cy"
    expect(page.get_by_role("heading", name="Coffi am ddim")).to_be_visible()  # the voucher
    expect(page.get_by_role("heading", name="Sesiwn nofio")).to_be_visible()  # the item
    expect(page.get_by_text("Cyngor Gwynedd").first).to_be_visible()
    body = page.locator("main").inner_text()
    assert "Free coffee" not in body and "Swim session" not in body
    assert "Gwynedd Council" not in body
    assert_accessible(page)
    pages.screenshot(page, "wallet-in-welsh")
