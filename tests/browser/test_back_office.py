"""The back office in Chromium, as each role uses it (desktop viewport)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from checkins.models import Comment
from rewards.models import Offer
from rewards.offers.services import pool_account
from rewards.schemes.selectors import points_balances
from tests.browser.axe import assert_accessible
from tests.factories import DEFAULT_PASSWORD, CouncilFactory
from tests.integration.back_office_world import back_office_world
from tests.rewards.helpers import give_points
from venues.models import Poster, Venue

pytestmark = pytest.mark.django_db(transaction=True)

CSV = (
    "name,category,address,postcode,latitude,longitude\n"
    "Chapel Allerton Library,library,Town Street,LS7 4NB,53.8297,-1.5381\n"
    "Moor Allerton Hub,library,,LS17 5NY,53.8468,-1.5163\n"
    "Bad Row,library,Nowhere,NOT A POSTCODE,53.8,-1.5\n"
)


@pytest.fixture
def world():
    return back_office_world()


def sign_in(page, user, path="/admin/"):
    page.goto(path)
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_council_admin_signs_in_and_imports_venues_from_csv(pages, world, tmp_path):
    page = pages.open()
    page.goto("/admin/")
    assert "/admin/login/" in page.url
    assert_accessible(page)
    pages.screenshot(page, "sign-in")
    sign_in(page, world.council_admin, path=page.url)
    expect(page.get_by_role("heading", name="What you manage")).to_be_visible()
    assert page.get_by_role("link", name="Stripe events").count() == 0
    assert_accessible(page)
    pages.screenshot(page, "index")

    page.get_by_role("link", name="Venues", exact=True).first.click()
    page.get_by_role("link", name="Import from CSV").click()
    csv_file = tmp_path / "new-venues.csv"
    csv_file.write_text(CSV, encoding="utf-8")
    page.get_by_label("CSV file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Import").click()

    report = page.locator("#import-report")
    assert "Created" in report.inner_text()
    assert report.locator("tr", has_text="Created").inner_text().split()[-1] == "2"
    assert "not a UK postcode" in report.inner_text()
    assert_accessible(page)
    pages.screenshot(page, "import-report")
    assert (
        Venue.objects.filter(
            council=world.venue.council, name__in=["Chapel Allerton Library", "Moor Allerton Hub"]
        ).count()
        == 2
    )
    assert pages.page_errors == []


def test_a_manager_makes_a_poster_downloads_its_pdf_and_hides_a_comment(pages, world, live_server):
    page = pages.open()
    sign_in(page, world.manager)

    page.goto(reverse("admin:venues_poster_add"))
    page.get_by_label("Venue").select_option(label=str(world.venue))
    page.get_by_label("Label").fill("Side door")
    page.get_by_role("button", name="Save", exact=True).click()
    pages.screenshot(page, "posters")
    poster = Poster.objects.get(label="Side door")
    assert poster.venue == world.venue
    page.goto(reverse("admin:venues_poster_change", args=[poster.pk]))
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF (A4)").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")

    comment = Comment.objects.get(venue=world.venue)
    public = f"{live_server.url}/api/v1/venues/{world.venue.pk}/comments/"
    assert str(comment.pk) in page.request.get(public).text()
    page.goto(reverse("admin:checkins_comment_changelist"))
    expect(page.get_by_role("link", name="Lovely staff.", exact=True)).to_be_visible()
    pages.screenshot(page, "comments")
    page.locator(f"input[name=_selected_action][value='{comment.pk}']").check()
    page.locator("select[name=action]").select_option(label="Hide the selected comments")
    page.get_by_role("button", name="Go").click()
    assert page.get_by_text("Hide these comments from the public?").first.is_visible()
    page.get_by_label("It is advertising or spam.").check()
    assert_accessible(page)
    pages.screenshot(page, "confirm-hide")
    page.get_by_role("button", name="Yes, hide them").click()
    expect(page.get_by_text("1 comment hidden")).to_be_visible()
    comment.refresh_from_db()
    assert (comment.status, comment.hidden_reason) == ("hidden", "It is advertising or spam.")
    assert str(comment.pk) not in page.request.get(public).text()
    assert pages.page_errors == []


def test_a_manager_creates_an_offer_with_a_budget(pages, world):
    page = pages.open()
    sign_in(page, world.manager)
    page.goto(reverse("admin:rewards_offer_add"))
    assert_accessible(page)
    page.get_by_label("Venue").select_option(label=str(world.venue))
    page.get_by_label("Title:", exact=True).fill("Every 5th visit: a free coffee")
    page.get_by_label("Rule").select_option("nth_checkin")
    page.get_by_label("Every n").fill("5")
    page.get_by_label("Voucher title:", exact=True).fill("Free coffee")
    page.get_by_label("Max rewards").fill("200")
    pages.screenshot(page, "offer-form")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    pages.screenshot(page, "offers")
    offer = Offer.objects.get(title="Every 5th visit: a free coffee")
    assert (offer.venue, offer.every_n, offer.max_rewards) == (world.venue, 5, 200)
    assert pool_account(offer).min_balance == -200  # the budget is the pool's limit

    page.goto(reverse("admin:rewards_offer_add"))
    page.get_by_label("Venue").select_option(label=str(world.venue))
    page.get_by_label("Title:", exact=True).fill("Broken")
    page.get_by_label("Rule").select_option("nth_checkin")  # and no "every n"
    page.get_by_label("Points:", exact=True).fill("5")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errorlist").first).to_be_visible()
    pages.screenshot(page, "offer-refused")
    assert not Offer.objects.filter(title="Broken").exists()
    assert pages.page_errors == []


def test_a_manager_of_one_venue_gets_404_on_another_venues_page(pages, world):
    page = pages.open()
    sign_in(page, world.manager)
    answer = page.goto(reverse("admin:venues_venue_change", args=[world.other_venue.pk]))
    assert answer.status == 404
    listed = page.goto(reverse("admin:venues_venue_changelist"))
    assert listed.status == 200
    assert page.get_by_role("link", name=world.other_venue.name).count() == 0


def test_a_resident_is_refused_by_the_back_office_with_a_clear_page(pages, world):
    page = pages.open()
    sign_in(page, world.resident)
    expect(
        page.get_by_role("heading", name="The back office is for council and venue staff")
    ).to_be_visible()
    assert_accessible(page)
    pages.screenshot(page, "refused")


def test_a_superuser_groups_two_councils_into_one_points_scheme(pages, world):
    bradford = CouncilFactory(name="Bradford Council")
    wakefield = CouncilFactory(name="Wakefield Council")
    give_points(world.resident, 20, council=bradford)
    give_points(world.resident, 5, council=wakefield)
    page = pages.open()
    sign_in(page, world.superuser)

    page.get_by_role("link", name="Points schemes").click()
    expect(page.get_by_role("heading", name="Select points scheme to change")).to_be_visible()
    assert_accessible(page)
    pages.screenshot(page, "schemes")
    page.get_by_role("link", name="Add points scheme").click()
    page.get_by_label("Name:").fill("West Yorkshire Libraries")
    page.get_by_role("checkbox", name="Bradford Council").check()
    page.get_by_role("checkbox", name="Wakefield Council").check()
    assert_accessible(page)
    pages.screenshot(page, "scheme-form")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text("was added successfully")).to_be_visible()
    row = page.locator("#result_list tr", has_text="West Yorkshire Libraries")
    expect(row.locator(".field-member_councils")).to_have_text(
        "Bradford Council, Wakefield Council"
    )
    expect(row.locator(".field-points_outstanding")).to_have_text("25")
    assert_accessible(page)
    pages.screenshot(page, "schemes-grouped")
    balances = {row["name"]: row["points"] for row in points_balances(world.resident)}
    assert balances["West Yorkshire Libraries"] == 25
    assert "Bradford Council" not in balances and "Wakefield Council" not in balances

    page.get_by_role("link", name="Merged into another").click()
    page.get_by_role("link", name="Bradford Council").click()
    expect(page.locator(".field-merged_note")).to_contain_text("West Yorkshire Libraries")
    assert page.get_by_role("button", name="Save", exact=True).count() == 0
    assert_accessible(page)
    pages.screenshot(page, "merged-scheme")
    assert pages.page_errors == []
