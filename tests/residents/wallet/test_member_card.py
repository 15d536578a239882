"""The resident's member code on the wallet and on a printable card, whose QR scans to it."""

import re

import pytest
import zxingcpp
from django.test import Client

from accounts.member_codes import member_code_of
from tests.factories import UserFactory
from tests.residents.helpers import signed_in
from tests.residents.wallet.svg import svg_to_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident():
    return UserFactory(display_name="Rosa")


def test_the_wallet_shows_the_member_code_and_links_the_card(resident):
    page = signed_in(resident).get("/wallet/").content.decode()
    assert member_code_of(user=resident) in page
    assert 'href="/wallet/card/"' in page


def test_the_card_shows_the_name_and_code_and_its_qr_scans_to_the_code(resident):
    response = signed_in(resident).get("/wallet/card/")
    assert response.status_code == 200
    html = response.content.decode()
    code = member_code_of(user=resident)
    assert "Rosa" in html and code in html
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert "style=" not in svg  # nothing the page's CSP refuses
    [read] = zxingcpp.read_barcodes(svg_to_image(svg), formats=zxingcpp.BarcodeFormat.QRCode)
    assert read.text == code


def test_the_card_needs_a_session(resident):
    response = Client().get("/wallet/card/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_lost_card_gets_a_new_code_and_the_old_one_names_nobody(resident):
    from accounts.member_codes import member_find

    old = member_code_of(user=resident)
    page = signed_in(resident).post("/wallet/card/new/", follow=True)
    new = member_code_of(user=resident)
    assert new != old and f"Your new member code is {new}" in page.content.decode()
    assert member_find(typed=old) is None and member_find(typed=new) == resident
