"""Alerts: raised as the check-in or refusal that crosses a threshold is recorded, one open alert
per signal, emailed once to the venue's managers, listed and resolved over the API."""

import pytest
from django.core import mail
from django.utils import translation

from checkins.alerts.rules import REPEATED_REFUSALS, STAFF_BURST_CHECKINS
from checkins.alerts.services import alert_notify, alert_raise
from checkins.models import Alert
from checkins.services import checkin_record, checkin_record_assisted
from checkins.tasks import alerts_notify_pending
from tests.api import error, success
from tests.checkins.helpers import CHECKINS, gps
from tests.conftest import client_for
from tests.factories import (
    UserFactory,
    VenueFactory,
    council_admin_of,
    venue_manager_of,
    venue_staff_of,
)
from venues.models import CouncilLanguage
from venues.posters.services import poster_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def venue():
    return VenueFactory(name="Leeds Central Library")


@pytest.fixture
def poster(venue):
    return poster_create(venue=venue, label="Main door", created_by=None)


@pytest.fixture
def manager(venue):
    return venue_manager_of(venue)


def poster_alone(poster, residents):
    for resident in residents:
        checkin_record(resident=resident, qr_token=poster.token)


class TestPosterLeak:
    def test_twelve_residents_on_one_poster_alone_within_minutes_raise_one_alert(
        self, poster, venue, manager, clock, settings, django_capture_on_commit_callbacks
    ):
        settings.POSTER_LEAK_RESIDENTS, settings.POSTER_LEAK_MINUTES = 10, 30
        residents = UserFactory.create_batch(12)
        with django_capture_on_commit_callbacks(execute=True):
            for resident in residents[:10]:
                clock.advance(seconds=40)
                poster_alone(poster, [resident])
            assert not Alert.objects.exists()  # ten is not more than ten
            for resident in residents[10:]:
                clock.advance(seconds=40)
                poster_alone(poster, [resident])

        alert = Alert.objects.get()
        assert (alert.kind, alert.venue, alert.poster) == ("poster_leak", venue, poster)
        assert alert.occurrences == 2  # the 11th raised it, the 12th added to it
        assert "12 residents in the last 30 minutes" in alert.detail
        assert "Main door" in alert.detail
        assert len(mail.outbox) == 1  # one email for the alert, not one per check-in
        assert mail.outbox[0].to == [manager.email]
        assert "Leeds Central Library" in mail.outbox[0].subject
        assert f"/admin/checkins/alert/{alert.pk}/change/" in mail.outbox[0].body

    def test_residents_spread_over_more_than_the_window_raise_nothing(
        self, poster, clock, settings
    ):
        settings.POSTER_LEAK_RESIDENTS, settings.POSTER_LEAK_MINUTES = 10, 30
        for resident in UserFactory.create_batch(12):
            clock.advance(minutes=4)
            poster_alone(poster, [resident])
        assert not Alert.objects.exists()

    def test_the_same_resident_many_times_is_one_resident(self, poster, clock, settings):
        settings.POSTER_LEAK_RESIDENTS, settings.CHECKIN_COOLDOWN_SECONDS = 2, 0
        resident = UserFactory()
        for _ in range(5):
            clock.advance(seconds=10)
            poster_alone(poster, [resident])
        assert not Alert.objects.exists()

    def test_check_ins_with_the_phones_location_are_not_counted(self, poster, venue, settings):
        settings.POSTER_LEAK_RESIDENTS = 2
        from checkins.presence import Fix

        for resident in UserFactory.create_batch(4):
            checkin_record(
                resident=resident,
                qr_token=poster.token,
                fix=Fix(venue.latitude, venue.longitude, 10),
            )
        assert not Alert.objects.exists()

    def test_a_resolved_leak_that_goes_on_opens_a_new_alert(self, poster, manager, settings):
        settings.POSTER_LEAK_RESIDENTS = 2
        poster_alone(poster, UserFactory.create_batch(3))
        first = Alert.objects.get()
        success(
            client_for(manager),
            "post",
            f"/api/v1/venues/{first.venue_id}/alerts/{first.pk}/resolve/",
            {"resolution": "Poster replaced"},
        )
        poster_alone(poster, UserFactory.create_batch(1))
        assert Alert.objects.count() == 2
        assert Alert.objects.filter(resolved_at__isnull=True).count() == 1


