"""The vouchers' back-office pages: read-only for everyone, scoped by role, people named by
their display name (emails for superusers only)."""

import pytest

from rewards.models import Voucher
from tests.factories import UserFactory
from tests.rewards.admin.conftest import listed
from tests.rewards.helpers import issued_voucher

VOUCHERS = "/admin/rewards/voucher/"


@pytest.fixture
def vouchers(world):
    resident = UserFactory(display_name="Ada", email="ada@example.org")
    return {
        name: issued_voucher(resident, item)
        for name, item in vars(world.items).items()  # a, b, c and Mine's council-wide one
    }


def change_page(voucher) -> str:
    return f"{VOUCHERS}{voucher.pk}/change/"


def test_each_role_lists_only_its_vouchers(clients, vouchers):
    def codes(*names):
        return {str(vouchers[name]) for name in names}

    assert listed(clients.manager, VOUCHERS) == codes("a")
    assert listed(clients.council_admin, VOUCHERS) == codes("a", "b", "mine")
    assert listed(clients.superuser, VOUCHERS) == codes("a", "b", "c", "mine")


def test_a_voucher_is_titled_by_its_code_and_title(vouchers):
    voucher = vouchers["a"]
    assert str(voucher) == f"{voucher.code}: Mug at A"


def test_a_manager_cannot_open_other_vouchers(clients, vouchers):
    assert clients.manager.get(change_page(vouchers["a"])).status_code == 200
    for other in ("b", "c", "mine"):
        assert clients.manager.get(change_page(vouchers[other])).status_code in (302, 403, 404)
    assert clients.council_admin.get(change_page(vouchers["c"])).status_code in (302, 403, 404)


def test_residents_are_named_without_their_email_except_to_superusers(clients, vouchers):
    managers_page = clients.manager.get(VOUCHERS).content.decode()
    assert "Ada" in managers_page and "ada@example.org" not in managers_page
    detail = clients.manager.get(change_page(vouchers["a"])).content.decode()
    assert "Ada" in detail and "ada@example.org" not in detail
    assert "ada@example.org" in clients.superuser.get(VOUCHERS).content.decode()


def test_a_code_is_found_as_staff_type_it(clients, vouchers):
    typed = vouchers["a"].code.replace("-", " ").lower()
    assert listed(clients.manager, f"{VOUCHERS}?q={typed}") == {str(vouchers["a"])}


@pytest.mark.parametrize("who", ["superuser", "council_admin", "manager"])
def test_nobody_adds_changes_or_deletes_a_voucher(clients, vouchers, who):
    client, voucher = getattr(clients, who), vouchers["a"]

    assert client.get(f"{VOUCHERS}add/").status_code == 403
    refused = client.post(change_page(voucher), {"title": "Changed", "status": "void"})
    assert refused.status_code == 403
    assert client.post(f"{VOUCHERS}{voucher.pk}/delete/", {"post": "yes"}).status_code == 403
    voucher.refresh_from_db()
    assert (voucher.title, voucher.status) == ("Mug at A", "issued")
    assert Voucher.objects.count() == 4


@pytest.mark.parametrize("who", ["staff", "resident"])
def test_venue_staff_and_residents_have_no_voucher_pages(clients, vouchers, who):
    assert getattr(clients, who).get(VOUCHERS).status_code in (302, 403)
