"""The poster's page, ``/q/<token>``, through Django's test client: what it shows signed in and
out, the check-in form without JavaScript, each refusal in words, the result, and commenting."""

import re

import pytest
from django.test import Client

from checkins.models import CheckIn, CheckinAttempt, Comment
from rewards.models import Voucher
from tests.factories import UserFactory, VenueFactory
from tests.residents.helpers import points_and_voucher_offers, signed_in
from tests.venues.posters.helpers import printed_before_issue_12
from venues.posters.services import poster_create, poster_revoke

pytestmark = pytest.mark.django_db

# The venue of VenueFactory, and a point ~1.1 km east of it.
AT_THE_VENUE = {"latitude": "51.536387", "longitude": "0.079994", "accuracy_m": "12"}
FAR_AWAY = {"latitude": "51.536387", "longitude": "0.096", "accuracy_m": "12"}


@pytest.fixture
def venue():
    return VenueFactory(name="Barking Learning Centre", council__name="Barking and Dagenham")


@pytest.fixture
def poster(venue):
    return poster_create(venue=venue, label="Main entrance", created_by=None)


@pytest.fixture
def resident():
    return UserFactory(display_name="Rosa")


@pytest.fixture
def browser(resident):
    return signed_in(resident)


def page(poster) -> str:
    return f"/q/{poster.token}"