class TestOtherSignals:
    def test_a_resident_refused_again_and_again_at_one_venue(self, venue, clock):
        client = client_for(UserFactory())
        for _ in range(REPEATED_REFUSALS - 1):
            clock.advance(minutes=1)
            error(client, "post", CHECKINS, gps(venue, 3000), status=400, code="outside_geofence")
        assert not Alert.objects.exists()
        clock.advance(minutes=1)
        error(client, "post", CHECKINS, gps(venue, 3000), status=400, code="outside_geofence")
        alert = Alert.objects.get()
        assert alert.kind == "repeated_refusals"
        assert "refused 5 times" in alert.detail
        assert "Too far from the venue" in alert.detail  # the rule's name, not its code

    def test_one_staff_member_checking_in_many_residents(self, venue, settings):
        settings.CHECKIN_COOLDOWN_SECONDS = 0
        staff = venue_staff_of(venue)
        for resident in UserFactory.create_batch(STAFF_BURST_CHECKINS + 1):
            checkin_record_assisted(staff=staff, venue=venue, resident=resident)
        alert = Alert.objects.get()
        assert (alert.kind, alert.account) == ("staff_burst", staff)


class TestTheEmail:
    def test_a_venue_without_managers_emails_the_council_admins(self, poster, venue, settings):
        settings.POSTER_LEAK_RESIDENTS = 1
        admin = council_admin_of(venue.council)
        poster_alone(poster, UserFactory.create_batch(2))
        assert alert_notify(alert_id=Alert.objects.get().pk) is True
        assert mail.outbox[0].to == [admin.email]

    def test_it_is_sent_once_however_often_the_task_runs(self, poster, manager, settings):
        settings.POSTER_LEAK_RESIDENTS = 1
        poster_alone(poster, UserFactory.create_batch(2))
        alert = Alert.objects.get()
        assert [alert_notify(alert_id=alert.pk) for _ in range(3)] == [True, False, False]
        assert len(mail.outbox) == 1

    def test_a_refused_send_is_released_for_the_retry(self, poster, manager, settings, monkeypatch):
        settings.POSTER_LEAK_RESIDENTS = 1
        poster_alone(poster, UserFactory.create_batch(2))
        alert = Alert.objects.get()

        def refuse(*args, **kwargs):
            raise ConnectionRefusedError("smtp down")

        monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
        with pytest.raises(ConnectionRefusedError):
            alert_notify(alert_id=alert.pk)
        monkeypatch.undo()
        assert alert_notify(alert_id=alert.pk) is True
        assert len(mail.outbox) == 1

    @pytest.mark.parametrize("language", [CouncilLanguage.WELSH, CouncilLanguage.BILINGUAL])
    def test_a_welsh_or_bilingual_councils_people_get_it_in_welsh(
        self, poster, venue, manager, settings, language
    ):
        venue.council.language = language
        venue.council.save()
        settings.POSTER_LEAK_RESIDENTS = 1
        poster_alone(poster, UserFactory.create_batch(2))
        alert = Alert.objects.get()
        assert alert_notify(alert_id=alert.pk) is True
        email = mail.outbox[0]
        assert email.subject == (
            "Rhybudd gwirio i mewn (Leeds Central Library): Poster wedi'i ddefnyddio ar ei ben "
            "ei hun gan lawer o breswylwyr"
        )
        assert "Defnyddiwyd y poster “Main door” heb leoliad y ffôn gan 2 o breswylwyr" in (
            email.body
        )
        assert "yn y swyddfa gefn:" in email.body and "Oddi yno gallwch ddiddymu" in email.body
        assert "was used without" not in email.body and "back office" not in email.body
        assert f"/admin/checkins/alert/{alert.pk}/change/" in email.body
        # The API's detail stays English.
        assert "was used without the phone's location by 2 residents" in alert.detail

    def test_an_english_councils_people_get_it_in_english_whatever_the_language_at_hand(
        self, poster, venue, manager, settings
    ):
        settings.POSTER_LEAK_RESIDENTS = 1
        poster_alone(poster, UserFactory.create_batch(2))
        with translation.override("cy"):  # (a job runs in no particular language)
            assert alert_notify(alert_id=Alert.objects.get().pk) is True
        email = mail.outbox[0]
        assert email.subject == (
            "Check-in alert at Leeds Central Library: A poster used alone by many residents"
        )
        assert "The poster “Main door” was used without the phone's location by 2 residents" in (
            email.body
        )
        assert "in the back office:" in email.body
        assert "Defnyddiwyd" not in email.body

    def test_refusals_are_named_in_welsh_for_a_welsh_council(self, venue, manager, clock):
        venue.council.language = CouncilLanguage.WELSH
        venue.council.save()
        client = client_for(UserFactory())
        for _ in range(REPEATED_REFUSALS):
            clock.advance(minutes=1)
            error(client, "post", CHECKINS, gps(venue, 3000), status=400, code="outside_geofence")
        alert = Alert.objects.get()
        assert "Too far from the venue" in alert.detail
        alert_notify(alert_id=alert.pk)
        body = mail.outbox[0].body
        assert "Gwrthodwyd preswylydd 5 o weithiau mewn 60 munud" in body
        assert "Rhy bell o'r lleoliad" in body and "Too far" not in body

    def test_an_alert_raised_without_facts_is_sent_with_its_detail(self, venue, manager):
        venue.council.language = CouncilLanguage.WELSH
        venue.council.save()
        alert = alert_raise(
            kind="poster_leak", venue=venue, dedupe_key="poster_leak:x", detail="Seen by staff."
        )
        alert_notify(alert_id=alert.pk)
        assert "\n\nSeen by staff.\n\n" in mail.outbox[0].body


