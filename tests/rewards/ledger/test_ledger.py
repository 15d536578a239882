"""The ledger: balanced, all-or-nothing, idempotent, append-only, and auditable."""

import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from rewards.ledger.audit import ledger_breaches
from rewards.ledger.models import AppendOnlyError, Asset, Entry, LedgerAccount, LedgerTransaction
from rewards.ledger.services import (
    IdempotencyConflict,
    InsufficientBalance,
    LedgerError,
    Leg,
    UnbalancedTransaction,
    account_get_or_create,
    balance,
    ledger_post,
    ledger_reverse,
)
from tests.conftest import postgres_only

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool():
    return account_get_or_create(name="offer:pool", asset=Asset.POINTS, min_balance=-100)


@pytest.fixture
def wallet():
    return account_get_or_create(name="wallet:rosa", asset=Asset.POINTS, min_balance=0)


def earn(pool, wallet, amount, key):
    return ledger_post(
        kind="earn", legs=[Leg(pool, -amount), Leg(wallet, amount)], idempotency_key=key
    )


def test_a_posting_moves_points_and_keeps_totals_on_the_accounts(pool, wallet):
    txn = earn(pool, wallet, 50, "earn-1")
    assert (balance(wallet), balance(pool)) == (50, -50)
    wallet.refresh_from_db()
    assert (wallet.credits_posted, wallet.debits_posted) == (50, 0)
    assert sorted(txn.entries.values_list("amount", flat=True)) == [-50, 50]


def test_reading_a_balance_is_one_query(wallet, pool, django_assert_num_queries):
    for index in range(20):
        earn(pool, wallet, 1, f"earn-{index}")
    with django_assert_num_queries(1):
        assert balance(wallet) == 20


@pytest.mark.parametrize("amounts", [[-5, 4], [0, 0], [-5.0, 5.0], [True, -1]])
def test_unbalanced_zero_or_fractional_postings_are_refused(pool, wallet, amounts):
    with pytest.raises(UnbalancedTransaction):
        ledger_post(
            kind="earn",
            legs=[Leg(pool, amounts[0]), Leg(wallet, amounts[1])],
            idempotency_key="bad",
        )
    assert not LedgerTransaction.objects.exists()


def test_an_empty_posting_is_refused():
    with pytest.raises(UnbalancedTransaction):
        ledger_post(kind="earn", legs=[], idempotency_key="empty")


def test_assets_balance_separately(pool, wallet):
    vouchers = account_get_or_create(name="offer:vouchers", asset=Asset.VOUCHER)
    held = account_get_or_create(name="voucher:rosa", asset=Asset.VOUCHER, min_balance=0)
    with pytest.raises(UnbalancedTransaction):
        ledger_post(kind="earn", legs=[Leg(pool, -1), Leg(held, 1)], idempotency_key="mixed")
    ledger_post(
        kind="earn",
        legs=[Leg(pool, -1), Leg(wallet, 1), Leg(vouchers, -1), Leg(held, 1)],
        idempotency_key="both",
    )
    assert (balance(wallet), balance(held)) == (1, 1)


def test_a_posting_below_a_minimum_fails_whole(pool, wallet):
    spent = account_get_or_create(name="sink:spent", asset=Asset.POINTS)
    earn(pool, wallet, 30, "earn")
    with pytest.raises(InsufficientBalance):
        ledger_post(kind="claim", legs=[Leg(wallet, -31), Leg(spent, 31)], idempotency_key="claim")
    assert (balance(wallet), balance(spent)) == (30, 0)
    assert not LedgerTransaction.objects.filter(idempotency_key="claim").exists()


def test_a_capped_pool_refuses_past_its_budget(pool, wallet):
    earn(pool, wallet, 100, "all-of-it")
    with pytest.raises(InsufficientBalance):
        earn(pool, wallet, 1, "one-more")
    assert balance(pool) == -100


