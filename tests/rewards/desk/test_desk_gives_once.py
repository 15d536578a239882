"""The desk gives once: outcomes that cannot be mistaken (a green "Give: <what>" or a red "Do
not give" and why, in words, not colour alone), a double tap that answers "Give" twice and
redeems once, today's redemptions at the venue and their undo."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rewards.catalog.services import catalog_item_create
from rewards.models import Voucher
from rewards.vouchers.redemption import voucher_redeem
from tests.factories import UserFactory, VenueFactory, venue_manager_of, venue_staff_of
from tests.rewards.helpers import issued_voucher

pytestmark = pytest.mark.django_db


@pytest.fixture
def venue():
    return VenueFactory(name="Leeds Central Library")


@pytest.fixture
def voucher(venue):
    item = catalog_item_create(
        council=venue.council, venue=venue, title="Free hot drink", cost_points=5, stock=20
    )
    return issued_voucher(UserFactory(display_name="Rosa Resident"), item)


@pytest.fixture
def staff(venue):
    return venue_staff_of(venue)


@pytest.fixture
def desk(client, staff):
    client.force_login(staff)
    return client


def attempt_of(page) -> str:
    return re.search(r'name="attempt" value="([0-9a-f]+)"', page.content.decode()).group(1)


def outcome(page) -> str:
    html = re.search(r'<div class="outcome.*?</div>', page.content.decode(), re.S).group(0)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_redemption_says_give_and_what_in_green_with_an_icon(desk, voucher):
    page = desk.post("/desk/", {"code": voucher.code, "attempt": attempt_of(desk.get("/desk/"))})
    html = page.content.decode()
    assert 'class="outcome outcome--give"' in html
    assert "Give: Free hot drink" in outcome(page)
    assert 'class="outcome__icon" aria-hidden="true">&#10004;' in html
    assert 'id="outcome-heading" tabindex="-1"' in html  # the focus goes to the words


@pytest.mark.parametrize(
    "code, reason",
    [("already", "Already redeemed"), ("ZZZZ-ZZZZ", "Unknown code")],
)
def test_a_refusal_says_do_not_give_and_why_in_red(desk, voucher, staff, code, reason):
    if code == "already":
        voucher_redeem(code=voucher.code, staff=staff)
        code = voucher.code
    page = desk.post("/desk/", {"code": code})
    assert 'class="outcome outcome--refuse"' in page.content.decode()
    words = outcome(page)
    assert "Do not give" in words
    assert reason in words and "Give:" not in words


def test_a_double_tap_answers_give_twice_and_redeems_once(desk, voucher):
    attempt = attempt_of(desk.get("/desk/"))
    first = desk.post("/desk/", {"code": voucher.code, "attempt": attempt})
    second = desk.post("/desk/", {"code": voucher.code, "attempt": attempt})
    assert first.status_code == second.status_code == 200
    assert "Give: Free hot drink" in outcome(first) and "Give: Free hot drink" in outcome(second)
    assert Voucher.objects.get().status == "redeemed"
    third = desk.post("/desk/", {"code": voucher.code, "attempt": attempt_of(second)})
    assert third.status_code == 409 and "Already redeemed" in outcome(third)


def test_each_page_carries_a_fresh_attempt(desk):
    assert attempt_of(desk.get("/desk/")) != attempt_of(desk.get("/desk/"))


def test_todays_redemptions_at_this_venue_are_listed_with_undo_for_their_redeemer(
    desk, voucher, venue, staff
):
    elsewhere = VenueFactory(council=venue.council)
    item = catalog_item_create(
        council=venue.council, venue=elsewhere, title="Elsewhere", cost_points=1
    )
    other_venue_voucher = issued_voucher(UserFactory(), item)
    voucher_redeem(code=voucher.code, staff=staff)
    voucher_redeem(code=other_venue_voucher.code, staff=venue_staff_of(other_venue_voucher.venue))
    html = desk.get("/desk/").content.decode()
    assert "Redeemed today at Leeds Central Library" in html
    today = html.split('id="today"')[1]
    assert "Free hot drink" in today and voucher.code in today and "Rosa Resident" in today
    assert "Elsewhere" not in today
    assert f'action="/desk/undo/{voucher.pk}/"' in today


def test_a_colleague_sees_the_redemption_without_undo_and_a_manager_with_it(
    client, voucher, venue, staff
):
    voucher_redeem(code=voucher.code, staff=staff)
    client.force_login(venue_staff_of(venue))
    assert f"/desk/undo/{voucher.pk}/" not in client.get("/desk/").content.decode()
    client.force_login(venue_manager_of(venue))
    assert f"/desk/undo/{voucher.pk}/" in client.get("/desk/").content.decode()


def test_undo_from_the_list_makes_the_voucher_usable_again(desk, voucher, staff):
    voucher_redeem(code=voucher.code, staff=staff)
    page = desk.post(f"/desk/undo/{voucher.pk}/", follow=True)
    assert "Undone: Free hot drink" in page.content.decode()
    voucher.refresh_from_db()
    assert voucher.status == "issued"
    assert f"/desk/undo/{voucher.pk}/" not in page.content.decode()


def test_undo_after_the_window_says_so(desk, voucher, staff, clock, settings):
    settings.REDEEM_UNDO_MINUTES = 10
    voucher_redeem(code=voucher.code, staff=staff)
    clock.advance(minutes=11)
    assert f"/desk/undo/{voucher.pk}/" not in desk.get("/desk/").content.decode()
    page = desk.post(f"/desk/undo/{voucher.pk}/", follow=True)
    assert "Not undone: It is too late" in page.content.decode()
    voucher.refresh_from_db()
    assert voucher.status == "redeemed"


def test_after_a_refusal_the_next_code_is_a_new_attempt(desk, voucher):
    refused = desk.post("/desk/", {"code": "ZZZZ-ZZZZ", "attempt": attempt_of(desk.get("/desk/"))})
    assert "Unknown code" in outcome(refused)
    assert 'value="ZZZZ-ZZZZ"' in refused.content.decode()  # kept, to be corrected
    given = desk.post("/desk/", {"code": voucher.code, "attempt": attempt_of(refused)})
    assert "Give: Free hot drink" in outcome(given)


def test_todays_list_costs_the_same_whatever_its_length(desk, venue, staff):
    item = catalog_item_create(council=venue.council, venue=venue, title="Tea", cost_points=1)

    def redeem_some(count):
        for _ in range(count):
            voucher_redeem(code=issued_voucher(UserFactory(), item).code, staff=staff)

    redeem_some(2)
    with CaptureQueriesContext(connection) as few:
        desk.get("/desk/")
    redeem_some(8)
    with CaptureQueriesContext(connection) as many:
        page = desk.get("/desk/")
    assert page.content.decode().count("/desk/undo/") == 10
    assert len(many.captured_queries) == len(few.captured_queries)
