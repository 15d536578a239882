"""Fraud review in the back office: the log in words, an alert's way to the resident's history,
voiding a check-in, revoking a leaked poster and printing its replacement in one step."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

from checkins.alerts.services import alert_raise
from checkins.models import Alert, CheckIn
from checkins.services import checkin_record, checkin_record_assisted
from checkins.voiding import checkin_void
from rewards.models import Voucher
from rewards.wallet.selectors import points_balance
from tests.api import error
from tests.checkins.helpers import CHECKINS, FAR_AWAY, LEEDS, fix_at, hot_drink_offer, points_offer
from tests.conftest import client_for
from tests.factories import RoleFactory, UserFactory, VenueFactory, venue_manager_of
from venues.models import Poster, Role
from venues.posters.services import poster_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def venue():
    return VenueFactory(name="Leeds Central Library", latitude=LEEDS[0], longitude=LEEDS[1])


@pytest.fixture
def poster(venue):
    return poster_create(venue=venue, label="Main door", created_by=None)


@pytest.fixture
def manager(venue):
    return venue_manager_of(venue)


@pytest.fixture
def browser(manager):
    client = Client()
    client.force_login(manager)
    return client


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_the_fraud_log_names_the_rule_gives_metres_a_unit_and_links_the_check_in_that_followed(
    browser, poster, venue, clock
):
    resident = UserFactory(display_name="Rosa")
    client = client_for(resident)
    error(
        client,
        "post",
        CHECKINS,
        {"qr_token": poster.token, **fix_at(FAR_AWAY)},
        status=400,
        code="outside_geofence",
    )
    clock.advance(minutes=31)
    followed = checkin_record(resident=resident, qr_token=poster.token).checkin

    page = browser.get("/admin/checkins/checkinattempt/")

    shown = text(page)
    assert "Too far from the venue" in shown and "outside_geofence" not in shown
    assert "272 km" in shown
    assert not re.search(r"\d+\.\d{3,}", shown)  # no sixteen decimals anywhere
    assert f"/admin/checkins/checkin/{followed.pk}/change/" in page.content.decode()
    assert "yes, with the poster alone" in shown


def test_an_alert_leads_to_the_residents_history_at_the_managers_venues_only(
    browser, poster, venue, clock
):
    resident = UserFactory(display_name="Rosa")
    here = checkin_record(resident=resident, qr_token=poster.token).checkin
    clock.advance(days=1)
    elsewhere = VenueFactory()
    checkin_record(
        resident=resident,
        qr_token=poster_create(venue=elsewhere, label="X", created_by=None).token,
    )
    checkin_record(resident=UserFactory(), qr_token=poster.token)
    alert = alert_raise(
        kind="location_mismatch",
        venue=venue,
        account=resident,
        dedupe_key="x",
        detail="A resident tried to check in with the poster alone.",
    )

    page = browser.get(f"/admin/checkins/alert/{alert.pk}/change/")
    history = re.search(r'href="([^"]+)">The resident&#x27;s check-ins', page.content.decode())
    listed = browser.get(history.group(1).replace("&amp;", "&"))

    assert page.status_code == listed.status_code == 200
    assert [row.pk for row in listed.context["cl"].result_list] == [here.pk]


def test_a_manager_voids_a_check_in_and_its_points_and_voucher_are_taken_back(
    browser, manager, poster, venue
):
    points_offer(venue, points=10)
    hot_drink_offer(venue)
    resident = UserFactory()
    checkin = checkin_record(resident=resident, qr_token=poster.token).checkin
    assert points_balance(resident) == 10
    page = f"/admin/checkins/checkin/{checkin.pk}/void/"

    asked = browser.get(page)
    assert "Why is this check-in void?" in text(asked)
    assert "10 points" in text(asked) and "Free hot drink" in text(asked)
    refused = browser.post(page, {"reason": "  "})
    assert refused.status_code == 200 and "This field is required" in text(refused)
    done = browser.post(page, {"reason": "Poster shared online"}, follow=True)

    assert "Taken back: 10 points and 1 voucher" in text(done)
    checkin.refresh_from_db()
    assert (checkin.void_reason, checkin.voided_by) == ("Poster shared online", manager)
    assert points_balance(resident) == 0
    assert Voucher.objects.get(resident=resident).status == "void"
    assert browser.get(page).status_code == 404  # void once
    call_command("ledger_audit")


def test_another_venues_manager_cannot_open_the_void_page(poster, venue):
    checkin = checkin_record(resident=UserFactory(), qr_token=poster.token).checkin
    other = Client()
    other.force_login(venue_manager_of(VenueFactory()))
    assert other.get(f"/admin/checkins/checkin/{checkin.pk}/void/").status_code == 404
    assert (
        other.post(f"/admin/checkins/checkin/{checkin.pk}/void/", {"reason": "x"}).status_code
        == 404
    )
    assert CheckIn.objects.get().voided_at is None


def test_a_leaked_poster_is_revoked_and_its_replacement_printed_in_one_step(
    browser, poster, venue, settings
):
    settings.POSTER_LEAK_RESIDENTS = 1
    for resident in UserFactory.create_batch(2):
        checkin_record(resident=resident, qr_token=poster.token)
    alert = Alert.objects.get(kind="poster_leak")
    page = browser.get(f"/admin/checkins/alert/{alert.pk}/change/")
    replace = f"/admin/venues/poster/{poster.pk}/replace/"
    assert replace in page.content.decode()

    done = browser.post(replace, {}, follow=True)

    poster.refresh_from_db()
    replacement = Poster.objects.exclude(pk=poster.pk).get()
    assert poster.revoked_at is not None
    assert (replacement.venue, replacement.label, replacement.revoked_at) == (
        venue,
        "Main door",
        None,
    )
    pdf = f"/admin/venues/poster/{replacement.pk}/print.pdf"
    assert pdf in done.content.decode()
    printed = browser.get(pdf)
    assert printed.status_code == 200 and printed["Content-Type"] == "application/pdf"
    error(
        client_for(UserFactory()),
        "post",
        CHECKINS,
        {"qr_token": poster.token},
        status=410,
        code="revoked_qr",
    )


def test_resolving_an_alert_asks_what_was_done(browser, poster, venue):
    alert = alert_raise(kind="poster_leak", venue=venue, poster=poster, dedupe_key="k", detail="d")
    browser.post(f"/admin/checkins/alert/{alert.pk}/resolve/", {"resolution": "Poster replaced"})
    alert.refresh_from_db()
    assert alert.resolved_at is not None and alert.resolution == "Poster replaced"
    listed = browser.get("/admin/checkins/alert/?state=open")
    assert list(listed.context["cl"].result_list) == []


def test_staff_are_named_by_display_name_never_by_email(browser, manager, venue):
    staff = UserFactory(display_name="Jamie Staff", email="jamie.staff@example.org")
    RoleFactory(user=staff, council=venue.council, venue=venue, role=Role.Kind.VENUE_STAFF)
    checkin = checkin_record_assisted(staff=staff, venue=venue, resident=UserFactory()).checkin
    colleague = venue_manager_of(venue)  # another manager voids it; ours reads the page
    checkin_void(checkin=checkin, by=colleague, reason="A test")
    page = browser.get(f"/admin/checkins/checkin/{checkin.pk}/change/").content.decode()
    assert "Jamie Staff" in page and "jamie.staff@example.org" not in page
    assert colleague.email not in page and f"by {colleague.display_name}" in page
