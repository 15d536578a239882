"""The data migration to schemes (rewards 0007) on a history built before it: one wallet per
resident across every council, lots earned at two councils, a claim, points from no offer.

The history is built by factories of the models as they were at rewards 0005 (the migration
state's models: today's would not fit that schema), then the migrations run forward."""

import factory
import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import F
from django.utils import timezone

from rewards.audit import rewards_breaches
from rewards.ledger.audit import ledger_breaches
from rewards.ledger.models import LedgerAccount, LedgerTransaction
from rewards.models import Offer
from rewards.schemes.models import PointsLot, SchemeMember, Wallet
from rewards.wallet.selectors import wallet_statement

REWARDS_BEFORE = ("rewards", "0005_offer_and_catalog_maxima")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _before():
    """Every other app as it is today, rewards as it was before schemes."""
    return [node for node in _latest() if node[0] != "rewards"] + [REWARDS_BEFORE]


class History:
    """Factories of the 0005 models, and postings made the way the ledger made them."""

    def __init__(self, apps):
        def factory_of(model_name, **declarations):
            meta = type("Meta", (), {"model": apps.get_model(*model_name.split("."))})
            return type(
                model_name, (factory.django.DjangoModelFactory,), {"Meta": meta, **declarations}
            )

        self.Council = factory_of(
            "venues.Council",
            name=factory.Sequence(lambda n: f"Borough {n}"),
            slug=factory.Sequence(lambda n: f"borough-{n}"),
        )
        self.User = factory_of(
            "accounts.User",
            email=factory.Sequence(lambda n: f"person{n}@example.org"),
            password="!",
        )
        self.Account = factory_of("rewards.LedgerAccount")
        self.Offer = factory_of(
            "rewards.Offer", title="Ten a visit", rule="every_checkin", points=10
        )
        self.Transaction = factory_of(
            "rewards.LedgerTransaction",
            kind="earn",
            idempotency_key=factory.Sequence(lambda n: f"history-{n}"),
            request_hash="0" * 64,
        )
        self.Entry = apps.get_model("rewards", "Entry")
        self.Lot = factory_of("rewards.PointsLot")
        self.apps = apps

    @transaction.atomic  # PostgreSQL checks that it balances when it commits
    def post(self, kind, *legs):
        posted = self.Transaction(kind=kind)
        for account, amount in legs:
            self.Entry.objects.create(
                transaction=posted, account=account, asset=account.asset, amount=amount
            )
            column = "credits_posted" if amount > 0 else "debits_posted"
            type(account).objects.filter(pk=account.pk).update(**{column: F(column) + abs(amount)})
        return posted

    def earn(self, resident, wallet, source, amount, *, remaining=None):
        posted = self.post("earn", (source, -amount), (wallet, amount))
        return self.Lot(
            resident=resident,
            earned=amount,
            remaining=amount if remaining is None else remaining,
            expires_at=timezone.now().replace(year=timezone.now().year + 1),
            transaction=posted,
        )


