"""The family pages (issue 25): a parent adds children, prints each one's card, sees and
downloads what is kept about them, and removes one (their data erased)."""

import json

import pytest
from django.utils import timezone

from accounts.children.services import child_add
from accounts.models import User
from checkins.models import CheckIn
from rewards.catalog.services import catalog_item_create
from rewards.models import Voucher
from rewards.schemes.selectors import points_balances
from tests.factories import UserFactory, VenueFactory
from tests.rewards.helpers import give_points

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


@pytest.fixture
def parent(client):
    user = UserFactory(display_name="Pat", birth_year=THIS_YEAR - 40)
    client.force_login(user)
    return user


def test_a_parent_adds_two_children_on_the_family_page(client, parent):
    for name, years in (("Sam", 8), ("Alex", 11)):
        answer = client.post("/family/", {"first_name": name, "birth_year": THIS_YEAR - years})
        assert answer.status_code == 302 and answer["Location"] == "/family/"
    children = User.objects.filter(guardian=parent)
    assert sorted(children.values_list("display_name", flat=True)) == ["Alex", "Sam"]
    html = client.get("/family/").content.decode()
    for child in children:
        assert str(child.member_code) in html
    wallet = client.get("/wallet/").content.decode()
    assert "Sam" in wallet and "Alex" in wallet


def test_the_add_form_refuses_a_child_over_18_beside_the_field(client, parent):
    page = client.post("/family/", {"first_name": "Big", "birth_year": THIS_YEAR - 30})
    assert page.status_code == 400
    assert 'href="#id_birth_year"' in page.content.decode()
    assert not User.objects.filter(guardian=parent).exists()


def test_a_teenager_cannot_add_children_on_the_page(client):
    client.force_login(UserFactory(birth_year=THIS_YEAR - 15))
    html = client.get("/family/").content.decode()
    assert "Only a parent or carer aged 18 or over can add children." in html
    assert 'name="first_name"' not in html
    client.post("/family/", {"first_name": "Sam", "birth_year": THIS_YEAR - 3})
    assert not User.objects.filter(guardian__isnull=False).exists()


def test_each_child_has_a_printable_card_and_a_download(client, parent):
    sam = child_add(parent=parent, first_name="Sam", birth_year=THIS_YEAR - 8)
    card = client.get(f"/family/{sam.pk}/card/").content.decode()
    assert str(sam.member_code) in card and "<svg" in card
    download = client.get(f"/family/{sam.pk}/download/")
    assert download["Content-Disposition"].startswith("attachment;")
    data = json.loads(download.content)
    assert data["account"]["first_name"] == "Sam"
    assert data["account"]["member_code"] == str(sam.member_code)
    page = client.get(f"/family/{sam.pk}/").content.decode()
    assert "What we keep about this child" in page


def test_another_parents_child_pages_are_not_found(client, parent):
    theirs = child_add(parent=UserFactory(), first_name="Kim", birth_year=THIS_YEAR - 5)
    for suffix in ("", "card/", "download/", "remove/"):
        assert client.get(f"/family/{theirs.pk}/{suffix}").status_code == 404, suffix


def test_removing_a_child_on_the_page_erases_their_data(client, parent):
    sam = child_add(parent=parent, first_name="Sam", birth_year=THIS_YEAR - 8)
    refused = client.post(f"/family/{sam.pk}/remove/", {})
    assert refused.status_code == 400
    answer = client.post(f"/family/{sam.pk}/remove/", {"confirm": "on"})
    assert answer.status_code == 302 and answer["Location"] == "/family/"
    sam.refresh_from_db()
    assert sam.erased_at is not None and sam.display_name == "Former resident"


def test_the_childrens_privacy_notice_in_plain_words_and_in_welsh(client):
    english = client.get("/children/privacy/")
    assert english.status_code == 200
    assert "We never keep where your phone was." in english.content.decode()
    welsh = client.get("/children/privacy/", HTTP_ACCEPT_LANGUAGE="cy")
    assert "Nid ydym byth yn cadw ble roedd eich ffôn." in welsh.content.decode()
    privacy = client.get("/privacy/").content.decode()
    assert 'href="/children/privacy/"' in privacy


def test_an_account_page_and_the_family_page_link_to_each_other(client, parent):
    assert 'href="/family/"' in client.get("/account/").content.decode()
    assert 'href="/children/privacy/"' in client.get("/family/").content.decode()


def test_a_parent_spends_a_childs_points_and_the_voucher_is_the_childs(client, parent):
    venue = VenueFactory()
    item = catalog_item_create(council=venue.council, venue=venue, title="Badge", cost_points=5)
    sam = child_add(parent=parent, first_name="Sam", birth_year=THIS_YEAR - 8)
    give_points(sam, 7, council=venue.council)
    CheckIn.objects.create(
        resident=sam, venue=venue, method="gps", evidence="location", distance_m=5
    )  # the catalog lists the councils a child visited
    page = client.get(f"/family/{sam.pk}/").content.decode()
    assert f'action="/family/{sam.pk}/claim/{item.pk}/"' in page
    answer = client.post(f"/family/{sam.pk}/claim/{item.pk}/", {"claim_key": "k1"}, follow=True)
    assert "Sam claimed Badge." in answer.content.decode()
    again = client.post(f"/family/{sam.pk}/claim/{item.pk}/", {"claim_key": "k1"})  # a double tap
    assert again.status_code == 302
    assert list(Voucher.objects.values_list("resident", flat=True)) == [sam.pk]
    assert sum(balance["points"] for balance in points_balances(sam)) == 2
    assert sum(balance["points"] for balance in points_balances(parent)) == 0
