"""The catalog's back-office pages: scoped by role, saving through the catalog services."""

import pytest

from rewards import account_names
from rewards.ledger.models import LedgerAccount
from rewards.models import CatalogItem
from tests.factories import UserFactory
from tests.rewards.admin.conftest import listed
from tests.rewards.helpers import issued_voucher

ITEMS = "/admin/rewards/catalogitem/"


def change_page(item) -> str:
    return f"{ITEMS}{item.pk}/change/"


def item_form(**fields) -> dict:
    data = {"council": "", "venue": "", "title": "Tote bag", "cost_points": "30", "stock": ""}
    data.update({"valid_days": "", "is_active": "on"})
    data.update({name: str(value) for name, value in fields.items()})
    return data


def test_each_role_lists_only_its_items(clients):
    assert listed(clients.manager, ITEMS) == {"Mug at A"}
    assert listed(clients.council_admin, ITEMS) == {"Mug at A", "Mug at B", "Mine's mug"}
    assert len(listed(clients.superuser, ITEMS)) == 4


def test_a_manager_cannot_open_another_venues_item(clients, world):
    assert clients.manager.get(change_page(world.items.a)).status_code == 200
    for other in (world.items.b, world.items.c, world.items.mine):
        assert clients.manager.get(change_page(other)).status_code in (302, 403, 404)
    assert clients.council_admin.get(change_page(world.items.c)).status_code in (302, 403, 404)


@pytest.mark.parametrize("who", ["staff", "resident"])
def test_venue_staff_and_residents_have_no_catalog_pages(clients, who):
    assert getattr(clients, who).get(ITEMS).status_code in (302, 403)


def test_a_manager_adds_a_stocked_item_with_its_stock_account(clients, world):
    response = clients.manager.post(f"{ITEMS}add/", item_form(venue=world.a.pk, stock=5))

    assert response.status_code == 302
    item = CatalogItem.objects.get(title="Tote bag")
    assert (item.council, item.venue, item.stock) == (world.mine, world.a, 5)
    stock = LedgerAccount.objects.get(name=account_names.catalog_stock(item.pk))
    assert stock.min_balance == -5


def test_a_stock_below_what_was_claimed_is_refused_beside_the_field(clients, world):
    item = world.items.a
    issued_voucher(UserFactory(), item)
    issued_voucher(UserFactory(), item)

    response = clients.manager.post(change_page(item), item_form(title=item.title, stock=1))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "stock": ["2 have already been claimed: the stock cannot be lower."]
    }
    item.refresh_from_db()
    assert item.stock == 4


def test_the_list_shows_the_stock_left(clients, world):
    issued_voucher(UserFactory(), world.items.a)
    response = clients.manager.get(ITEMS)
    assert '<td class="field-stock_left">3</td>' in response.content.decode()


def test_a_zero_cost_is_refused_on_the_form(clients, world):
    response = clients.manager.post(f"{ITEMS}add/", item_form(venue=world.a.pk, cost_points=0))

    assert "cost_points" in response.context["adminform"].form.errors
    assert not CatalogItem.objects.filter(title="Tote bag").exists()
