"""Random sequences of postings never break the ledger's invariants; races never overspend."""

import uuid

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from rewards.ledger.audit import ledger_breaches
from rewards.ledger.models import Asset, LedgerAccount, LedgerTransaction
from rewards.ledger.services import (
    InsufficientBalance,
    Leg,
    account_get_or_create,
    balance,
    ledger_post,
    ledger_reverse,
)
from tests.concurrency import run_in_parallel
from tests.conftest import postgres_only

ACCOUNTS = [
    ("pool:capped", -500),
    ("pool:open", None),
    ("wallet:ann", 0),
    ("wallet:bob", 0),
    ("sink:spent", None),
]


class LedgerMachine(RuleBasedStateMachine):
    """Moves points between accounts at random; a model keeps the expected balances."""

    def __init__(self):
        super().__init__()
        # Fresh accounts for every run: the database outlives one example.
        run = uuid.uuid4().hex[:8]
        self.accounts = [
            account_get_or_create(name=f"{name}:{run}", asset=Asset.POINTS, min_balance=minimum)
            for name, minimum in ACCOUNTS
        ]
        self.expected = {account.pk: 0 for account in self.accounts}
        self.posted: list[LedgerTransaction] = []
        self.keys = 0

    def _key(self) -> str:
        self.keys += 1
        return f"{self.accounts[0].name}:key-{self.keys}"

    def _try(self, kind, legs):
        try:
            txn = ledger_post(kind=kind, legs=legs, idempotency_key=self._key())
        except InsufficientBalance:
            return
        for leg in legs:
            self.expected[leg.account.pk] += leg.amount
        self.posted.append(txn)

    @rule(payer=st.integers(0, 4), payee=st.integers(0, 4), amount=st.integers(1, 300))
    def transfer(self, payer, payee, amount):
        if payer != payee:
            self._try(
                "adjust", [Leg(self.accounts[payer], -amount), Leg(self.accounts[payee], amount)]
            )

    @rule(amounts=st.lists(st.integers(1, 50), min_size=2, max_size=4))
    def split(self, amounts):
        """One source pays several accounts in one transaction."""
        legs = [Leg(self.accounts[0], -sum(amounts))]
        legs += [Leg(self.accounts[2 + index % 3], amount) for index, amount in enumerate(amounts)]
        self._try("earn", legs)

    @rule(data=st.data())
    def reverse_one(self, data):
        candidates = [
            txn
            for txn in self.posted
            if txn.kind != "reverse" and not LedgerTransaction.objects.filter(reverses=txn).exists()
        ]
        if not candidates:
            return
        original = data.draw(st.sampled_from(candidates))
        legs = [(entry.account_id, -entry.amount) for entry in original.entries.all()]
        try:
            undo = ledger_reverse(original=original, idempotency_key=self._key())
        except InsufficientBalance:
            return
        for account_id, amount in legs:
            self.expected[account_id] += amount
        self.posted.append(undo)

    @rule(amount=st.integers(1, 100))
    def replay_is_harmless(self, amount):
        legs = [Leg(self.accounts[1], -amount), Leg(self.accounts[3], amount)]
        key = self._key()
        first = ledger_post(kind="earn", legs=legs, idempotency_key=key)
        assert ledger_post(kind="earn", legs=legs, idempotency_key=key) == first
        self.expected[self.accounts[1].pk] -= amount
        self.expected[self.accounts[3].pk] += amount

    @invariant()
    def balances_match_the_model_and_the_audit_is_clean(self):
        for account in self.accounts:
            assert balance(account) == self.expected[account.pk]
        for account in LedgerAccount.objects.all():
            if account.min_balance is not None:
                assert account.balance >= account.min_balance
        assert ledger_breaches() == []


LedgerMachine.TestCase.settings = settings(
    max_examples=10,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


class TestLedgerMachine(LedgerMachine.TestCase, TestCase):
    pass


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_spending_the_same_points_twice_at_once_succeeds_once():
    pool = account_get_or_create(name="pool", asset=Asset.POINTS)
    wallet = account_get_or_create(name="wallet", asset=Asset.POINTS, min_balance=0)
    spent = account_get_or_create(name="spent", asset=Asset.POINTS)
    ledger_post(kind="earn", legs=[Leg(pool, -100), Leg(wallet, 100)], idempotency_key="earn")

    def spend(index):
        return ledger_post(
            kind="claim", legs=[Leg(wallet, -80), Leg(spent, 80)], idempotency_key=f"claim-{index}"
        )

    outcomes = run_in_parallel(6, spend)
    assert sum(isinstance(outcome, LedgerTransaction) for outcome in outcomes) == 1
    assert all(
        isinstance(outcome, LedgerTransaction | InsufficientBalance) for outcome in outcomes
    ), outcomes
    assert (balance(wallet), balance(spent)) == (20, 80)
    assert ledger_breaches() == []


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_postings_over_the_same_accounts_in_opposite_orders_never_deadlock():
    first = account_get_or_create(name="a", asset=Asset.POINTS)
    second = account_get_or_create(name="b", asset=Asset.POINTS)

    def shuffle(index):
        legs = [Leg(first, -1), Leg(second, 1)]
        if index % 2:
            legs = [Leg(second, -1), Leg(first, 1)]
        for round_ in range(10):
            ledger_post(kind="adjust", legs=legs, idempotency_key=f"{index}-{round_}")
        return "done"

    assert run_in_parallel(8, shuffle) == ["done"] * 8
    assert (balance(first), balance(second)) == (0, 0)
    assert LedgerTransaction.objects.count() == 80
    assert ledger_breaches() == []
