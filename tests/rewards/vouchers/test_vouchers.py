"""A resident's vouchers, their QR codes, and expiry."""

import io

import pytest
import zxingcpp
from django.core.management import call_command
from PIL import Image

from rewards.vouchers.services import vouchers_expire_lapsed
from tests.api import error, success
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.rewards.helpers import assert_ledger_audit_passes, give_points, issued_voucher, lapse

pytestmark = pytest.mark.django_db


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
    give_points(resident, 1, council=item.council)  # unrelated movement; the audit must still pass

    assert vouchers_expire_lapsed() == 1
    assert vouchers_expire_lapsed() == 0
    call_command("expire_vouchers")

    lapsed.refresh_from_db()
    fresh.refresh_from_db()
    assert (lapsed.status, fresh.status) == ("expired", "issued")
    assert_ledger_audit_passes()
