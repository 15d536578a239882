"""The catalog, claims, a resident's vouchers, their QR codes and redemption by staff."""

import io
import uuid
from datetime import timedelta

import pytest
import zxingcpp
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from rewards.catalog import catalog_claim, catalog_item_create
from rewards.models import Voucher
from rewards.redemption import vouchers_expire_lapsed
from rewards.wallet import points_balance, points_credit, sink_account
from tests.api import error, success
from tests.conftest import client_for
from tests.factories import (
    UserFactory,
    VenueFactory,
    council_admin_of,
    venue_manager_of,
    venue_staff_of,
)

pytestmark = pytest.mark.django_db

CATALOG = "/api/v1/catalog/"
REDEEM = "/api/v1/vouchers/redeem/"


def give_points(resident, amount: int, key: str = "") -> None:
    points_credit(
        resident=resident,
        amount=amount,
        source=sink_account("source:test"),
        idempotency_key=key or f"test:{uuid.uuid4()}",
    )


def claim_path(item) -> str:
    return f"{CATALOG}{item.pk}/claim/"


def stock_left(item) -> int | None:
    rows = success(client_for(UserFactory()), "get", CATALOG).json()["results"]
    return next(row["stock_left"] for row in rows if row["id"] == str(item.pk))


def assert_ledger_audit_passes() -> None:
    call_command("ledger_audit")  # exits 1 (SystemExit) on any breach


@pytest.fixture
def venue():
    return VenueFactory()


@pytest.fixture
def item(venue):
    return catalog_item_create(
        council=venue.council, venue=venue, title="Free coffee", cost_points=50, stock=3
    )


def issued_voucher(resident, item, points: int | None = None) -> Voucher:
    give_points(resident, points or item.cost_points)
    return catalog_claim(resident=resident, item=item, idempotency_key=uuid.uuid4().hex)


def lapse(voucher) -> None:
    """Move the voucher's life into the past, as if its expiry had come and gone."""
    now = timezone.now()
    Voucher.objects.filter(pk=voucher.pk).update(
        issued_at=now - timedelta(days=2), expires_at=now - timedelta(days=1)
    )


# --- Claims ---


def test_claim_spends_points_and_issues_a_voucher(resident, resident_client, item):
    give_points(resident, 80)
    assert stock_left(item) == 3

    body = success(resident_client, "post", claim_path(item), status=201).json()

    voucher = Voucher.objects.get(pk=body["id"])
    assert voucher.resident == resident and voucher.catalog_item == item
    assert body["code"] == voucher.code and body["status"] == "issued"
    assert body["title"] == "Free coffee" and body["redeemed_at"] is None
    assert points_balance(resident) == 30
    assert stock_left(item) == 2
    assert_ledger_audit_passes()


def test_claim_with_too_few_points_is_insufficient_points(resident, resident_client, item):
    give_points(resident, 49)

    error(resident_client, "post", claim_path(item), status=400, code="insufficient_points")

    assert not Voucher.objects.exists()
    assert points_balance(resident) == 49
    assert stock_left(item) == 3


def test_claim_past_the_last_unit_is_out_of_stock(resident, resident_client, venue):
    item = catalog_item_create(council=venue.council, title="Tote bag", cost_points=10, stock=0)
    give_points(resident, 100)

    error(resident_client, "post", claim_path(item), status=409, code="out_of_stock")

    assert not Voucher.objects.exists()
    assert points_balance(resident) == 100
    assert_ledger_audit_passes()


def test_unlimited_items_show_no_stock_left(venue):
    item = catalog_item_create(council=venue.council, title="Badge", cost_points=5)
    assert stock_left(item) is None


def test_an_inactive_item_is_not_listed_nor_claimable(resident, resident_client, item):
    item.is_active = False
    item.save()
    give_points(resident, 100)

    rows = success(resident_client, "get", CATALOG).json()["results"]
    assert rows == []
    error(resident_client, "post", claim_path(item), status=404, code="not_found")
    assert points_balance(resident) == 100


def test_a_replayed_claim_issues_one_voucher(resident, resident_client, item):
    give_points(resident, 200)
    headers = {"HTTP_IDEMPOTENCY_KEY": "claim-once"}

    first = success(resident_client, "post", claim_path(item), status=201, **headers)
    again = success(resident_client, "post", claim_path(item), status=201, **headers)

    assert again.json()["id"] == first.json()["id"]
    assert Voucher.objects.count() == 1
    assert points_balance(resident) == 150


def test_claiming_needs_a_caller(api_client, item):
    error(api_client, "post", claim_path(item), status=401, code="not_authenticated")


# --- The catalog: reading and managing it ---


def test_catalog_lists_active_items_in_the_contract_shape(api_client, item, venue):
    rows = success(api_client, "get", CATALOG).json()["results"]

    assert len(rows) == 1
    assert rows[0]["id"] == str(item.pk)
    assert rows[0]["venue"] == str(venue.pk) and rows[0]["council"] == venue.council.slug
    assert rows[0]["cost_points"] == 50 and rows[0]["stock_left"] == 3


def test_catalog_list_costs_few_queries(api_client, venue, django_assert_max_num_queries):
    for number in range(5):
        catalog_item_create(council=venue.council, title=f"Item {number}", cost_points=5, stock=9)
    with django_assert_max_num_queries(4):
        success(api_client, "get", CATALOG)


