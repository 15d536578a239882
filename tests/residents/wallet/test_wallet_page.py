"""``/wallet/`` through Django's test client: balance, statement, vouchers with their QR, the
catalog of the resident's councils, claiming (once per form), recent check-ins."""

import re

import pytest
from django.test import Client

from checkins.services import checkin_record
from rewards.catalog.services import catalog_item_create
from rewards.models import Voucher
from rewards.wallet.selectors import points_balance
from tests.factories import UserFactory, VenueFactory
from tests.residents.helpers import signed_in
from tests.rewards.helpers import give_points, issued_voucher, lapse
from venues.posters.services import poster_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def venue():
    return VenueFactory(name="Dagenham Library")


@pytest.fixture
def resident(venue):
    resident = UserFactory()
    poster = poster_create(venue=venue, label="Door", created_by=None)
    checkin_record(resident=resident, qr_token=poster.token)  # a link with the venue's council
    return resident


@pytest.fixture
def browser(resident):
    return signed_in(resident)


@pytest.fixture
def item(venue):
    return catalog_item_create(
        council=venue.council, venue=venue, title="Swim session", cost_points=30, stock=5
    )


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def claim_key(html: str, item) -> str:
    form = re.search(rf'action="/wallet/claim/{item.pk}/".*?</form>', html, re.S).group(0)
    return re.search(r'name="claim_key" value="([^"]+)"', form).group(1)


