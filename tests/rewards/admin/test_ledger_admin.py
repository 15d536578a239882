"""The ledger's back-office pages: read-only for everyone; a venue manager or council admin
sees the transactions of their offers' pools, their items' stocks and those vouchers."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rewards import account_names
from rewards.ledger.models import Entry, LedgerAccount, LedgerTransaction
from rewards.offers.earning import rewards_for_checkin
from rewards.vouchers.redemption import voucher_redeem
from tests.factories import UserFactory, venue_staff_of
from tests.rewards.admin.conftest import listed
from tests.rewards.helpers import issued_voucher

TRANSACTIONS = "/admin/rewards/ledgertransaction/"
ACCOUNTS = "/admin/rewards/ledgeraccount/"


def memos(client) -> set:
    response = client.get(TRANSACTIONS)
    assert response.status_code == 200
    return {row.memo for row in response.context["cl"].result_list}


@pytest.fixture
def history(world):
    """A check-in at A (A's offer and Mine's council-wide offer pay), a claim at A redeemed at
    the desk, and a claim at C."""
    resident = UserFactory()
    rewards_for_checkin(
        resident=resident,
        venue=world.a,
        checkin_id=uuid.uuid4(),
        checked_in_at=timezone.now(),
        evidence="location",
        visits_since=lambda since: 1,
    )
    voucher = issued_voucher(resident, world.items.a)
    voucher_redeem(code=voucher.code, staff=venue_staff_of(world.a))
    issued_voucher(resident, world.items.c)
    return voucher


def test_a_manager_sees_their_offers_items_and_vouchers_transactions(clients, history):
    assert memos(clients.manager) == {
        "Offer: Swim at A",
        "Claimed: Mug at A",
        "Voucher: Mug at A",
        f"Voucher {history.code} redeemed",
    }


def test_a_council_admin_also_sees_the_council_wide_offer_but_not_another_council(clients, history):
    seen = memos(clients.council_admin)
    assert "Offer: Anywhere in Mine" in seen and "Voucher: Mug at A" in seen
    assert "Voucher: Mug at C" not in seen and "Claimed: Mug at C" not in seen


def test_a_superuser_sees_every_transaction(clients, history):
    response = clients.superuser.get(TRANSACTIONS)
    assert response.context["cl"].result_count == LedgerTransaction.objects.count()


def test_a_transaction_shows_its_entries(clients, history):
    issue = history.issue_transaction
    page = clients.manager.get(f"{TRANSACTIONS}{issue.pk}/change/")
    assert page.status_code == 200
    content = page.content.decode()
    for entry in Entry.objects.filter(transaction=issue).select_related("account"):
        assert entry.account.name in content


def test_a_manager_cannot_open_another_venues_transaction(clients, history, world):
    other = LedgerTransaction.objects.get(memo="Voucher: Mug at C")
    assert clients.manager.get(f"{TRANSACTIONS}{other.pk}/change/").status_code in (403, 404)


def test_the_accounts_page_shows_only_the_managers_sources_and_holders(clients, history, world):
    names = {row.split(" (")[0] for row in listed(clients.manager, ACCOUNTS)}
    assert names == {
        account_names.offer_pool(world.offers.a.pk),
        account_names.catalog_stock(world.items.a.pk),
        account_names.held_vouchers(
            history.resident_id, account_names.voucher_source(catalog_item_id=world.items.a.pk)
        ),
    }


@pytest.mark.parametrize("who", ["superuser", "council_admin", "manager"])
def test_nobody_adds_changes_or_deletes_ledger_rows(clients, history, who):
    client = getattr(clients, who)
    issue = history.issue_transaction
    account = LedgerAccount.objects.get(name=account_names.catalog_stock(history.catalog_item_id))
    before = (LedgerTransaction.objects.count(), Entry.objects.count(), account.min_balance)

    assert client.get(f"{TRANSACTIONS}add/").status_code == 403
    assert client.post(f"{TRANSACTIONS}{issue.pk}/change/", {"memo": "x"}).status_code == 403
    assert client.post(f"{ACCOUNTS}{account.pk}/change/", {"min_balance": "0"}).status_code == 403
    assert client.post(f"{ACCOUNTS}{account.pk}/delete/", {"post": "yes"}).status_code == 403

    account.refresh_from_db()
    issue.refresh_from_db()
    after = (LedgerTransaction.objects.count(), Entry.objects.count(), account.min_balance)
    assert after == before and issue.memo == "Voucher: Mug at A"


@pytest.mark.parametrize("who", ["staff", "resident"])
def test_venue_staff_and_residents_have_no_ledger_pages(clients, who):
    assert getattr(clients, who).get(TRANSACTIONS).status_code in (302, 403)


def test_the_list_costs_the_same_queries_however_many_transactions(clients, world):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert clients.council_admin.get(TRANSACTIONS).status_code == 200
        return len(captured)

    issued_voucher(UserFactory(), world.items.a)
    few = queries()
    for _ in range(3):
        issued_voucher(UserFactory(), world.items.b)
    assert queries() == few
