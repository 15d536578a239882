"""Redeeming vouchers by staff, and the races of claims and redemptions (PostgreSQL)."""

import threading
import time
import uuid

import pytest
from django.core.management import call_command

from backend.errors import ApplicationError
from rewards.catalog.services import catalog_claim, catalog_item_create
from rewards.models import Voucher
from rewards.vouchers.services import vouchers_expire_lapsed
from rewards.wallet.selectors import points_balance
from tests.api import error, success
from tests.concurrency import run_in_parallel
from tests.conftest import client_for, postgres_only
from tests.factories import (
    CouncilFactory,
    RoleFactory,
    UserFactory,
    VenueFactory,
    council_admin_of,
    venue_staff_of,
)
from tests.rewards.helpers import give_points, issued_voucher, lapse
from venues.models import Role

REDEEM = "/api/v1/vouchers/redeem/"


@pytest.fixture
def voucher(resident, item):
    return issued_voucher(resident, item)


def typed(code: str) -> str:
    """The code as staff might type it: lower case, no dash, stray spaces."""
    return f" {code.replace('-', '').lower()} "


# --- Redemption through the API ---


def test_staff_redeem_a_voucher_once(voucher, venue):
    staff = venue_staff_of(venue)
    client = client_for(staff)

    body = success(client, "post", REDEEM, {"code": typed(voucher.code)}).json()

    assert body["id"] == str(voucher.pk) and body["status"] == "redeemed"
    voucher.refresh_from_db()
    assert voucher.status == "redeemed" and voucher.redeemed_by == staff
    assert voucher.redeemed_venue == venue and voucher.redeemed_at is not None
    error(client, "post", REDEEM, {"code": voucher.code}, status=409, code="already_redeemed")
    call_command("ledger_audit")


def test_an_expired_voucher_is_refused_as_gone(voucher, venue):
    lapse(voucher)
    client = client_for(venue_staff_of(venue))

    error(client, "post", REDEEM, {"code": voucher.code}, status=410, code="voucher_expired")
    voucher.refresh_from_db()
    assert voucher.status == "issued"  # the refusal settles nothing; the expiry job does

    assert vouchers_expire_lapsed() == 1
    error(client, "post", REDEEM, {"code": voucher.code}, status=410, code="voucher_expired")


def test_another_venues_staff_are_refused(voucher, venue):
    other_venue = VenueFactory(council=venue.council)
    client = client_for(venue_staff_of(other_venue))

    error(client, "post", REDEEM, {"code": voucher.code}, status=403, code="permission_denied")
    body = {"code": voucher.code, "venue": str(other_venue.pk)}
    error(client, "post", REDEEM, body, status=403, code="permission_denied")
    voucher.refresh_from_db()
    assert voucher.status == "issued"


def test_another_councils_staff_are_refused_a_council_voucher(resident):
    council = CouncilFactory()
    VenueFactory(council=council)
    item = catalog_item_create(council=council, title="Swim", cost_points=10)
    voucher = issued_voucher(resident, item)
    client = client_for(venue_staff_of(VenueFactory()))

    error(client, "post", REDEEM, {"code": voucher.code}, status=403, code="permission_denied")


def test_a_council_voucher_is_redeemed_at_any_venue_of_its_council(resident):
    council = CouncilFactory()
    item = catalog_item_create(council=council, title="Swim", cost_points=10)
    voucher = issued_voucher(resident, item)
    venue = VenueFactory(council=council)

    success(client_for(venue_staff_of(venue)), "post", REDEEM, {"code": voucher.code})

    voucher.refresh_from_db()
    assert voucher.redeemed_venue == venue


def test_staff_of_several_venues_say_where_they_redeem(resident):
    council = CouncilFactory()
    first, second = VenueFactory(council=council), VenueFactory(council=council)
    staff = venue_staff_of(first)
    RoleFactory(user=staff, council=council, venue=second, role=Role.Kind.VENUE_STAFF)
    voucher = issued_voucher(
        resident, catalog_item_create(council=council, title="S", cost_points=1)
    )
    client = client_for(staff)

    error(client, "post", REDEEM, {"code": voucher.code}, status=400, code="invalid")
    success(client, "post", REDEEM, {"code": voucher.code, "venue": str(second.pk)})

    voucher.refresh_from_db()
    assert voucher.redeemed_venue == second


def test_a_council_admin_redeems_a_venue_voucher(voucher, venue):
    success(client_for(council_admin_of(venue.council)), "post", REDEEM, {"code": voucher.code})


def test_an_unknown_code_is_not_found(venue):
    client = client_for(venue_staff_of(venue))

    error(client, "post", REDEEM, {"code": "ZZZZ-ZZZZ"}, status=404, code="not_found")