class TestTheApi:
    @pytest.fixture
    def alerts(self, poster, venue, settings):
        settings.POSTER_LEAK_RESIDENTS = 1
        poster_alone(poster, UserFactory.create_batch(2))
        elsewhere = VenueFactory(council=venue.council)
        poster_alone(
            poster_create(venue=elsewhere, label="Side door", created_by=None),
            UserFactory.create_batch(2),
        )
        return Alert.objects.get(venue=venue), Alert.objects.get(venue=elsewhere)

    def test_council_admins_list_every_venues_alerts(self, alerts, venue):
        body = success(
            client_for(council_admin_of(venue.council)),
            "get",
            f"/api/v1/councils/{venue.council.slug}/alerts/",
        ).json()
        assert body["count"] == 2
        row = next(row for row in body["results"] if row["id"] == str(alerts[0].pk))
        assert row["kind"] == "poster_leak"
        assert row["kind_name"] == "A poster used alone by many residents"
        assert row["venue"] == str(venue.id) and row["venue_name"] == "Leeds Central Library"
        assert row["poster"] == {"id": str(alerts[0].poster_id), "label": "Main door"}
        assert row["resolved_at"] is None and "2 residents" in row["detail"]

    def test_managers_list_their_venues_alerts_only(self, alerts, venue, manager):
        client = client_for(manager)
        body = success(client, "get", f"/api/v1/venues/{venue.id}/alerts/").json()
        assert [row["id"] for row in body["results"]] == [str(alerts[0].pk)]
        other = alerts[1].venue_id
        error(
            client, "get", f"/api/v1/venues/{other}/alerts/", status=403, code="permission_denied"
        )
        error(
            client,
            "get",
            f"/api/v1/councils/{venue.council.slug}/alerts/",
            status=403,
            code="permission_denied",
        )

    def test_staff_and_residents_see_no_alerts(self, alerts, venue):
        for user in (venue_staff_of(venue), UserFactory()):
            error(
                client_for(user),
                "get",
                f"/api/v1/venues/{venue.id}/alerts/",
                status=403,
                code="permission_denied",
            )

    def test_resolving_says_by_whom_and_what_was_done_and_open_lists_the_rest(self, alerts, venue):
        admin = client_for(council_admin_of(venue.council))
        base = f"/api/v1/councils/{venue.council.slug}/alerts/"
        body = success(
            admin, "post", f"{base}{alerts[0].pk}/resolve/", {"resolution": "Poster replaced"}
        ).json()
        assert body["resolved_at"] is not None and body["resolution"] == "Poster replaced"
        again = success(admin, "post", f"{base}{alerts[0].pk}/resolve/", {}).json()
        assert again["resolved_at"] == body["resolved_at"]  # resolving twice changes nothing
        still_open = success(admin, "get", f"{base}?open=true").json()["results"]
        assert [row["id"] for row in still_open] == [str(alerts[1].pk)]

    def test_an_alert_of_another_council_is_not_found(self, alerts, venue):
        stranger = VenueFactory()
        admin = client_for(council_admin_of(stranger.council))
        error(
            admin,
            "post",
            f"/api/v1/councils/{stranger.council.slug}/alerts/{alerts[0].pk}/resolve/",
            status=404,
            code="not_found",
        )

    def test_a_manager_cannot_resolve_another_venues_alert_through_their_own(
        self, alerts, venue, manager
    ):
        error(
            client_for(manager),
            "post",
            f"/api/v1/venues/{venue.id}/alerts/{alerts[1].pk}/resolve/",
            status=404,
            code="not_found",
        )


def test_an_alert_raised_while_the_queue_was_down_is_emailed_by_the_periodic_job(
    poster, manager, settings
):
    settings.POSTER_LEAK_RESIDENTS = 1
    poster_alone(poster, UserFactory.create_batch(2))  # (the on-commit email never ran here)
    assert len(mail.outbox) == 0
    assert alerts_notify_pending.delay().get() == 1
    assert alerts_notify_pending.delay().get() == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [manager.email]
