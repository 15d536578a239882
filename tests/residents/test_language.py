"""The resident pages in Welsh: chosen with the switch, asked for by the browser, or set by the
council for its venues' pages; the venue's Welsh name, the refusals and the wallet in Welsh."""

import re

import pytest
from django.test import Client

from tests.factories import UserFactory, VenueFactory
from tests.residents.helpers import signed_in
from venues.models import CouncilLanguage
from venues.posters.services import poster_create

pytestmark = pytest.mark.django_db

WELSH = {"HTTP_ACCEPT_LANGUAGE": "cy"}


def text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def poster_of(**venue):
    venue.setdefault("name", "Pool Road Library")
    venue.setdefault("name_cy", "Llyfrgell Ffordd y Pŵl")
    return poster_create(venue=VenueFactory(**venue), label="Entrance", created_by=None)


def test_the_landing_page_is_in_welsh_when_the_browser_asks(client):
    poster = poster_of(description="Books and more.", description_cy="Llyfrau a mwy.")
    response = client.get(f"/q/{poster.token}", **WELSH)
    words = text(response)
    assert response["Content-Language"] == "cy"
    assert '<html lang="cy">' in response.content.decode()
    assert "Llyfrgell Ffordd y Pŵl" in words and "Pool Road Library" not in words
    assert "Llyfrau a mwy." in words
    assert "Mewngofnodi" in words and "Creu cyfrif" in words
    assert "Dim ffôn clyfar? Gofynnwch i'r staff wrth y ddesg." in words
    assert "English" in words  # the switch offers the other language


def test_in_english_the_venue_keeps_its_english_name(client):
    poster = poster_of()
    response = client.get(f"/q/{poster.token}", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    words = text(response)
    assert response["Content-Language"] == "en-gb"
    assert "Pool Road Library" in words and "Pŵl" not in words
    assert "Cymraeg" in words


@pytest.mark.parametrize("language", [CouncilLanguage.WELSH, CouncilLanguage.BILINGUAL])
def test_a_welsh_or_bilingual_council_opens_its_pages_in_welsh(client, language):
    poster = poster_of(council__language=language)
    response = client.get(f"/q/{poster.token}", HTTP_ACCEPT_LANGUAGE="en-GB")
    assert response["Content-Language"] == "cy"
    assert "Gwirio i mewn" in text(response)


def test_the_readers_own_choice_wins_over_the_council(client):
    poster = poster_of(council__language=CouncilLanguage.WELSH)
    response = client.post(
        "/i18n/setlang/", {"language": "en-gb", "next": f"/q/{poster.token}"}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/q/{poster.token}"
    assert response["Content-Language"] == "en-gb"
    assert "Pool Road Library" in text(response)


def test_a_refused_check_in_is_explained_in_welsh(clock):
    poster = poster_of()
    browser = signed_in(UserFactory())
    browser.post(f"/q/{poster.token}", {}, **WELSH)
    clock.advance(seconds=61)
    response = browser.post(f"/q/{poster.token}", {}, **WELSH)
    assert response.status_code == 409
    words = text(response)
    assert "Rydych chi wedi gwirio i mewn eisoes" in words
    assert (
        "Rydych chi wedi gwirio i mewn yma&#x27;n ddiweddar (Llyfrgell Ffordd y Pŵl). Gallwch "
        "chi wirio i mewn yma eto ymhen 3 awr 59 munud." in words
    )


def test_the_wallet_is_in_welsh():
    browser = signed_in(UserFactory())
    response = browser.get("/wallet/", **WELSH)
    words = text(response)
    assert response.status_code == 200
    assert "Eich waled" in words
    assert "Mae gennych chi 0 pwynt" in words
    assert "Gwario eich pwyntiau" in words and "Eich talebau" in words


def test_the_switch_is_a_form_that_works_without_javascript(client):
    html = client.get("/accounts/login/").content.decode()
    form = re.search(r'<form class="site-header__language".*?</form>', html, flags=re.S).group(0)
    assert 'method="post" action="/i18n/setlang/"' in form
    assert 'name="language" value="cy" lang="cy">Cymraeg' in form
    assert 'name="csrfmiddlewaretoken"' in form


def test_signing_in_in_welsh():
    response = Client().get("/accounts/login/", **WELSH)
    words = text(response)
    assert "Mewngofnodi" in words and "Cyfrinair" in words and "Wedi anghofio" in words