def test_a_resident_cannot_redeem(voucher, resident, api_client):
    for caller in (resident, UserFactory()):
        body = {"code": voucher.code}
        error(client_for(caller), "post", REDEEM, body, status=403, code="permission_denied")
    error(api_client, "post", REDEEM, {"code": voucher.code}, status=401, code="not_authenticated")
    voucher.refresh_from_db()
    assert voucher.status == "issued"


def test_a_void_voucher_is_refused_as_gone(voucher, venue):
    Voucher.objects.filter(pk=voucher.pk).update(status="void")
    client = client_for(venue_staff_of(venue))

    error(client, "post", REDEEM, {"code": voucher.code}, status=410, code="voucher_expired")


# --- Races (PostgreSQL: real row locks) ---


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_redemptions_of_one_voucher_redeem_it_once():
    """8 staff scanning the same code at once: the voucher row lock lets one through."""
    venue = VenueFactory()
    item = catalog_item_create(council=venue.council, venue=venue, title="T", cost_points=5)
    voucher = issued_voucher(UserFactory(), item)
    staff = [venue_staff_of(venue) for _ in range(8)]

    def redeem(index):
        response = client_for(staff[index]).post(REDEEM, {"code": voucher.code}, format="json")
        return response.status_code, response.json().get("code")

    outcomes = run_in_parallel(8, redeem)

    assert sorted(status for status, _ in outcomes) == [200] + [409] * 7, outcomes
    assert {code for status, code in outcomes if status == 409} == {"already_redeemed"}
    call_command("ledger_audit")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_claims_with_points_for_one_issue_one_voucher():
    """One resident, points for one item, 6 claims at once: the lots' lock spends them once."""
    venue = VenueFactory()
    item = catalog_item_create(council=venue.council, title="T", cost_points=40)
    resident = UserFactory()
    give_points(resident, 70, council=item.council)

    def claim(index):
        response = client_for(resident).post(f"/api/v1/catalog/{item.pk}/claim/")
        return response.status_code, response.json().get("code")

    outcomes = run_in_parallel(6, claim)

    assert sorted(status for status, _ in outcomes) == [201] + [400] * 5, outcomes
    assert {code for status, code in outcomes if status == 400} == {"insufficient_points"}
    assert Voucher.objects.filter(resident=resident).count() == 1
    assert points_balance(resident) == 30
    call_command("ledger_audit")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_last_unit_claimed_by_six_at_once_goes_to_one():
    """The stock account's limit is checked under its row lock: one unit, one voucher."""
    venue = VenueFactory()
    item = catalog_item_create(council=venue.council, title="Last", cost_points=10, stock=1)
    residents = [UserFactory() for _ in range(6)]
    for resident in residents:
        give_points(resident, 25, council=item.council)

    def claim(index):
        try:
            catalog_claim(resident=residents[index], item=item, idempotency_key=uuid.uuid4().hex)
        except ApplicationError as exc:
            return exc.code
        return "claimed"

    outcomes = run_in_parallel(6, claim)

    assert sorted(outcomes) == ["claimed"] + ["out_of_stock"] * 5, outcomes
    assert Voucher.objects.filter(catalog_item=item).count() == 1
    balances = sorted(points_balance(resident) for resident in residents)
    assert balances == [15] + [25] * 5
    call_command("ledger_audit")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_claim_sent_six_times_at_once_answers_each_with_the_same_voucher(monkeypatch):
    """A double-submitted claim (one key) with points for one: the requests that waited for the
    lots' lock replay the claim that committed meanwhile, instead of calling it unaffordable."""
    from rewards.wallet import services as wallet_services

    real_post, first = wallet_services.ledger_post, threading.Lock()

    def slow_first_post(**kwargs):
        if first.acquire(blocking=False):  # the first claim holds the lots' lock a while,
            time.sleep(0.5)  # so the others have looked for the key and queue behind it
        return real_post(**kwargs)

    monkeypatch.setattr(wallet_services, "ledger_post", slow_first_post)
    venue = VenueFactory()
    item = catalog_item_create(council=venue.council, title="T", cost_points=40, stock=1)
    resident = UserFactory()
    give_points(resident, 40, council=item.council)

    def claim(index):
        try:
            return catalog_claim(resident=resident, item=item, idempotency_key="one-form").pk
        except ApplicationError as exc:
            return exc.code

    outcomes = run_in_parallel(6, claim)

    voucher = Voucher.objects.get(resident=resident)
    assert outcomes == [voucher.pk] * 6, outcomes
    assert points_balance(resident) == 0
    call_command("ledger_audit")
