"""Staff check someone in at the desk (API.md: ``POST /api/v1/checkins/assisted/``): by member
code or email, with the same cooldown, travel and reward rules, recorded as ``staff`` with who
did it."""

import pytest

from accounts.member_codes import member_code_of
from checkins.models import CheckIn, CheckinAttempt
from tests.api import error, success
from tests.checkins.helpers import LEEDS, gps, hot_drink_offer, points_offer
from tests.conftest import client_for
from tests.factories import (
    UserFactory,
    VenueFactory,
    council_admin_of,
    venue_manager_of,
    venue_staff_of,
)

pytestmark = pytest.mark.django_db

ASSISTED = "/api/v1/checkins/assisted/"


@pytest.fixture
def venue():
    return VenueFactory(name="Leeds Central Library", latitude=LEEDS[0], longitude=LEEDS[1])


@pytest.fixture
def staff(venue):
    return venue_staff_of(venue)


@pytest.fixture
def desk(staff):
    return client_for(staff)


@pytest.fixture
def resident():
    return UserFactory(display_name="Rosa", email="rosa@example.org")


def assisted(venue, who) -> dict:
    return {"venue": str(venue.id), "resident": who}


def test_staff_check_someone_in_by_member_code_and_it_pays_like_any_check_in(
    desk, staff, venue, resident
):
    points = points_offer(venue)
    drink = hot_drink_offer(venue, accepts=["location", "desk_screen", "staff"])
    code = member_code_of(user=resident)

    body = success(desk, "post", ASSISTED, assisted(venue, code.lower()), status=201).json()

    assert (body["method"], body["evidence"], body["venue"]) == ("staff", "staff", str(venue.id))
    assert body["points_earned"] == 10
    assert {reward["offer"] for reward in body["rewards"]} == {str(points.id), str(drink.id)}
    checkin = CheckIn.objects.get()
    assert (checkin.resident, checkin.assisted_by) == (resident, staff)


@pytest.mark.parametrize("typed", ["rosa@example.org", "  ROSA@Example.org "])
def test_or_by_email_in_any_case(desk, venue, resident, typed):
    body = success(desk, "post", ASSISTED, assisted(venue, typed), status=201).json()
    assert CheckIn.objects.get(pk=body["id"]).resident == resident


def test_a_member_code_typed_with_spaces_or_without_its_dash_works(desk, venue, resident):
    code = member_code_of(user=resident).replace("-", " ")
    success(desk, "post", ASSISTED, assisted(venue, code), status=201)


def test_managers_and_council_admins_may_too(venue, resident, clock):
    for user in (venue_manager_of(venue), council_admin_of(venue.council)):
        success(client_for(user), "post", ASSISTED, assisted(venue, resident.email), status=201)
        clock.advance(hours=5)
    assert CheckIn.objects.count() == 2


def test_an_unknown_member_or_email_is_not_found(desk, venue):
    for who in ("ABCD-EFGH", "nobody@example.org", "x"):
        error(desk, "post", ASSISTED, assisted(venue, who), status=404, code="not_found")
    assert not CheckIn.objects.exists()


def test_a_closed_account_is_not_found_either(desk, venue, resident):
    resident.is_active = False
    resident.save()
    error(desk, "post", ASSISTED, assisted(venue, resident.email), status=404, code="not_found")


def test_another_venues_staff_and_residents_are_refused_before_anyone_is_looked_up(venue, resident):
    for user in (venue_staff_of(VenueFactory()), UserFactory()):
        client = client_for(user)
        for who in (resident.email, "nobody@example.org"):  # the same answer either way
            error(
                client, "post", ASSISTED, assisted(venue, who), status=403, code="permission_denied"
            )
    assert not CheckIn.objects.exists() and not CheckinAttempt.objects.exists()


def test_staff_cannot_check_themselves_in(desk, staff, venue):
    error(desk, "post", ASSISTED, assisted(venue, staff.email), status=403, code="own_checkin")
    assert CheckinAttempt.objects.get().reason == "own_checkin"


def test_the_cooldown_holds_whoever_checks_in(desk, staff, venue, resident):
    success(client_for(resident), "post", "/api/v1/checkins/", gps(venue), status=201)
    body = error(
        desk, "post", ASSISTED, assisted(venue, resident.email), status=409, code="cooldown"
    )
    assert body["retry_after"] > 0
    refusal = CheckinAttempt.objects.get()
    assert (refusal.resident, refusal.assisted_by, refusal.method) == (
        resident,
        staff,
        "staff",
    )


def test_impossible_travel_holds_too(desk, venue, resident, clock):
    york = VenueFactory(latitude=53.9591, longitude=-1.0815)
    success(client_for(resident), "post", "/api/v1/checkins/", gps(york), status=201)
    clock.advance(minutes=5)
    error(
        desk,
        "post",
        ASSISTED,
        assisted(venue, resident.email),
        status=400,
        code="impossible_travel",
    )


def test_an_inactive_venue_is_refused(desk, venue, resident):
    venue.is_active = False
    venue.save()
    error(
        desk, "post", ASSISTED, assisted(venue, resident.email), status=400, code="venue_inactive"
    )


def test_a_retry_with_the_same_key_checks_in_once(desk, venue, resident):
    first = success(
        desk,
        "post",
        ASSISTED,
        assisted(venue, resident.email),
        status=201,
        HTTP_IDEMPOTENCY_KEY="desk-1",
    ).json()
    again = success(
        desk,
        "post",
        ASSISTED,
        assisted(venue, resident.email),
        status=201,
        HTTP_IDEMPOTENCY_KEY="desk-1",
    ).json()
    assert first == again and CheckIn.objects.count() == 1


def test_bad_input_is_invalid(desk, venue):
    error(desk, "post", ASSISTED, {"venue": str(venue.id)}, status=400, code="invalid")
    error(desk, "post", ASSISTED, {"resident": "x"}, status=400, code="invalid")
    error(
        desk,
        "post",
        ASSISTED,
        {"venue": "00000000-0000-0000-0000-000000000000", "resident": "x"},
        status=400,
        code="invalid",
    )
