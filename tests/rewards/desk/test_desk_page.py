"""The staff desk (/desk/) through Django's test client: who gets in, and what each outcome
says. The browser journey is in tests/browser/test_desk.py."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rewards.catalog.services import catalog_item_create
from rewards.models import Voucher, VoucherStatus
from tests.factories import UserFactory, VenueFactory, council_admin_of, venue_staff_of
from tests.rewards.helpers import issued_voucher

pytestmark = pytest.mark.django_db


def voucher_for(resident, venue, title="Free coffee") -> Voucher:
    item = catalog_item_create(
        council=venue.council, venue=venue, title=title, cost_points=50, stock=5
    )
    return issued_voucher(resident, item)


@pytest.fixture
def venue():
    return VenueFactory(name="Leeds Central Library")


@pytest.fixture
def voucher(venue):
    return voucher_for(UserFactory(display_name="Rosa Resident"), venue)


@pytest.fixture
def staff_client(client, venue):
    client.force_login(venue_staff_of(venue))
    return client


def redeem(client, code: str, **extra):
    return client.post("/desk/", {"code": code, **extra})


def test_signed_out_staff_are_sent_to_sign_in_and_back(client):
    answer = client.get("/desk/")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/accounts/login/?next=/desk/"


def test_a_resident_without_a_role_is_told_the_desk_is_for_staff(client):
    client.force_login(UserFactory())
    page = client.get("/desk/")
    assert page.status_code == 403
    assert "The desk is for venue staff" in page.content.decode()


def test_the_page_has_a_labelled_code_field_and_a_redeem_button(staff_client):
    html = staff_client.get("/desk/").content.decode()
    assert '<label class="field__label" for="id_code">Voucher code</label>' in html
    assert ">Redeem</button>" in html


def test_a_typed_code_in_any_case_with_spaces_is_redeemed_and_shown(staff_client, voucher):
    typed = " " + voucher.code.replace("-", " ").lower() + " "
    page = redeem(staff_client, typed)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Redeemed" in html and "Free coffee" in html and "Rosa Resident" in html
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.REDEEMED


def test_a_second_try_says_already_redeemed_with_when(staff_client, voucher):
    redeem(staff_client, voucher.code)
    page = redeem(staff_client, voucher.code)
    assert page.status_code == 409
    html = page.content.decode()
    assert "Already redeemed" in html and "Rosa Resident" in html
    assert "Leeds Central Library" in html  # where it was redeemed


def test_an_expired_voucher_is_refused_in_plain_words(staff_client, voucher):
    now = timezone.now()
    Voucher.objects.filter(pk=voucher.pk).update(
        issued_at=now - timedelta(days=2), expires_at=now - timedelta(days=1)
    )
    page = redeem(staff_client, voucher.code)
    assert page.status_code == 410
    assert "Expired or cancelled" in page.content.decode()
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.ISSUED


def test_an_unknown_code_says_so(staff_client):
    page = redeem(staff_client, "ZZZZ-ZZZZ")
    assert page.status_code == 404
    assert "No voucher has this code" in page.content.decode()


def test_another_venues_voucher_is_refused_without_details(staff_client):
    elsewhere = voucher_for(UserFactory(display_name="Other Person"), VenueFactory())
    page = redeem(staff_client, elsewhere.code)
    assert page.status_code == 403
    html = page.content.decode()
    assert "This voucher is for another venue" in html
    assert "Other Person" not in html
    elsewhere.refresh_from_db()
    assert elsewhere.status == VoucherStatus.ISSUED


def test_an_empty_code_is_an_error_beside_the_field(staff_client):
    page = redeem(staff_client, " - ")
    assert page.status_code == 200
    html = page.content.decode()
    assert "There is a problem" in html and "Enter the voucher code." in html


def test_a_council_admin_chooses_the_venue_they_redeem_at(client, venue, voucher):
    client.force_login(council_admin_of(venue.council))
    other = VenueFactory(council=venue.council, name="Armley Library")
    html = client.get("/desk/").content.decode()
    assert "Armley Library" in html and 'name="venue"' in html
    refused = redeem(client, voucher.code, venue=str(other.pk))
    assert refused.status_code == 403
    assert redeem(client, voucher.code, venue=str(venue.pk)).status_code == 200