def test_replaying_a_key_returns_the_first_transaction_and_posts_nothing(pool, wallet):
    first = earn(pool, wallet, 10, "once")
    assert earn(pool, wallet, 10, "once") == first
    assert balance(wallet) == 10 and LedgerTransaction.objects.count() == 1


def test_replaying_a_key_with_another_posting_is_refused(pool, wallet):
    earn(pool, wallet, 10, "once")
    with pytest.raises(IdempotencyConflict):
        earn(pool, wallet, 11, "once")
    assert balance(wallet) == 10


def test_a_reversal_restores_the_balances_and_names_what_it_undoes(pool, wallet):
    original = earn(pool, wallet, 40, "earn")
    undo = ledger_reverse(original=original, idempotency_key="undo")
    assert (balance(wallet), balance(pool)) == (0, 0)
    assert undo.kind == "reverse" and undo.reverses == original
    wallet.refresh_from_db()
    assert (wallet.credits_posted, wallet.debits_posted) == (40, 40)


def test_the_model_layer_refuses_changes_and_deletions(pool, wallet):
    txn = earn(pool, wallet, 5, "earn")
    entry = txn.entries.first()
    for attempt in (
        lambda: entry.save(),
        lambda: entry.delete(),
        lambda: txn.delete(),
        lambda: Entry.objects.filter(pk=entry.pk).update(amount=500),
        lambda: Entry.objects.all().delete(),
        lambda: LedgerTransaction.objects.update(memo="rewritten"),
    ):
        with pytest.raises(AppendOnlyError):
            attempt()
    assert Entry.objects.get(pk=entry.pk).amount == entry.amount


def test_the_database_refuses_an_account_under_its_minimum(wallet):
    with pytest.raises(IntegrityError):
        LedgerAccount.objects.filter(pk=wallet.pk).update(debits_posted=1)


@postgres_only
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE rewards_entry SET amount = amount * 2",
        "DELETE FROM rewards_entry",
        "UPDATE rewards_ledgertransaction SET memo = 'rewritten'",
        "DELETE FROM rewards_ledgertransaction",
    ],
)
def test_raw_sql_cannot_rewrite_the_ledger_on_postgresql(pool, wallet, statement):
    earn(pool, wallet, 5, "earn")
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert sorted(Entry.objects.values_list("amount", flat=True)) == [-5, 5]


@postgres_only
def test_an_unbalanced_transaction_cannot_commit_on_postgresql(pool, wallet):
    txn = earn(pool, wallet, 5, "earn")
    with (
        pytest.raises(IntegrityError, match="does not balance"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO rewards_entry (transaction_id, account_id, asset, amount, created_at)"
            " VALUES (%s, %s, 'POINTS', 7, now())",
            [txn.pk, wallet.pk],
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_the_audit_passes_a_sound_ledger_and_reports_a_tampered_one(pool, wallet):
    earn(pool, wallet, 25, "earn")
    assert ledger_breaches() == []
    out = io.StringIO()
    call_command("ledger_audit", stdout=out)
    assert "passed" in out.getvalue()

    # Someone edits the posted totals behind the ledger's back.
    LedgerAccount.objects.filter(pk=wallet.pk).update(credits_posted=30)
    breaches = ledger_breaches()
    assert len(breaches) == 1 and "wallet:rosa" in breaches[0]
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("ledger_audit", stdout=io.StringIO(), stderr=err)
    assert exit_info.value.code == 1
    assert "wallet:rosa" in err.getvalue()


def test_a_transaction_is_reversed_at_most_once(pool):
    sink = account_get_or_create(name="sink", asset=Asset.POINTS)
    original = ledger_post(kind="earn", legs=[Leg(pool, -5), Leg(sink, 5)], idempotency_key="earn")
    ledger_reverse(original=original, idempotency_key="undo-1")
    with pytest.raises(LedgerError, match="already been reversed"):
        ledger_reverse(original=original, idempotency_key="undo-2")
    assert balance(sink) == 0
