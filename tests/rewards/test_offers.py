"""Offers: each rule rewards exactly when it should, budgets and limits hold, who may manage."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from rewards.ledger.models import LedgerAccount
from rewards.models import Offer, RewardGrant, Voucher
from rewards.offers import offer_create, pool_account
from tests.api import error, success
from tests.concurrency import run_in_parallel
from tests.conftest import client_for, postgres_only
from tests.factories import (
    UserFactory,
    VenueFactory,
    council_admin_of,
    venue_manager_of,
    venue_staff_of,
)

pytestmark = pytest.mark.django_db

CHECKINS = "/api/v1/checkins/"


def gps(venue):
    return {
        "venue": str(venue.id),
        "latitude": venue.latitude,
        "longitude": venue.longitude,
        "accuracy_m": 10.0,
    }


@pytest.fixture(autouse=True)
def _no_cooldown(settings):
    settings.CHECKIN_COOLDOWN_SECONDS = 0


@pytest.fixture
def venue():
    return VenueFactory(radius_m=50)


@pytest.fixture
def resident():
    return UserFactory()


@pytest.fixture
def client(resident):
    return client_for(resident)


@pytest.fixture
def clock(monkeypatch):
    """The check-in service's clock, moved by the test: ``clock["now"] += timedelta(...)``."""
    state = {"now": timezone.now()}
    monkeypatch.setattr(timezone, "now", lambda: state["now"])
    return state


def make_offer(venue=None, *, council=None, **fields):
    fields = {"title": "Ten points", "rule": "every_checkin", "points": 10, **fields}
    return offer_create(council=council, venue=venue, created_by=None, **fields)


def check_in(client, venue, clock=None, *, days=1):
    if clock is not None:
        clock["now"] += timedelta(days=days)
    return success(client, "post", CHECKINS, gps(venue), status=201).json()


def rewarded(client, venue, clock, visits, *, days=1):
    """Which of ``visits`` check-ins (1-based, ``days`` apart) earned points."""
    return [n for n in range(1, visits + 1) if check_in(client, venue, clock, days=days)["rewards"]]


def audit_passes():
    call_command("ledger_audit")  # exits 1 (SystemExit) on any breach


class TestRules:
    def test_every_check_in_earns_and_the_response_says_so(self, client, venue, clock):
        offer = make_offer(venue)
        for _ in range(3):
            body = check_in(client, venue, clock)
            assert body["points_earned"] == 10
            assert body["rewards"] == [{"offer": str(offer.id), "kind": "points", "points": 10}]
        assert RewardGrant.objects.filter(offer=offer).count() == 3

    def test_first_check_in_rewards_once(self, client, venue, clock):
        make_offer(venue, rule="first_checkin")
        assert rewarded(client, venue, clock, 4) == [1]

    def test_nth_check_in_rewards_the_third_and_sixth(self, client, venue, clock):
        make_offer(venue, rule="nth_checkin", every_n=3)
        assert rewarded(client, venue, clock, 7) == [3, 6]

    def test_frequency_rewards_three_visits_within_the_window_then_needs_three_more(
        self, client, venue, clock
    ):
        make_offer(venue, rule="frequency", every_n=3, window_days=7)
        assert rewarded(client, venue, clock, 7, days=2) == [3, 6]

    def test_frequency_spread_too_thin_never_rewards(self, client, venue, clock):
        make_offer(venue, rule="frequency", every_n=3, window_days=7)
        assert rewarded(client, venue, clock, 4, days=5) == []

    def test_points_reach_the_balance_and_the_ledger_stays_sound(self, client, venue, clock):
        make_offer(venue, points=15)
        make_offer(venue, rule="first_checkin", points=100)
        check_in(client, venue, clock)
        check_in(client, venue, clock)
        assert success(client, "get", "/api/v1/me/").json()["points_balance"] == 130
        audit_passes()


class TestSchedulingAndScope:
    def test_offers_not_started_ended_or_inactive_do_not_reward(self, client, venue):
        now = timezone.now()
        make_offer(venue, starts_at=now + timedelta(hours=1))
        make_offer(venue, starts_at=now - timedelta(days=2), ends_at=now - timedelta(seconds=1))
        make_offer(venue, is_active=False)
        body = check_in(client, venue)
        assert (body["points_earned"], body["rewards"]) == (0, [])

    def test_a_running_window_rewards(self, client, venue):
        now = timezone.now()
        make_offer(venue, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1))
        assert check_in(client, venue)["points_earned"] == 10

    def test_a_council_offer_rewards_at_every_venue_of_the_council_only(self, client, venue):
        make_offer(council=venue.council, points=5)
        sibling = VenueFactory(council=venue.council, radius_m=50)
        elsewhere = VenueFactory(radius_m=50)  # another council, same place
        assert check_in(client, venue)["points_earned"] == 5
        assert check_in(client, sibling)["points_earned"] == 5
        assert check_in(client, elsewhere)["points_earned"] == 0

    def test_the_venue_lists_its_own_and_its_councils_live_offers(self, venue, api_client):
        own, council_wide = make_offer(venue), make_offer(council=venue.council)
        make_offer(VenueFactory(council=venue.council))
        make_offer(venue, is_active=False)
        body = success(api_client, "get", f"/api/v1/venues/{venue.id}/offers/").json()
        assert body["count"] == 2
        assert {row["id"] for row in body["results"]} == {str(own.id), str(council_wide.id)}
        row = next(row for row in body["results"] if row["id"] == str(own.id))
        assert (row["venue"], row["council"]) == (str(venue.id), venue.council.slug)
        assert (row["rewards_given"], row["budget_left"]) == (0, None)