def test_signed_out_it_asks_to_sign_in_and_comes_back():
    response = Client().get("/wallet/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/wallet/"


def test_it_shows_the_balance_and_the_statement_in_words(browser, resident, item):
    give_points(resident, 45, council=item.council)
    words = text(browser.get("/wallet/"))
    assert "You have 45 points" in words
    assert "earned 45 points" in words and "Balance: 45." in words


def test_it_shows_vouchers_with_their_qr_status_and_expiry(browser, resident, item):
    voucher = issued_voucher(resident, item)
    html = browser.get("/wallet/").content.decode()
    words = text(browser.get("/wallet/"))
    assert voucher.code in words and "Swim session" in words and "Ready to use" in words
    assert voucher.expires_at.strftime("%Y") in words
    qr = f'src="/api/v1/vouchers/{voucher.pk}/qr.png"'
    assert qr in html and f'alt="QR code of voucher {voucher.code}' in html


def test_the_vouchers_qr_is_served_to_its_owner_by_the_session(browser, resident, item):
    voucher = issued_voucher(resident, item)
    response = browser.get(f"/api/v1/vouchers/{voucher.pk}/qr.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert signed_in(UserFactory()).get(f"/api/v1/vouchers/{voucher.pk}/qr.png").status_code == 404


def test_a_lapsed_voucher_reads_expired_and_has_no_qr(browser, resident, item):
    voucher = issued_voucher(resident, item)
    lapse(voucher)
    response = browser.get("/wallet/")
    assert "Expired" in text(response) and "qr.png" not in response.content.decode()


def test_the_catalog_holds_the_items_of_the_residents_councils_only(browser, item):
    catalog_item_create(council=VenueFactory().council, title="Elsewhere", cost_points=1)
    words = text(browser.get("/wallet/"))
    assert "Swim session" in words and "30 points" in words and "5 left" in words
    assert "Elsewhere" not in words


def test_claim_spends_the_points_and_shows_the_voucher(browser, resident, item):
    give_points(resident, 40, council=item.council)
    key = claim_key(browser.get("/wallet/").content.decode(), item)
    response = browser.post(f"/wallet/claim/{item.pk}/", {"claim_key": key}, follow=True)
    voucher = Voucher.objects.get(resident=resident)
    assert "You claimed Swim session" in text(response) and voucher.code in text(response)
    assert points_balance(resident) == 10


def test_a_double_submitted_claim_claims_once(browser, resident, item):
    give_points(resident, 100, council=item.council)
    key = claim_key(browser.get("/wallet/").content.decode(), item)
    browser.post(f"/wallet/claim/{item.pk}/", {"claim_key": key})
    browser.post(f"/wallet/claim/{item.pk}/", {"claim_key": key})
    assert Voucher.objects.filter(resident=resident).count() == 1
    assert points_balance(resident) == 70


def test_two_claim_forms_claim_twice(browser, resident, item):
    give_points(resident, 100, council=item.council)
    for _ in range(2):
        key = claim_key(browser.get("/wallet/").content.decode(), item)
        browser.post(f"/wallet/claim/{item.pk}/", {"claim_key": key})
    assert Voucher.objects.filter(resident=resident).count() == 2
    assert points_balance(resident) == 40


def test_too_few_points_is_said_in_words_and_spends_nothing(browser, resident, item):
    give_points(resident, 10, council=item.council)
    response = browser.post(f"/wallet/claim/{item.pk}/", {"claim_key": "k1"}, follow=True)
    assert "You do not have enough points for this yet" in text(response)
    assert points_balance(resident) == 10 and not Voucher.objects.exists()


def test_claiming_is_held_to_csrf(resident, item):
    give_points(resident, 40, council=item.council)
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    assert client.post(f"/wallet/claim/{item.pk}/", {"claim_key": "k"}).status_code == 403
    assert points_balance(resident) == 40


def test_it_lists_recent_check_ins(browser):
    assert "Dagenham Library" in text(browser.get("/wallet/"))


def test_a_claim_key_reused_for_another_item_is_refused_in_words_not_a_500(
    browser, resident, item, venue
):
    other = catalog_item_create(
        council=venue.council, venue=venue, title="Free printing", cost_points=10, stock=5
    )
    give_points(resident, 100, council=item.council)
    key = claim_key(browser.get("/wallet/").content.decode(), item)
    browser.post(f"/wallet/claim/{item.pk}/", {"claim_key": key})
    response = browser.post(f"/wallet/claim/{other.pk}/", {"claim_key": key}, follow=True)
    assert response.status_code == 200
    assert Voucher.objects.filter(resident=resident).count() == 1
    assert points_balance(resident=resident) == 70


def test_points_show_per_scheme_and_an_item_says_what_the_resident_lacks_there(
    browser, resident, item, venue, settings
):
    settings.CHECKIN_COOLDOWN_SECONDS = 0
    elsewhere = VenueFactory(name="Romford Library", latitude=venue.latitude + 0.0003)
    elsewhere.council.name = "Havering"
    elsewhere.council.save()
    poster = poster_create(venue=elsewhere, label="Door", created_by=None)
    checkin_record(resident=resident, qr_token=poster.token)
    catalog_item_create(council=elsewhere.council, title="Romford swim", cost_points=30)
    give_points(resident, 45, council=venue.council)
    give_points(resident, 10, council=elsewhere.council)

    words = text(browser.get("/wallet/"))

    assert "You have 55 points" in words
    assert f"45 points to spend at {venue.council.name}." in words
    assert "10 points to spend at Havering." in words
    assert "You need 20 more points earned at Havering." in words  # Romford swim, 30
    swim_here = words.split("Swim session")[1].split("Points statement")[0]
    assert "You need" not in swim_here  # 45 points with this council: enough


def test_the_statement_says_what_each_entry_was_for_in_the_readers_language(
    browser, resident, item
):
    """The ledger keeps its memos in English (the record); a Welsh reader's statement says
    them in Welsh, with the same titles."""
    from rewards.ledger.models import LedgerTransaction

    give_points(resident, 40, council=item.council)
    key = claim_key(browser.get("/wallet/").content.decode(), item)
    browser.post(f"/wallet/claim/{item.pk}/", {"claim_key": key})
    assert LedgerTransaction.objects.filter(memo="Claimed: Swim session").exists()
    assert "(Claimed: Swim session)" in text(browser.get("/wallet/"))
    welsh = text(browser.get("/wallet/", HTTP_ACCEPT_LANGUAGE="cy"))
    assert "(Hawliwyd: Swim session)" in welsh and "Claimed" not in welsh