def text(response) -> str:
    """The page's words, tags removed and white space collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


class TestSignedOut:
    def test_it_shows_the_venue_its_offers_and_sign_in_links_that_come_back(
        self, client, poster, venue
    ):
        points_and_voucher_offers(venue)
        response = client.get(page(poster))
        assert response.status_code == 200
        words = text(response)
        assert "Barking Learning Centre" in words and "Barking and Dagenham" in words
        assert "Points for every visit" in words and "A coffee on us" in words
        html = response.content.decode()
        back = f"next=%2Fq%2F{poster.token}"
        assert f'href="/accounts/login/?{back}"' in html
        assert f'href="/accounts/register/?{back}"' in html
        assert "Check in</button>" not in html

    def test_a_check_in_posted_without_a_session_asks_to_sign_in(self, poster):
        response = Client().post(page(poster), AT_THE_VENUE)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next=%2Fq%2F{poster.token}"
        assert not CheckIn.objects.exists()

    def test_get_the_app_only_when_its_address_is_set(self, client, settings, poster):
        settings.APP_DOWNLOAD_URL = ""
        assert "Get the app" not in text(client.get(page(poster)))
        settings.APP_DOWNLOAD_URL = "https://apps.example.org/checkins"
        html = client.get(page(poster)).content.decode()
        assert 'href="https://apps.example.org/checkins"' in html and "Get the app" in html

    def test_it_loads_nothing_from_elsewhere_and_inlines_no_script_or_style(self, client, poster):
        response = client.get(page(poster))
        html = response.content.decode()
        assert not re.search(r"(src|href)=\"(https?:)?//", html)
        assert "<style" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert "no-cache" in response["Cache-Control"]

    def test_venue_names_are_escaped(self, client):
        venue = VenueFactory(name='<script>alert("x")</script>')
        poster = poster_create(venue=venue, label="a", created_by=None)
        html = client.get(page(poster)).content.decode()
        assert "<script>alert" not in html and "&lt;script&gt;alert" in html


class TestProblems:
    @pytest.mark.parametrize("token", ["not-a-token", "a.b.c", "A" * 92])
    def test_a_bad_token_is_a_not_found_page_pointing_to_the_code_form(self, client, token):
        response = client.get(f"/q/{token}")
        assert response.status_code == 404
        assert "not recognised" in text(response)
        assert 'href="/q/"' in response.content.decode()

    def test_a_revoked_poster_says_withdrawn_and_offers_no_check_in(self, browser, poster):
        poster_revoke(poster=poster, revoked_by=None)
        response = browser.get(page(poster))
        assert response.status_code == 410
        assert "withdrawn" in text(response) and "Check in</button>" not in text(response)
        posted = browser.post(page(poster), AT_THE_VENUE)
        assert posted.status_code == 410 and "withdrawn" in text(posted)
        assert not CheckIn.objects.exists()


class TestCheckIn:
    def test_signed_in_the_page_has_a_real_check_in_form(self, browser, poster):
        html = browser.get(page(poster)).content.decode()
        form = re.search(
            r'<form method="post" action="([^"]+)" id="checkin-form".*?</form>', html, re.S
        )
        assert form and form.group(1) == page(poster)
        assert "csrfmiddlewaretoken" in form.group(0) and ">Check in</button>" in form.group(0)

    def test_without_javascript_the_form_checks_in_by_the_qr_alone(self, browser, poster):
        empty_fix = {"latitude": "", "longitude": "", "accuracy_m": ""}
        response = browser.post(page(poster), empty_fix)
        assert response.status_code == 303
        checkin = CheckIn.objects.get()
        assert (checkin.method, checkin.poster, checkin.distance_m) == ("qr", poster, None)
        assert response["Location"] == f"{page(poster)}?checked_in={checkin.pk}"

    def test_the_result_shows_the_points_and_each_vouchers_title_and_code(
        self, browser, poster, venue
    ):
        points_and_voucher_offers(venue, points=10, voucher_title="Free coffee")
        response = browser.post(page(poster), AT_THE_VENUE, follow=True)
        voucher = Voucher.objects.get()
        words = text(response)
        assert "You have checked in" in words
        assert "You earned 10 points" in words
        assert "Free coffee" in words and voucher.code in words
        assert CheckIn.objects.get().distance_m < 5

    def test_reloading_the_result_does_not_check_in_again(self, browser, poster):
        result = browser.post(page(poster), {}).headers["Location"]
        assert "You have checked in" in text(browser.get(result))
        assert "You have checked in" in text(browser.get(result))
        assert CheckIn.objects.count() == 1

    def test_someone_elses_result_is_not_shown(self, browser, poster):
        result = browser.post(page(poster), {}).headers["Location"]
        assert "You have checked in" not in text(signed_in(UserFactory()).get(result))

    def test_a_second_check_in_explains_the_cooldown_in_words(self, browser, poster, clock):
        browser.post(page(poster), {})
        clock.advance(seconds=61)
        response = browser.post(page(poster), {})
        assert response.status_code == 409
        assert "You can check in here again in 3 hours 59 minutes" in text(response)
        assert CheckIn.objects.count() == 1

    def test_outside_the_geofence_is_refused_with_the_distance(self, browser, poster):
        response = browser.post(page(poster), FAR_AWAY)
        assert response.status_code == 400
        words = text(response)
        assert "too far away" in words
        distance = re.search(r"places you ([\d.]+) km from Barking Learning Centre", words)
        assert distance and 1.0 < float(distance.group(1)) < 1.3
        assert CheckinAttempt.objects.get().reason == "outside_geofence"

    def test_a_partial_or_malformed_fix_counts_as_no_fix(self, browser, poster):
        response = browser.post(page(poster), {"latitude": "51.5", "longitude": "abc"})
        assert response.status_code == 303
        assert CheckIn.objects.get().latitude is None

    def test_a_poster_printed_before_issue_12_still_checks_in(self, browser, venue):
        old = printed_before_issue_12(venue)
        response = browser.post(f"/q/{old.token}", {}, follow=True)
        assert "You have checked in" in text(response)
        assert CheckIn.objects.get().poster == old

    def test_a_post_without_its_csrf_token_is_refused_in_plain_words(self, resident, poster):
        client = Client(enforce_csrf_checks=True)
        client.force_login(resident)
        response = client.post(page(poster), {})
        assert response.status_code == 403
        assert "This page has expired" in text(response) and "csrf" not in text(response).lower()
        assert f'href="{page(poster)}"' in response.content.decode()
        assert not CheckIn.objects.exists()


class TestComment:
    def test_after_checking_in_a_resident_rates_and_comments(self, browser, poster, venue):
        result = browser.post(page(poster), {}, follow=True)
        assert "Rate your visit" in text(result)
        response = browser.post(
            f"{page(poster)}/comment", {"rating": "4", "body": "Quiet and warm."}, follow=True
        )
        assert "Your comment is published" in text(response)
        comment = Comment.objects.get()
        assert (comment.venue, comment.rating, comment.body) == (venue, 4, "Quiet and warm.")

    def test_without_a_check_in_the_comment_is_refused_beside_the_field(self, browser, poster):
        response = browser.post(f"{page(poster)}/comment", {"body": "Hello"})
        assert response.status_code == 400
        assert "Check in at Barking Learning Centre first" in text(response)
        assert 'class="field field--error"' in response.content.decode()
        assert not Comment.objects.exists()

    def test_an_empty_comment_is_an_error_tied_to_its_field(self, browser, poster, resident):
        browser.post(page(poster), {})
        response = browser.post(f"{page(poster)}/comment", {"body": ""})
        html = response.content.decode()
        assert "Write your comment." in text(response)
        assert 'href="#id_body"' in html
        described_by = re.search(r'<textarea[^>]*aria-describedby="([^"]+)"', html).group(1).split()
        error_box = re.search(r'<div id="(id_body_error)">\s*<p class="field__error">', html)
        assert error_box and error_box.group(1) in described_by

    def test_signed_out_commenting_asks_to_sign_in(self, poster):
        response = Client().post(f"{page(poster)}/comment", {"body": "Hi"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert not Comment.objects.exists()


class TestPosterCode:
    def test_the_form_is_labelled(self, client):
        response = client.get("/q/")
        assert response.status_code == 200
        html = response.content.decode()
        assert '<label class="field__label" for="id_code">Poster code</label>' in html
        assert "Enter the code under the QR" in text(response)

    @pytest.mark.parametrize("typed", ["{code}", "{lower}", "{half1}-{half2}", " {half1} {half2} "])
    def test_a_typed_code_goes_to_the_posters_page(self, client, poster, typed):
        code = poster.code
        entered = typed.format(code=code, lower=code.lower(), half1=code[:4], half2=code[4:])
        response = client.get("/q/", {"code": entered})
        assert response.status_code == 302 and response["Location"] == page(poster)

    def test_an_unknown_code_is_an_error_beside_the_field(self, client, poster):
        response = client.get(
            "/q/", {"code": "ZZZZ-ZZZZ" if poster.code != "ZZZZZZZZ" else "2222-2222"}
        )
        assert response.status_code == 404
        assert "No poster has this code" in text(response)
        assert 'href="#id_code"' in response.content.decode()