class TestLimits:
    def test_the_cap_stops_rewards_but_not_check_ins(self, venue):
        offer = make_offer(venue, max_rewards=2)
        earned = [check_in(client_for(UserFactory()), venue)["points_earned"] for _ in range(4)]
        assert earned == [10, 10, 0, 0]
        pool = LedgerAccount.objects.get(pk=pool_account(offer).pk)
        assert pool.balance == pool.min_balance == -20
        body = success(APIClient(), "get", f"/api/v1/venues/{venue.id}/offers/").json()
        assert (body["results"][0]["rewards_given"], body["results"][0]["budget_left"]) == (2, 0)
        audit_passes()

    def test_per_user_limit_counts_each_resident_apart(self, client, venue, clock):
        make_offer(venue, per_user_limit=2)
        assert rewarded(client, venue, clock, 3) == [1, 2]
        assert check_in(client_for(UserFactory()), venue)["points_earned"] == 10

    def test_a_voucher_offer_issues_a_voucher(self, client, resident, venue):
        offer = make_offer(venue, points=0, voucher_title="Free coffee", voucher_valid_days=30)
        body = check_in(client, venue)
        voucher = Voucher.objects.get(resident=resident)
        assert body["points_earned"] == 0
        assert body["rewards"] == [
            {"offer": str(offer.id), "kind": "voucher", "voucher": str(voucher.id)}
        ]
        assert (voucher.status, voucher.title, voucher.venue, voucher.offer) == (
            "issued",
            "Free coffee",
            venue,
            offer,
        )
        assert voucher.expires_at - voucher.issued_at == timedelta(days=30)
        assert voucher.stripe_promotion_code == ""
        audit_passes()

    def test_a_capped_voucher_offer_stops_at_its_cap(self, venue):
        make_offer(venue, points=0, voucher_title="Free coffee", max_rewards=1)
        first, second = (check_in(client_for(UserFactory()), venue) for _ in range(2))
        assert (len(first["rewards"]), second["rewards"]) == (1, [])
        assert Voucher.objects.count() == 1

    def test_raising_the_cap_reopens_the_budget_and_lowering_under_given_is_refused(self, venue):
        offer = make_offer(venue, max_rewards=1)
        manager = client_for(venue_manager_of(venue))
        check_in(client_for(UserFactory()), venue)
        assert check_in(client_for(UserFactory()), venue)["points_earned"] == 0
        body = success(manager, "patch", f"/api/v1/offers/{offer.id}/", {"max_rewards": 2}).json()
        assert (body["rewards_given"], body["budget_left"]) == (1, 1)
        assert check_in(client_for(UserFactory()), venue)["points_earned"] == 10
        refusal = error(
            manager,
            "patch",
            f"/api/v1/offers/{offer.id}/",
            {"max_rewards": 1},
            status=400,
            code="invalid",
        )
        assert "max_rewards" in refusal["fields"]
        assert pool_account(offer).min_balance == -20
        audit_passes()


VALID = {"title": "Ten points", "rule": "every_checkin", "points": 10}


