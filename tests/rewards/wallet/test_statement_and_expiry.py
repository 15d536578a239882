"""The points statement, expiry by lots (FIFO), and the rewards-level audit."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from rewards.account_names import EXPIRED_POINTS, SPENT_POINTS
from rewards.audit import rewards_breaches
from rewards.ledger.audit import ledger_breaches
from rewards.ledger.models import Asset, LedgerTransaction
from rewards.ledger.services import InsufficientBalance, account_get_or_create
from rewards.models import CatalogItem, Voucher
from rewards.schemes.models import PointsLot, Scheme, Wallet
from rewards.schemes.services import council_scheme_ensure
from rewards.vouchers.services import voucher_issue
from rewards.wallet.selectors import points_balance
from rewards.wallet.services import points_credit, points_debit, sink_account
from tests.conftest import client_for
from tests.factories import CouncilFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/ledger/"


@pytest.fixture
def pool():
    """A source of points, paying into the scheme of a council of its own."""
    account = account_get_or_create(name="offer:test-pool", asset=Asset.POINTS)
    account.scheme_id = council_scheme_ensure(council=CouncilFactory()).pk
    return account


def earn(resident, pool, amount, key, now=None):
    return points_credit(
        resident=resident,
        scheme_id=pool.scheme_id,
        amount=amount,
        source=pool,
        idempotency_key=key,
        memo=key,
        now=now,
    )


def spend(resident, amount, key, now=None):
    """Spend from the resident's wallet (these tests give each resident one scheme)."""
    return points_debit(
        resident=resident,
        scheme_id=Wallet.objects.get(resident=resident).scheme_id,
        amount=amount,
        sink=sink_account(SPENT_POINTS),
        idempotency_key=key,
        memo=key,
        now=now,
    )


def test_the_statement_lists_earn_claim_and_expire_newest_first_with_running_balances(
    resident, resident_client, pool
):
    long_ago = timezone.now() - timedelta(days=400)
    earn(resident, pool, 30, "old-earn", now=long_ago)
    earn(resident, pool, 50, "earn")
    spend(resident, 20, "claim")
    call_command("expire_points", stdout=io.StringIO())

    response = resident_client.get(URL)

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(row["kind"], row["amount"], row["balance_after"]) for row in rows] == [
        ("expire", -30, 30),
        ("claim", -20, 60),
        ("earn", 50, 80),
        ("earn", 30, 30),
    ]
    claim = LedgerTransaction.objects.get(idempotency_key="claim")
    assert rows[1]["id"] == str(claim.pk) and rows[1]["memo"] == "claim"
    assert set(rows[0]) == {
        "id",
        "created_at",
        "kind",
        "scheme",
        "amount",
        "balance_after",
        "memo",
    }
    assert {row["scheme"] for row in rows} == {str(Scheme.objects.get(pk=pool.scheme_id).public_id)}
    assert response.json()["count"] == 4


def test_balance_after_is_right_on_every_page(resident, resident_client, pool):
    for index in range(7):
        earn(resident, pool, index + 1, f"earn-{index}")
    spend(resident, 5, "claim")

    pages = [
        resident_client.get(URL, {"page_size": 3, "page": page}).json()["results"]
        for page in (1, 2, 3)
    ]

    balances = [row["balance_after"] for page in pages for row in page]
    assert balances == [23, 28, 21, 15, 10, 6, 3, 1]
    assert [len(page) for page in pages] == [3, 3, 2]


def test_the_statement_shows_only_the_callers_wallet(resident, pool):
    other = UserFactory()
    earn(other, pool, 10, "other-earn")
    earn(resident, pool, 5, "mine")

    rows = client_for(other).get(URL).json()["results"]

    assert [(row["amount"], row["balance_after"]) for row in rows] == [(10, 10)]


def test_the_statement_needs_a_caller(api_client):
    response = api_client.get(URL)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("entries", [2, 40])
def test_the_statement_query_count_does_not_grow_with_the_page(
    resident, resident_client, pool, django_assert_max_num_queries, entries
):
    for index in range(entries):
        earn(resident, pool, 1, f"earn-{index}")
    # Authentication is forced; one count and one page query.
    with django_assert_max_num_queries(2):
        response = resident_client.get(URL, {"page_size": 100})
    assert len(response.json()["results"]) == entries


def test_the_statement_is_in_the_personal_data_export(resident, resident_client, pool):
    earn(resident, pool, 12, "earn")
    body = resident_client.get("/api/v1/me/export/").json()
    assert [(row["kind"], row["balance_after"]) for row in body["points_statement"]] == [
        ("earn", 12)
    ]


