"""The poster's page and the evidence of presence: what a poster alone does not earn and what
would, the 272 km refusal in words, and the desk screen's code opening the same page (read once
while fresh, then good for signing in first)."""

import re

import pytest
from django.test import Client

from checkins.models import CheckIn
from rewards.offers.services import offer_create
from tests.factories import UserFactory, VenueFactory
from tests.residents.helpers import signed_in
from venues.posters.services import poster_create
from venues.screens.services import SCREEN_PAGE_GRACE, screen_code_current

pytestmark = pytest.mark.django_db

AT_THE_VENUE = {"latitude": "51.536387", "longitude": "0.079994", "accuracy_m": "12"}
# ~272 km north-north-west of the venue.
FAR_AWAY = {"latitude": "53.9", "longitude": "-1.0", "accuracy_m": "12"}


@pytest.fixture
def venue():
    venue = VenueFactory(name="Barking Learning Centre")
    offer_create(
        council=None,
        venue=venue,
        created_by=None,
        title="Free hot drink",
        rule="every_checkin",
        voucher_title="Free hot drink",
        accepts=["location", "poster_and_location", "desk_screen", "staff"],
    )
    offer_create(
        council=None,
        venue=venue,
        created_by=None,
        title="Points for every visit",
        rule="every_checkin",
        points=10,
    )
    return venue


@pytest.fixture
def poster(venue):
    return poster_create(venue=venue, label="Main entrance", created_by=None)


@pytest.fixture
def browser():
    return signed_in(UserFactory())


def text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def outcome(response) -> str:
    """The words of the result panel alone (it comes before the council's name)."""
    html = re.search(r'id="outcome".*?(?=<p class="muted">)', response.content.decode(), re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html.group(0)).split())


def test_the_page_says_which_rewards_need_more_than_the_poster(client, poster):
    words = text(client.get(f"/q/{poster.token}"))
    assert "Some rewards need more than the poster" in words
    assert (
        "Allow your location, scan the code on the screen by the desk, or ask staff at the "
        "desk to check you in, to earn “Free hot drink”." in words
    )
    assert "to earn “Points for every visit”" not in words


def test_a_poster_alone_says_what_would_have_earned_the_hot_drink(browser, poster):
    response = browser.post(f"/q/{poster.token}", follow=True)
    words = outcome(response)
    assert "You have checked in" in words and "You earned 10 points" in words
    assert "Allow your location, scan the code on the screen by the desk" in words
    assert "to earn “Free hot drink”" in words
    assert "You earned a voucher" not in words


def test_with_the_location_it_earns_the_hot_drink_and_says_nothing_more(browser, poster):
    response = browser.post(f"/q/{poster.token}", AT_THE_VENUE, follow=True)
    words = outcome(response)
    assert "You earned a voucher: Free hot drink" in words
    assert "to earn" not in words


def test_refused_far_away_then_the_poster_alone_is_refused_in_words(browser, poster):
    far = browser.post(f"/q/{poster.token}", FAR_AWAY)
    assert far.status_code == 400 and "You seem to be too far away" in text(far)

    declined = browser.post(f"/q/{poster.token}")

    assert declined.status_code == 400
    words = text(declined)
    assert "Allow your location to check in" in words
    assert "Your phone placed you 27" in words and "km from Barking Learning Centre" in words
    assert "or ask staff at the desk" in words
    assert not CheckIn.objects.exists()


class TestTheScreensCode:
    def test_it_opens_the_same_page_and_checks_in_as_the_desk_screen(self, browser, venue):
        token = screen_code_current(venue=venue).token
        page = browser.get(f"/q/{token}")
        assert page.status_code == 200 and "Barking Learning Centre" in text(page)
        assert "Some rewards need more than" not in text(page)  # the screen earns them all

        done = browser.post(f"/q/{token}", follow=True)

        words = text(done)
        assert "with the code on the screen by the desk" in words
        assert "Free hot drink" in words and "You earned 10 points" in words
        assert CheckIn.objects.get().evidence == "desk_screen"

    def test_read_while_fresh_it_survives_signing_in_first(self, venue, clock):
        resident = UserFactory()
        phone = Client()
        token = screen_code_current(venue=venue).token
        assert phone.get(f"/q/{token}").status_code == 200  # signed out: "Sign in"
        clock.advance(minutes=3)  # the screen's code changed long ago
        phone.force_login(resident)
        response = phone.post(f"/q/{token}", follow=True)
        assert "You have checked in" in text(response)
        assert CheckIn.objects.get(resident=resident).evidence == "desk_screen"

    def test_but_not_forever(self, browser, venue, clock):
        token = screen_code_current(venue=venue).token
        browser.get(f"/q/{token}")
        clock.advance(seconds=SCREEN_PAGE_GRACE.total_seconds() + 1)
        response = browser.post(f"/q/{token}")
        assert response.status_code == 400 and "This code has changed" in text(response)
        assert not CheckIn.objects.exists()

    def test_a_code_opened_after_it_changed_asks_to_scan_again(self, browser, venue, clock):
        token = screen_code_current(venue=venue).token
        clock.advance(minutes=1)
        response = browser.get(f"/q/{token}")
        assert response.status_code == 400
        assert "This code has changed" in text(response) and "Scan the code" in text(response)
