"""A parent checks a child in (issue 25): with ``for_child`` on the API, from the poster page,
or by the child's member code at the desk. The check-in, its points and vouchers are the
child's, not the parent's; no coordinates are kept for anyone under 18."""

import pytest
from django.utils import timezone

from accounts.children.services import child_add
from accounts.member_codes import member_code_of
from checkins.models import CheckIn, CheckinAttempt
from rewards.models import Voucher
from rewards.schemes.selectors import points_balances
from tests.api import error, success
from tests.checkins.helpers import CHECKINS, LEEDS, gps, hot_drink_offer, points_offer
from tests.conftest import client_for
from tests.factories import UserFactory, VenueFactory, venue_staff_of
from tests.residents.helpers import signed_in
from venues.posters.services import poster_create

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


@pytest.fixture
def venue():
    return VenueFactory(name="Leeds Central Library", latitude=LEEDS[0], longitude=LEEDS[1])


@pytest.fixture
def parent():
    return UserFactory(display_name="Pat", birth_year=THIS_YEAR - 38)


@pytest.fixture
def sam(parent):
    return child_add(parent=parent, first_name="Sam", birth_year=THIS_YEAR - 8)


@pytest.fixture
def alex(parent):
    return child_add(parent=parent, first_name="Alex", birth_year=THIS_YEAR - 11)


def points_of(user) -> int:
    return sum(balance["points"] for balance in points_balances(user))


def test_the_childs_points_are_the_childs_not_the_parents(parent, sam, venue):
    points_offer(venue, points=10)
    body = success(
        client_for(parent), "post", CHECKINS, {**gps(venue), "for_child": str(sam.pk)}, status=201
    ).json()
    assert body["points_earned"] == 10
    checkin = CheckIn.objects.get(pk=body["id"])
    assert checkin.resident == sam
    assert (points_of(sam), points_of(parent)) == (10, 0)
    wallet = success(client_for(parent), "get", f"/api/v1/me/children/{sam.pk}/wallet/").json()
    assert (wallet["first_name"], wallet["points_balance"]) == ("Sam", 10)
    assert [entry["amount"] for entry in wallet["statement"]] == [10]
    assert success(client_for(parent), "get", "/api/v1/me/").json()["points_balance"] == 0


def test_the_childs_voucher_is_the_childs(parent, sam, venue):
    hot_drink_offer(venue)
    success(
        client_for(parent), "post", CHECKINS, {**gps(venue), "for_child": str(sam.pk)}, status=201
    )
    assert Voucher.objects.get().resident == sam
    wallet = success(client_for(parent), "get", f"/api/v1/me/children/{sam.pk}/wallet/").json()
    assert [voucher["title"] for voucher in wallet["vouchers"]] == ["Free hot drink"]
    assert success(client_for(parent), "get", "/api/v1/me/vouchers/").json()["count"] == 0


def test_no_coordinates_stored_for_the_childs_checkin(parent, sam, venue):
    body = success(
        client_for(parent),
        "post",
        CHECKINS,
        {**gps(venue, metres=20), "for_child": str(sam.pk)},
        status=201,
    ).json()
    checkin = CheckIn.objects.get(pk=body["id"])
    assert (checkin.latitude, checkin.longitude, checkin.accuracy_m) == (None, None, None)
    assert checkin.venue == venue and checkin.evidence == "location"


def test_the_fix_still_verifies_the_childs_checkin_and_a_refusal_keeps_no_place(parent, sam, venue):
    error(
        client_for(parent),
        "post",
        CHECKINS,
        {**gps(venue, metres=5_000), "for_child": str(sam.pk)},
        status=400,
        code="outside_geofence",
    )
    attempt = CheckinAttempt.objects.get()
    assert attempt.resident == sam
    assert (attempt.latitude, attempt.longitude, attempt.accuracy_m) == (None, None, None)


def test_a_teenagers_own_checkin_keeps_no_coordinates(venue):
    teen = UserFactory(birth_year=THIS_YEAR - 15)
    body = success(client_for(teen), "post", CHECKINS, gps(venue, metres=10), status=201).json()
    checkin = CheckIn.objects.get(pk=body["id"])
    assert (checkin.latitude, checkin.longitude, checkin.accuracy_m) == (None, None, None)


def test_an_adults_checkin_keeps_its_fix_as_before(parent, venue):
    body = success(client_for(parent), "post", CHECKINS, gps(venue, metres=10), status=201).json()
    assert CheckIn.objects.get(pk=body["id"]).latitude is not None


def test_someone_elses_child_cannot_be_checked_in(venue):
    other_child = child_add(parent=UserFactory(), first_name="Kim", birth_year=THIS_YEAR - 6)
    body = error(
        client_for(UserFactory()),
        "post",
        CHECKINS,
        {**gps(venue), "for_child": str(other_child.pk)},
        status=400,
        code="invalid",
    )
    assert "for_child" in body["fields"]
    assert not CheckIn.objects.exists()


def test_parent_adds_two_children_checks_one_in_from_the_poster_page(parent, venue):
    points_offer(venue, points=5)
    poster = poster_create(venue=venue, label="Entrance", created_by=None)
    browser = signed_in(parent)
    for name, years in (("Sam", 8), ("Alex", 11)):
        browser.post("/family/", {"first_name": name, "birth_year": THIS_YEAR - years})
    sam = parent.children.get(display_name="Sam")
    page = browser.get(f"/q/{poster.token}").content.decode()
    assert "Who is checking in?" in page
    assert "Sam" in page and "Alex" in page
    assert "data-location-opt-in" in page  # the location is asked for only if chosen

    answer = browser.post(f"/q/{poster.token}", {"for_child": str(sam.pk)})
    assert answer.status_code == 303
    result = browser.get(answer["Location"]).content.decode()
    assert "Sam has checked in" in result
    checkin = CheckIn.objects.get()
    assert checkin.resident == sam and checkin.evidence == "poster"
    assert (points_of(sam), points_of(parent)) == (5, 0)
    assert 'name="body"' not in result  # no comment form for a child's visit


def test_staff_check_a_child_in_at_the_desk_by_the_childs_member_code(sam, venue):
    points_offer(venue, points=3)
    desk = client_for(venue_staff_of(venue))
    body = success(
        desk,
        "post",
        "/api/v1/checkins/assisted/",
        {"venue": str(venue.id), "resident": member_code_of(user=sam)},
        status=201,
    ).json()
    assert CheckIn.objects.get(pk=body["id"]).resident == sam
    assert points_of(sam) == 3


def test_a_closed_parents_token_checks_no_child_in(parent, sam, venue):
    client = client_for(parent)
    parent.is_active = False
    parent.save()
    response = client.post(CHECKINS, {**gps(venue), "for_child": str(sam.pk)}, format="json")
    assert response.status_code in (400, 401)
    assert not CheckIn.objects.exists()