class TestManagingOffers:
    def test_the_venue_manager_creates_a_venue_offer(self, venue):
        manager = venue_manager_of(venue)
        body = success(
            client_for(manager),
            "post",
            "/api/v1/offers/",
            {**VALID, "venue": str(venue.id), "max_rewards": 3},
            status=201,
        ).json()
        offer = Offer.objects.get(id=body["id"])
        assert (offer.venue, offer.council, offer.created_by) == (venue, venue.council, manager)
        assert (body["council"], body["budget_left"], body["rewards_given"]) == (
            venue.council.slug,
            3,
            0,
        )
        assert pool_account(offer).min_balance == -30

    def test_the_council_admin_creates_a_council_offer_once_per_key(self, venue):
        admin = client_for(council_admin_of(venue.council))
        data = {**VALID, "council": venue.council.slug}
        for _ in range(2):
            success(admin, "post", "/api/v1/offers/", data, status=201, HTTP_IDEMPOTENCY_KEY="k1")
        offer = Offer.objects.get()
        assert (offer.venue, offer.council) == (None, venue.council)

    @pytest.mark.parametrize(
        "who", ["resident", "venue_staff", "other_manager", "other_admin", "manager_for_council"]
    )
    def test_those_without_the_role_are_refused(self, venue, who):
        other = VenueFactory()
        user, data = {
            "resident": (UserFactory(), {"venue": str(venue.id)}),
            "venue_staff": (venue_staff_of(venue), {"venue": str(venue.id)}),
            "other_manager": (venue_manager_of(other), {"venue": str(venue.id)}),
            "other_admin": (council_admin_of(other.council), {"council": venue.council.slug}),
            "manager_for_council": (venue_manager_of(venue), {"council": venue.council.slug}),
        }[who]
        client = client_for(user)
        error(
            client,
            "post",
            "/api/v1/offers/",
            {**VALID, **data},
            status=403,
            code="permission_denied",
        )
        offer = make_offer(venue if "venue" in data else None, council=venue.council)
        error(
            client,
            "patch",
            f"/api/v1/offers/{offer.id}/",
            {"points": 1},
            status=403,
            code="permission_denied",
        )
        assert Offer.objects.get().points == 10

    def test_anonymous_callers_are_refused(self, venue, api_client):
        offer = make_offer(venue)
        data = {**VALID, "venue": str(venue.id)}
        error(api_client, "post", "/api/v1/offers/", data, status=401, code="not_authenticated")
        error(
            api_client,
            "patch",
            f"/api/v1/offers/{offer.id}/",
            {"points": 1},
            status=401,
            code="not_authenticated",
        )

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"voucher_title": "Coffee"}, "points"),
            ({"points": 0}, "points"),
            ({"stripe_coupon_id": "co_1"}, "stripe_coupon_id"),
            ({"rule": "nth_checkin"}, "every_n"),
            ({"rule": "frequency", "every_n": 3}, "window_days"),
            ({"starts_at": "2030-01-02T00:00:00Z", "ends_at": "2030-01-01T00:00:00Z"}, "ends_at"),
            ({"max_rewards": 0}, "max_rewards"),
            ({"rule": "sometimes"}, "rule"),
        ],
    )
    def test_invalid_offers_are_refused_with_the_field(self, venue, changes, field):
        manager = client_for(venue_manager_of(venue))
        body = error(
            manager,
            "post",
            "/api/v1/offers/",
            {**VALID, "venue": str(venue.id), **changes},
            status=400,
            code="invalid",
        )
        assert field in body["fields"], body
        assert not Offer.objects.exists()
        offer = make_offer(venue)
        body = error(
            manager, "patch", f"/api/v1/offers/{offer.id}/", changes, status=400, code="invalid"
        )
        assert field in body["fields"], body

    def test_a_venue_offer_in_another_council_is_refused(self, venue):
        admin = client_for(council_admin_of(venue.council))
        other = VenueFactory()
        body = error(
            client_for(venue_manager_of(other)),
            "post",
            "/api/v1/offers/",
            {**VALID, "venue": str(other.id), "council": venue.council.slug},
            status=400,
            code="invalid",
        )
        assert "council" in body["fields"]
        error(admin, "post", "/api/v1/offers/", VALID, status=400, code="invalid")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_capped_offer_never_overpays_under_a_rush(settings):
    """24 residents at once against a cap of 5: the pool's limit decides, no count-then-award."""
    venue = VenueFactory(radius_m=50)
    offer = make_offer(venue, max_rewards=5)
    residents = UserFactory.create_batch(24)

    def work(index):
        return client_for(residents[index]).post(CHECKINS, gps(venue), format="json")

    responses = run_in_parallel(24, work)
    assert [getattr(r, "status_code", r) for r in responses] == [201] * 24
    assert sum(r.json()["points_earned"] for r in responses) == 50
    assert RewardGrant.objects.filter(offer=offer).count() == 5
    pool = LedgerAccount.objects.get(pk=pool_account(offer).pk)
    assert pool.balance == pool.min_balance == -50
    audit_passes()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_per_user_limit_holds_across_venues_at_once(settings):
    """One resident at six neighbouring venues at once: the resident's row lock serialises the
    check-ins, so the per-user limit of a council-wide offer is counted once."""
    settings.CHECKIN_COOLDOWN_SECONDS = 14400
    first = VenueFactory(radius_m=50)
    venues = [first] + [
        VenueFactory(council=first.council, radius_m=50, longitude=first.longitude + n * 0.0001)
        for n in range(1, 6)
    ]  # ~7 m apart: no impossible travel
    offer = make_offer(council=first.council, per_user_limit=1)
    resident = UserFactory()

    def work(index):
        return client_for(resident).post(CHECKINS, gps(venues[index]), format="json")

    responses = run_in_parallel(6, work)
    assert [getattr(r, "status_code", r) for r in responses] == [201] * 6
    assert sum(r.json()["points_earned"] for r in responses) == 10
    assert RewardGrant.objects.filter(offer=offer, resident=resident).count() == 1
    audit_passes()
