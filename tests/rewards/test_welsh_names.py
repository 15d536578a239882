"""Welsh names (API.md, "Welsh names"): councils' ``name_cy``, offers' ``title_cy``,
``description_cy`` and ``voucher_title_cy``, catalog items' ``title_cy``. Written by whoever
writes the English, returned beside it, and shown instead of it to a Welsh reader: in the API's
words, the wallet, the poster's page and the printed poster, the voucher."""

import re

import pytest

from accounts.children.services import child_add
from checkins.services import checkin_record
from rewards.catalog.services import catalog_item_create
from rewards.models import CatalogItem, Offer, Voucher
from rewards.offers.services import offer_create
from rewards.offers.wording import offer_summary
from tests.api import success
from tests.conftest import client_for
from tests.factories import CouncilFactory, UserFactory, VenueFactory, council_admin_of
from tests.residents.helpers import signed_in
from tests.rewards.helpers import give_points
from venues.models import Council, CouncilLanguage
from venues.posters.services import poster_create
from venues.posters.wording import poster_council_name, poster_venue_names, poster_words

pytestmark = pytest.mark.django_db
WELSH = {"HTTP_ACCEPT_LANGUAGE": "cy"}


def text(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def council():
    return CouncilFactory(
        name="Gwynedd Council", name_cy="Cyngor Gwynedd", language=CouncilLanguage.BILINGUAL
    )


@pytest.fixture
def venue(council):
    return VenueFactory(council=council, name="Bangor Library", name_cy="Llyfrgell Bangor")


@pytest.fixture
def offer(venue):
    return offer_create(
        council=None,
        venue=venue,
        created_by=None,
        title="A coffee on us",
        title_cy="Coffi gennym ni",
        description="Show the code at the café.",
        description_cy="Dangoswch y cod yn y caffi.",
        rule="every_checkin",
        voucher_title="Free coffee",
        voucher_title_cy="Coffi am ddim",
    )


@pytest.fixture
def item(venue):
    return catalog_item_create(
        council=venue.council, title="Swim session", title_cy="Sesiwn nofio", cost_points=30
    )


def test_a_superuser_writes_a_councils_welsh_name_and_it_comes_back_beside_the_english(
    api_client,
):
    admin = UserFactory(is_superuser=True, is_staff=True)
    made = success(
        client_for(admin),
        "post",
        "/api/v1/councils/",
        {"slug": "gwynedd", "name": "Gwynedd Council", "name_cy": "Cyngor Gwynedd"},
        status=201,
    ).json()
    assert (made["name"], made["name_cy"]) == ("Gwynedd Council", "Cyngor Gwynedd")
    assert Council.objects.get(slug="gwynedd").name_cy == "Cyngor Gwynedd"
    read = success(api_client, "get", "/api/v1/councils/gwynedd/").json()
    assert (read["name"], read["name_cy"]) == ("Gwynedd Council", "Cyngor Gwynedd")


def test_an_offers_welsh_fields_are_written_and_read_through_the_api(venue):
    client = client_for(council_admin_of(venue.council))
    made = success(
        client,
        "post",
        "/api/v1/offers/",
        {
            "venue": str(venue.id),
            "title": "A coffee on us",
            "title_cy": "Coffi gennym ni",
            "description_cy": "Dangoswch y cod.",
            "rule": "first_checkin",
            "voucher_title": "Free coffee",
            "voucher_title_cy": "Coffi am ddim",
        },
        status=201,
    ).json()
    assert made["title_cy"] == "Coffi gennym ni" and made["voucher_title_cy"] == "Coffi am ddim"
    offer = Offer.objects.get(pk=made["id"])
    assert (offer.description_cy, offer.voucher_title_cy) == ("Dangoswch y cod.", "Coffi am ddim")
    changed = success(
        client, "patch", f"/api/v1/offers/{offer.pk}/", {"voucher_title_cy": "Paned am ddim"}
    ).json()
    assert changed["voucher_title_cy"] == "Paned am ddim"
    listed = f"/api/v1/venues/{venue.id}/offers/"
    (welsh,) = success(client, "get", listed, **WELSH).json()["results"]
    (english,) = success(client, "get", listed).json()["results"]
    assert "“Paned am ddim”" in welsh["summary"] and "Free coffee" not in welsh["summary"]
    assert "“Free coffee”" in english["summary"]


def test_a_catalog_items_welsh_title_is_written_and_read_through_the_api(venue):
    client = client_for(council_admin_of(venue.council))
    made = success(
        client,
        "post",
        "/api/v1/catalog/",
        {
            "council": venue.council.slug,
            "title": "Swim session",
            "title_cy": "Sesiwn nofio",
            "cost_points": 30,
        },
        status=201,
    ).json()
    assert (made["title"], made["title_cy"]) == ("Swim session", "Sesiwn nofio")
    changed = success(
        client, "patch", f"/api/v1/catalog/{made['id']}/", {"title_cy": "Sesiwn yn y pwll"}
    ).json()
    assert changed["title_cy"] == "Sesiwn yn y pwll"
    assert CatalogItem.objects.get(pk=made["id"]).title_cy == "Sesiwn yn y pwll"


def test_an_offer_in_words_uses_the_welsh_voucher_title_for_a_welsh_reader(offer):
    assert offer_summary(offer, "cy").sentence == "Taleb ar gyfer “Coffi am ddim” bob ymweliad."
    assert offer_summary(offer, "en-gb").sentence == "A voucher for “Free coffee” every visit."


def test_a_voucher_keeps_the_welsh_title_it_was_issued_with(offer, venue):
    resident = UserFactory()
    poster = poster_create(venue=venue, label="Door", created_by=None)
    checkin_record(resident=resident, qr_token=poster.token)
    voucher = Voucher.objects.get(resident=resident)
    assert (voucher.title, voucher.title_cy) == ("Free coffee", "Coffi am ddim")


def test_the_welsh_wallet_shows_the_welsh_names_of_council_offer_voucher_and_item(
    offer, item, venue
):
    resident = UserFactory()
    poster = poster_create(venue=venue, label="Door", created_by=None)
    checkin_record(resident=resident, qr_token=poster.token)
    give_points(resident, 5, council=venue.council)
    browser = signed_in(resident)
    welsh = text(browser.get("/wallet/", **WELSH))
    assert "Coffi am ddim" in welsh and "Sesiwn nofio" in welsh and "Cyngor Gwynedd" in welsh
    assert "Free coffee" not in welsh and "Swim session" not in welsh
    assert "Gwynedd Council" not in welsh
    english = text(browser.get("/wallet/"))
    assert "Free coffee" in english and "Swim session" in english
    assert "Gwynedd Council" in english and "Cyngor Gwynedd" not in english


def test_a_childs_wallet_page_shows_the_welsh_names_too(offer, item, venue):
    parent = UserFactory(birth_year=1980)
    sam = child_add(parent=parent, first_name="Sam", birth_year=2018)
    poster = poster_create(venue=venue, label="Door", created_by=None)
    checkin_record(resident=sam, qr_token=poster.token)
    give_points(sam, 5, council=venue.council)
    welsh = text(signed_in(parent).get(f"/family/{sam.pk}/", **WELSH))
    assert "Coffi am ddim" in welsh and "Sesiwn nofio" in welsh and "Cyngor Gwynedd" in welsh
    assert "Free coffee" not in welsh and "Swim session" not in welsh


def test_a_bilingual_councils_poster_page_opens_in_welsh_with_the_welsh_names(offer, venue):
    poster = poster_create(venue=venue, label="Door", created_by=None)
    words = text(signed_in(UserFactory()).get(f"/q/{poster.token}"))
    assert "Llyfrgell Bangor" in words and "Cyngor Gwynedd" in words
    assert "Coffi gennym ni" in words and "Dangoswch y cod yn y caffi." in words
    assert "A coffee on us" not in words and "Gwynedd Council" not in words


def test_a_bilingual_poster_prints_the_councils_two_names_welsh_first(venue):
    poster = poster_create(venue=venue, label="Door", created_by=None)
    words = poster_words(poster)
    assert poster_council_name(words) == "Cyngor Gwynedd / Gwynedd Council"
    assert poster_venue_names(words) == ["Llyfrgell Bangor", "Bangor Library"]


def test_a_council_without_a_welsh_name_prints_its_one_name():
    venue = VenueFactory(council__name="Powys Council", council__language=CouncilLanguage.BILINGUAL)
    words = poster_words(poster_create(venue=venue, label="Door", created_by=None))
    assert poster_council_name(words) == "Powys Council"


def test_the_venue_page_names_the_council_in_welsh_for_a_welsh_reader(venue, offer):
    welsh = text(signed_in(UserFactory()).get(f"/v/{venue.id}/", **WELSH))
    assert "Cyngor Gwynedd" in welsh and "Coffi gennym ni" in welsh
    assert "Gwynedd Council" not in welsh