@pytest.mark.django_db(transaction=True)
def test_todays_points_move_to_the_scheme_where_each_lot_was_earned():
    try:
        history = History(_migrate(_before()))
        council_a = history.Council(name="Barking and Dagenham")  # the oldest: the fallback
        council_b = history.Council(name="Havering")
        pool_a = history.Account(name="offer-a-pool", asset="POINTS")
        offer_a = history.Offer(council=council_a)
        pool_a.name = f"offer:{offer_a.pk}:pool"
        pool_a.save()
        offer_b = history.Offer(council=council_b)  # its pool was never made
        pool_b = history.Account(name=f"offer:{offer_b.pk}:pool", asset="POINTS")
        spent = history.Account(name="sink:points-spent", asset="POINTS")
        hand = history.Account(name="source:by-hand", asset="POINTS")

        rosa, sam, tia = history.User(), history.User(), history.User()
        wallets = {
            person.pk: history.Account(name=f"wallet:{person.pk}", asset="POINTS", min_balance=0)
            for person in (rosa, sam, tia)
        }
        # Rosa: 30 at A (10 of them spent since), 20 at B: a tie, A earned first keeps the wallet.
        history.earn(rosa, wallets[rosa.pk], pool_a, 30, remaining=20)
        history.post("claim", (wallets[rosa.pk], -10), (spent, 10))
        history.earn(rosa, wallets[rosa.pk], pool_b, 20)
        # Sam: 15 at B and 5 given by hand: the hand's go with the rest, to B.
        history.earn(sam, wallets[sam.pk], pool_b, 15)
        history.earn(sam, wallets[sam.pk], hand, 5)
        # Tia: only points given by hand: to the oldest council's scheme.
        history.earn(tia, wallets[tia.pk], hand, 7)
    finally:
        _migrate(_latest())

    scheme_a = SchemeMember.objects.get(council_id=council_a.pk).scheme
    scheme_b = SchemeMember.objects.get(council_id=council_b.pk).scheme
    assert scheme_a != scheme_b and scheme_a.name == "Barking and Dagenham"

    def balances(person):
        return {
            wallet.scheme_id: wallet.account.balance
            for wallet in Wallet.objects.filter(resident_id=person.pk).select_related("account")
        }

    assert balances(rosa) == {scheme_a.pk: 20, scheme_b.pk: 20}
    assert balances(sam) == {scheme_b.pk: 20}
    assert balances(tia) == {scheme_a.pk: 7}
    # Rosa's old wallet is A's now, its history intact; B's 20 came across in one posting.
    rosa_a = Wallet.objects.get(resident_id=rosa.pk, scheme=scheme_a).account
    assert rosa_a.pk == wallets[rosa.pk].pk and rosa_a.name == f"wallet:{rosa.pk}:{scheme_a.pk}"
    move = LedgerTransaction.objects.get(kind="adjust")
    assert sorted(move.entries.values_list("account_id", "amount")) == sorted(
        [(rosa_a.pk, -20), (Wallet.objects.get(resident_id=rosa.pk, scheme=scheme_b).pk, 20)]
    )
    statement = [
        (entry.scheme_id, entry.amount, entry.balance_after)
        for entry in wallet_statement(resident=get_user_model().objects.get(pk=rosa.pk))
    ]
    assert statement == [
        (scheme_b.pk, 20, 20),
        (scheme_a.pk, -20, 20),
        (scheme_a.pk, 20, 40),
        (scheme_a.pk, -10, 20),
        (scheme_a.pk, 30, 30),
    ]
    assert not PointsLot.objects.filter(wallet__isnull=True).exists()
    assert set(Offer.objects.values_list("pool_id", flat=True)) == {
        LedgerAccount.objects.get(name=f"offer:{offer.pk}:pool").pk for offer in (offer_a, offer_b)
    }
    assert ledger_breaches() + rewards_breaches() == []


@pytest.mark.django_db(transaction=True)
def test_a_history_the_audit_already_faulted_migrates_and_is_still_reported_not_lost():
    """Points posted to an old wallet without a lot, and lots in two councils' schemes with no
    old wallet at all: the migration neither drops those points nor fails the deploy, and the
    audit still names both."""
    try:
        history = History(_migrate(_before()))
        council_a = history.Council(name="Barking and Dagenham")
        council_b = history.Council(name="Havering")
        pools = {}
        for council in (council_a, council_b):
            offer = history.Offer(council=council)
            pools[council.pk] = history.Account(name=f"offer:{offer.pk}:pool", asset="POINTS")
        hand = history.Account(name="source:by-hand", asset="POINTS")
        no_lots, no_wallet = history.User(), history.User()
        bare = history.Account(name=f"wallet:{no_lots.pk}", asset="POINTS", min_balance=0)
        history.post("adjust", (hand, -25), (bare, 25))
        nowhere = history.Account(name="nowhere", asset="POINTS")  # lots posted elsewhere
        history.earn(no_wallet, nowhere, pools[council_a.pk], 10)
        history.earn(no_wallet, nowhere, pools[council_b.pk], 30)
    finally:
        _migrate(_latest())

    kept = Wallet.objects.select_related("account").get(resident_id=no_lots.pk)
    assert kept.account.pk == bare.pk and kept.account.balance == 25
    assert kept.scheme == SchemeMember.objects.get(council_id=council_a.pk).scheme
    assert Wallet.objects.filter(resident_id=no_wallet.pk).count() == 2
    breaches = rewards_breaches()
    assert any(f"wallet:{no_lots.pk}" in breach and "lots hold 0" in breach for breach in breaches)
    assert any(f"wallet:{no_wallet.pk}" in breach for breach in breaches)