def test_spending_draws_the_soonest_lapsing_lot_first(resident, pool):
    now = timezone.now()
    late = earn(resident, pool, 40, "late", now=now - timedelta(days=10))
    soon = earn(resident, pool, 30, "soon", now=now - timedelta(days=300))

    spend(resident, 35, "claim")

    lots = {lot.transaction_id: lot.remaining for lot in PointsLot.objects.all()}
    assert lots == {soon.pk: 0, late.pk: 35}
    assert rewards_breaches() == []


def test_a_lapsed_lot_is_expired_once_and_running_the_command_again_changes_nothing(resident, pool):
    now = timezone.now()
    earn(resident, pool, 30, "lapsed", now=now - timedelta(days=366))
    earn(resident, pool, 20, "fresh", now=now - timedelta(days=1))
    spend(resident, 10, "claim", now=now - timedelta(days=100))

    out = io.StringIO()
    call_command("expire_points", stdout=out)

    assert "Expired 1 points lots" in out.getvalue()
    expiry = LedgerTransaction.objects.get(kind="expire")
    assert sorted(expiry.entries.values_list("amount", flat=True)) == [-20, 20]
    assert points_balance(resident) == 20
    assert account_get_or_create(name=EXPIRED_POINTS, asset=Asset.POINTS).balance == 20

    again = io.StringIO()
    call_command("expire_points", stdout=again)
    assert "Expired 0 points lots" in again.getvalue()
    assert LedgerTransaction.objects.filter(kind="expire").count() == 1
    assert points_balance(resident) == 20
    assert ledger_breaches() == [] and rewards_breaches() == []


def test_points_in_a_lapsed_lot_cannot_be_spent_even_before_the_expiry_job(resident, pool):
    earn(resident, pool, 30, "lapsed", now=timezone.now() - timedelta(days=366))
    earn(resident, pool, 5, "fresh")
    assert points_balance(resident) == 35

    with pytest.raises(InsufficientBalance):
        spend(resident, 6, "claim")

    assert points_balance(resident) == 35
    assert not LedgerTransaction.objects.filter(idempotency_key="claim").exists()


def test_the_audit_catches_a_tampered_lot(resident, pool):
    earn(resident, pool, 30, "earn")
    assert rewards_breaches() == []

    PointsLot.objects.update(remaining=25)

    breaches = rewards_breaches()
    assert len(breaches) == 1 and f"wallet:{resident.pk}" in breaches[0]
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("ledger_audit", stdout=io.StringIO(), stderr=err)
    assert exit_info.value.code == 1
    assert "lots hold 25" in err.getvalue()


def issue_voucher(resident, key):
    item = CatalogItem.objects.first() or CatalogItem.objects.create(
        council=CouncilFactory(), title="Swim", cost_points=10, stock=100
    )
    stock = account_get_or_create(name=f"stock:{item.pk}", asset=Asset.VOUCHER, min_balance=-100)
    return voucher_issue(
        resident=resident,
        title=item.title,
        council=item.council,
        venue=None,
        source_account=stock,
        catalog_item=item,
        idempotency_key=key,
    )


def test_the_audit_catches_a_voucher_settled_behind_the_ledgers_back(resident):
    voucher = issue_voucher(resident, "issue-1")
    issue_voucher(resident, "issue-2")
    out = io.StringIO()
    call_command("ledger_audit", stdout=out)
    assert "passed" in out.getvalue()

    Voucher.objects.filter(pk=voucher.pk).update(status="void")

    breaches = rewards_breaches()
    assert len(breaches) == 1
    assert "holds 2 but 1 vouchers from it are issued" in breaches[0]
    with pytest.raises(SystemExit):
        call_command("ledger_audit", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_audit_catches_a_voucher_pointing_at_another_issue_transaction(resident, pool):
    voucher = issue_voucher(resident, "issue-1")
    points = earn(resident, pool, 5, "earn")

    Voucher.objects.filter(pk=voucher.pk).update(issue_transaction=points)

    breaches = rewards_breaches()
    assert any(f"voucher {voucher.pk}" in breach for breach in breaches), breaches


@pytest.mark.parametrize("residents", [1, 6])
def test_the_audit_reads_a_fixed_number_of_queries(pool, django_assert_num_queries, residents):
    for index in range(residents):
        holder = UserFactory()
        issue_voucher(holder, f"issue-{index}")
        earn(holder, pool, 3, f"earn-{index}")
    # lots, wallets, strays; voucher accounts, issued counts, residents; issue entries, vouchers;
    # orphan wallets, wallets in merged schemes, offers and their pools
    with django_assert_num_queries(11):
        assert rewards_breaches() == []
