"""Helpers shared by the rewards tests: giving points, claiming vouchers, moving their expiry."""

import uuid
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from rewards.catalog.services import catalog_claim
from rewards.models import Voucher
from rewards.schemes.services import council_scheme_ensure
from rewards.wallet.services import points_credit, sink_account
from tests.api import success
from tests.conftest import client_for
from tests.factories import UserFactory

CATALOG = "/api/v1/catalog/"


def give_points(resident, amount: int, *, council, key: str = "") -> None:
    """``amount`` points in the resident's wallet of the council's scheme."""
    points_credit(
        resident=resident,
        scheme_id=council_scheme_ensure(council=council).pk,
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


def issued_voucher(resident, item, points: int | None = None) -> Voucher:
    give_points(resident, points or item.cost_points, council=item.council)
    return catalog_claim(resident=resident, item=item, idempotency_key=uuid.uuid4().hex)


def lapse(voucher) -> None:
    """Move the voucher's life into the past, as if its expiry had come and gone."""
    now = timezone.now()
    Voucher.objects.filter(pk=voucher.pk).update(
        issued_at=now - timedelta(days=2), expires_at=now - timedelta(days=1)
    )