def test_a_venue_manager_creates_a_venue_item(venue):
    body = {"venue": str(venue.pk), "title": "Cake", "cost_points": 30, "stock": 5}

    created = success(client_for(venue_manager_of(venue)), "post", CATALOG, body, status=201)

    assert created.json()["council"] == venue.council.slug and created.json()["stock_left"] == 5


def test_a_council_admin_creates_a_council_item(venue):
    body = {"council": venue.council.slug, "title": "Swim", "cost_points": 30}
    admin = council_admin_of(venue.council)

    created = success(client_for(admin), "post", CATALOG, body, status=201).json()

    assert created["venue"] is None and created["stock_left"] is None


@pytest.mark.parametrize("who", ["staff", "resident", "other_manager"])
def test_only_managers_create_venue_items(venue, who):
    caller = {
        "staff": lambda: venue_staff_of(venue),
        "resident": UserFactory,
        "other_manager": lambda: venue_manager_of(VenueFactory(council=venue.council)),
    }[who]()
    body = {"venue": str(venue.pk), "title": "Cake", "cost_points": 30}

    error(client_for(caller), "post", CATALOG, body, status=403, code="permission_denied")
    assert not venue.catalog_items.exists()


def test_a_venue_manager_cannot_create_council_items(venue, api_client):
    body = {"council": venue.council.slug, "title": "Swim", "cost_points": 30}
    manager = client_for(venue_manager_of(venue))

    error(manager, "post", CATALOG, body, status=403, code="permission_denied")
    error(api_client, "post", CATALOG, body, status=401, code="not_authenticated")
    error(manager, "post", CATALOG, {"title": "x", "cost_points": 1}, status=400, code="invalid")


def test_patch_moves_the_stock_and_refuses_less_than_claimed(resident, item, venue):
    issued_voucher(resident, item)
    manager = client_for(venue_manager_of(venue))
    path = f"{CATALOG}{item.pk}/"

    assert success(manager, "patch", path, {"stock": 10}).json()["stock_left"] == 9
    body = error(manager, "patch", path, {"stock": 0}, status=400, code="invalid")
    assert "stock" in body["fields"]
    assert success(manager, "patch", path, {"stock": 1}).json()["stock_left"] == 0
    assert success(manager, "patch", path, {"stock": None}).json()["stock_left"] is None
    assert_ledger_audit_passes()


def test_patch_needs_the_items_manager(item, venue, api_client):
    path = f"{CATALOG}{item.pk}/"
    other = client_for(venue_manager_of(VenueFactory(council=venue.council)))

    error(api_client, "patch", path, {"title": "x"}, status=401, code="not_authenticated")
    error(other, "patch", path, {"title": "x"}, status=403, code="permission_denied")
    error(
        client_for(venue_staff_of(venue)), "patch", path, {}, status=403, code="permission_denied"
    )
    admin = client_for(council_admin_of(venue.council))
    assert success(admin, "patch", path, {"title": "Tea"}).json()["title"] == "Tea"


# --- A resident's vouchers and QR codes ---


def test_me_vouchers_lists_only_the_callers_newest_first(resident, resident_client, item):
    older = issued_voucher(resident, item)
    newer = issued_voucher(resident, item)
    issued_voucher(UserFactory(), item, points=50)

    rows = success(resident_client, "get", "/api/v1/me/vouchers/").json()["results"]

    assert [row["id"] for row in rows] == [str(newer.pk), str(older.pk)]
    assert set(rows[0]) == {
        "id", "code", "title", "status", "expires_at", "redeemed_at", "stripe_promotion_code",
        "stripe_status",
    }  # fmt: skip


def test_me_vouchers_shows_a_lapsed_voucher_as_expired(resident, resident_client, item):
    voucher = issued_voucher(resident, item)
    lapse(voucher)

    rows = success(resident_client, "get", "/api/v1/me/vouchers/").json()["results"]

    assert rows[0]["status"] == "expired"


def test_the_qr_code_decodes_to_the_voucher_code(resident, resident_client, item):
    voucher = issued_voucher(resident, item)

    response = resident_client.get(f"/api/v1/vouchers/{voucher.pk}/qr.png", HTTP_ACCEPT="image/png")

    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.content)))
    assert [barcode.text for barcode in decoded] == [voucher.code]


def test_someone_elses_qr_code_is_not_found(resident, item):
    voucher = issued_voucher(resident, item)
    path = f"/api/v1/vouchers/{voucher.pk}/qr.png"

    error(client_for(UserFactory()), "get", path, status=404, code="not_found")


# --- Expiry ---


def test_vouchers_expire_lapsed_is_idempotent(resident, item):
    lapsed = issued_voucher(resident, item)
    fresh = issued_voucher(resident, item)
    lapse(lapsed)
    give_points(resident, 1)  # unrelated movement; the audit must still pass

    assert vouchers_expire_lapsed() == 1
    assert vouchers_expire_lapsed() == 0
    call_command("expire_vouchers")

    lapsed.refresh_from_db()
    fresh.refresh_from_db()
    assert (lapsed.status, fresh.status) == ("expired", "issued")
    assert_ledger_audit_passes()
