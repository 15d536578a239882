"""The desk's check-in page (``/desk/check-in/``) and the screen by the entrance
(``/desk/screen/``), through Django's test client. The browser journeys are in
tests/browser/test_desk.py."""

import re

import pytest
import zxingcpp
from django.test import Client

from accounts.member_codes import member_code_of
from checkins.models import CheckIn
from rewards.offers.services import offer_create
from tests.factories import UserFactory, VenueFactory, venue_manager_of, venue_staff_of
from tests.residents.wallet.svg import svg_to_image
from venues.models import CouncilLanguage, Role
from venues.screens.tokens import verify_screen_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def venue():
    venue = VenueFactory(name="Leeds Central Library")
    offer_create(
        council=None,
        venue=venue,
        created_by=None,
        title="Free hot drink",
        rule="every_checkin",
        voucher_title="Free hot drink",
        accepts=["location", "desk_screen", "staff"],
    )
    return venue


@pytest.fixture
def staff(venue):
    return venue_staff_of(venue)


@pytest.fixture
def desk(staff):
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def resident():
    return UserFactory(display_name="Rosa Resident", email="rosa@example.org")


def words(page) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page.content.decode()).split())


def attempt_of(page) -> str:
    return re.search(r'name="attempt" value="([0-9a-f]+)"', page.content.decode()).group(1)


class TestCheckSomeoneIn:
    def test_by_member_code_in_green_with_what_they_earned(self, desk, staff, resident):
        page = desk.get("/desk/check-in/")
        assert "Member code or email" in words(page)
        done = desk.post(
            "/desk/check-in/",
            {"resident": member_code_of(user=resident), "attempt": attempt_of(page)},
        )
        assert done.status_code == 201
        assert 'class="outcome outcome--give"' in done.content.decode()
        shown = words(done)
        assert "Checked in: Rosa Resident" in shown and "Free hot drink" in shown
        checkin = CheckIn.objects.get()
        assert (checkin.evidence, checkin.assisted_by) == ("staff", staff)

    def test_by_email_and_a_double_tap_checks_in_once(self, desk, resident):
        attempt = attempt_of(desk.get("/desk/check-in/"))
        for _ in range(2):
            page = desk.post(
                "/desk/check-in/", {"resident": "rosa@example.org", "attempt": attempt}
            )
            assert page.status_code == 201 and "Checked in: Rosa Resident" in words(page)
        assert CheckIn.objects.count() == 1

    def test_a_second_check_in_is_refused_in_red_with_the_wait(self, desk, resident):
        desk.post("/desk/check-in/", {"resident": resident.email})
        page = desk.post("/desk/check-in/", {"resident": resident.email})
        assert page.status_code == 409
        assert 'class="outcome outcome--refuse"' in page.content.decode()
        shown = words(page)
        assert "Not checked in" in shown and "Already checked in" in shown
        assert (
            "They can check in again in 4 h" in shown or "They can check in again in 3 h" in shown
        )

    def test_an_unknown_member_is_said_plainly(self, desk):
        page = desk.post("/desk/check-in/", {"resident": "ABCD-EFGH"})
        assert page.status_code == 404 and "Unknown member" in words(page)

    def test_an_empty_field_is_an_error_beside_it(self, desk):
        page = desk.post("/desk/check-in/", {"resident": ""})
        assert "Enter their member code or email." in words(page)
        assert not CheckIn.objects.exists()

    def test_residents_are_told_the_desk_is_for_staff(self, resident):
        client = Client()
        client.force_login(resident)
        assert client.get("/desk/check-in/").status_code == 403


class TestTheScreen:
    def test_it_shows_the_venues_code_as_a_qr_that_scans_to_its_page(self, desk, venue):
        page = desk.get(f"/desk/screen/?venue={venue.pk}")
        assert page.status_code == 200
        html = page.content.decode()
        assert "Check in at Leeds Central Library" in words(page)
        svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
        [read] = zxingcpp.read_barcodes(svg_to_image(svg), formats=zxingcpp.BarcodeFormat.QRCode)
        token = read.text.rsplit("/q/", 1)[1]
        assert verify_screen_token(token).venue_id == venue.id
        assert '<noscript><meta http-equiv="refresh"' in html  # without JavaScript, it reloads

    def test_its_script_gets_the_next_frame_as_json(self, desk, venue, clock, settings):
        settings.SCREEN_CODE_SECONDS = 20
        clock.now = clock.now.replace(second=5, microsecond=0)
        frame = desk.get(f"/desk/screen/code/?venue={venue.pk}").json()
        assert (frame["changes_in_ms"], frame["expires_in_ms"]) == (15_000, 35_000)
        assert verify_screen_token(frame["token"]).venue_id == venue.id
        assert frame["svg"].startswith("<svg")

    def test_a_welsh_council_screen_speaks_welsh_first_then_english(self, desk, venue):
        venue.council.language = CouncilLanguage.BILINGUAL
        venue.council.save()
        shown = words(desk.get(f"/desk/screen/?venue={venue.pk}"))
        welsh = shown.index("Sganiwch")
        assert welsh < shown.index("Scan this code")

    def test_another_venues_screen_is_not_found(self, venue):
        other = Client()
        other.force_login(venue_staff_of(VenueFactory()))
        assert other.get(f"/desk/screen/code/?venue={venue.pk}").status_code == 404
        page = other.get(f"/desk/screen/?venue={venue.pk}")
        assert "Choose the venue" in words(page)  # theirs only
        assert "Leeds Central Library" not in words(page)

    def test_a_manager_of_several_venues_chooses_one(self, venue):
        manager = venue_manager_of(venue)
        second = VenueFactory(council=venue.council, name="Armley Library")
        Role.objects.create(
            user=manager, council=venue.council, venue=second, role=Role.Kind.VENUE_MANAGER
        )
        client = Client()
        client.force_login(manager)
        page = client.get("/desk/screen/")
        assert "Leeds Central Library" in words(page) and "Armley Library" in words(page)
