"""Evidence of presence: what each way of checking in records, which offers it earns, and the
location memory that refuses a poster shown alone just after the phone placed its owner
elsewhere (the issue's 272 km resident)."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from checkins.models import Alert, CheckIn, CheckinAttempt
from checkins.presence import Fix
from checkins.services import checkin_record
from rewards.models import RewardGrant, Voucher
from rewards.offers import earning
from tests.api import error, success
from tests.checkins.helpers import (
    CHECKINS,
    FAR_AWAY,
    LEEDS,
    fix_at,
    gps,
    hot_drink_offer,
    point_at,
    points_offer,
)
from tests.conftest import client_for
from tests.factories import UserFactory, VenueFactory, venue_manager_of
from venues.posters.services import poster_create

pytestmark = pytest.mark.django_db

NOT_POSTER_ALONE = ["location", "poster_and_location", "desk_screen", "staff"]


@pytest.fixture
def venue():
    return VenueFactory(
        name="Leeds Central Library", latitude=LEEDS[0], longitude=LEEDS[1], radius_m=100
    )


@pytest.fixture
def poster(venue):
    return poster_create(venue=venue, label="Main door", created_by=None)


@pytest.fixture
def resident():
    return UserFactory(display_name="Rosa")


@pytest.fixture
def client(resident):
    return client_for(resident)


class TestWhatEachCheckInRecords:
    def test_a_fix_alone_is_location(self, client, venue):
        body = success(client, "post", CHECKINS, gps(venue, 20), status=201).json()
        assert (body["method"], body["evidence"]) == ("gps", "location")
        assert CheckIn.objects.get().evidence == "location"

    def test_a_poster_alone_is_poster(self, client, poster):
        body = success(client, "post", CHECKINS, {"qr_token": poster.token}, status=201).json()
        assert (body["method"], body["evidence"], body["distance_m"]) == ("qr", "poster", None)

    def test_a_poster_with_a_fix_at_the_door_is_poster_and_location(self, client, poster, venue):
        data = {"qr_token": poster.token, **fix_at(point_at(LEEDS, 30))}
        body = success(client, "post", CHECKINS, data, status=201).json()
        assert (body["method"], body["evidence"]) == ("qr", "poster_and_location")
        assert body["distance_m"] == pytest.approx(30, abs=0.01)

    def test_the_residents_list_and_the_managers_list_say_the_evidence(self, client, poster, venue):
        success(client, "post", CHECKINS, {"qr_token": poster.token}, status=201)
        mine = success(client, "get", CHECKINS).json()["results"]
        theirs = success(
            client_for(venue_manager_of(venue)), "get", f"/api/v1/venues/{venue.id}/checkins/"
        ).json()["results"]
        assert (
            [row["evidence"] for row in mine] == [row["evidence"] for row in theirs] == ["poster"]
        )


class TestOffersSayWhichEvidenceEarnsThem:
    def test_an_offer_for_location_or_screen_pays_nothing_to_a_poster_alone_and_says_so(
        self, client, poster, venue
    ):
        drink = hot_drink_offer(venue, accepts=NOT_POSTER_ALONE)
        points = points_offer(venue)  # accepts everything, by default
        body = success(client, "post", CHECKINS, {"qr_token": poster.token}, status=201).json()

        assert body["evidence"] == "poster"
        assert body["rewards"] == [{"offer": str(points.id), "kind": "points", "points": 10}]
        assert body["not_earned"] == [
            {"offer": str(drink.id), "title": "Free hot drink", "accepts": NOT_POSTER_ALONE}
        ]
        assert not Voucher.objects.exists()
        assert CheckIn.objects.count() == 1  # it still counts as a visit
        call_command("ledger_audit")

    def test_the_issues_offer_pays_nothing_to_a_poster_alone_and_says_so(
        self, client, poster, venue
    ):
        """The issue's words: ``accepts: ["poster_and_location", "desk_screen", "staff"]``."""
        accepts = ["poster_and_location", "desk_screen", "staff"]
        drink = hot_drink_offer(venue, accepts=accepts)
        body = success(client, "post", CHECKINS, {"qr_token": poster.token}, status=201).json()
        assert (body["points_earned"], body["rewards"]) == (0, [])
        assert body["not_earned"] == [
            {"offer": str(drink.id), "title": "Free hot drink", "accepts": accepts}
        ]
        assert not Voucher.objects.exists() and not RewardGrant.objects.exists()

    def test_the_same_offer_pays_the_same_resident_with_the_poster_and_a_fix(
        self, client, poster, venue
    ):
        drink = hot_drink_offer(venue, accepts=NOT_POSTER_ALONE)
        data = {"qr_token": poster.token, **fix_at(point_at(LEEDS, 10))}
        body = success(client, "post", CHECKINS, data, status=201).json()
        assert [reward["offer"] for reward in body["rewards"]] == [str(drink.id)]
        assert body["not_earned"] == []

    def test_an_offer_the_rule_would_not_pay_is_not_listed_as_not_earned(
        self, client, poster, venue, clock
    ):
        hot_drink_offer(venue, rule="first_checkin", accepts=NOT_POSTER_ALONE)
        success(client, "post", CHECKINS, gps(venue), status=201)  # the first visit: paid
        clock.advance(hours=5)
        body = success(client, "post", CHECKINS, {"qr_token": poster.token}, status=201).json()
        assert body["not_earned"] == []  # a second visit earns no first-visit offer anyway

    def test_a_visit_the_evidence_did_not_earn_still_counts_for_the_nth_visit(
        self, client, poster, venue, clock
    ):
        offer = hot_drink_offer(venue, rule="nth_checkin", every_n=2, accepts=["location"])
        success(client, "post", CHECKINS, {"qr_token": poster.token}, status=201)
        clock.advance(hours=5)
        body = success(client, "post", CHECKINS, gps(venue), status=201).json()
        assert [reward["offer"] for reward in body["rewards"]] == [str(offer.id)]

    def test_offers_default_to_every_evidence_and_say_so(self, venue):
        manager = client_for(venue_manager_of(venue))
        body = success(
            manager,
            "post",
            "/api/v1/offers/",
            {"venue": str(venue.id), "title": "Points", "rule": "every_checkin", "points": 5},
            status=201,
        ).json()
        assert body["accepts"] == [
            "location",
            "poster",
            "poster_and_location",
            "desk_screen",
            "staff",
        ]
        changed = success(
            manager, "patch", f"/api/v1/offers/{body['id']}/", {"accepts": ["desk_screen"]}
        ).json()
        assert changed["accepts"] == ["desk_screen"]

    @pytest.mark.parametrize("accepts", [[], ["carrier_pigeon"]])
    def test_an_offer_accepting_nothing_or_something_unknown_is_invalid(self, venue, accepts):
        body = error(
            client_for(venue_manager_of(venue)),
            "post",
            "/api/v1/offers/",
            {
                "venue": str(venue.id),
                "title": "Points",
                "rule": "every_checkin",
                "points": 5,
                "accepts": accepts,
            },
            status=400,
            code="invalid",
        )
        assert any(field.startswith("accepts") for field in body["fields"])

    def test_the_fallback_path_checks_the_evidence_too(self, client, poster, venue, monkeypatch):
        """The batch and its one-by-one fallback share one payout: a failed batch still does
        not pay a poster alone an offer that needs more."""
        drink = hot_drink_offer(venue, accepts=NOT_POSTER_ALONE)
        points_offer(venue)
        calls = []
        real_pay = earning._pay

        def fail_the_batch_once(offers, **kwargs):
            calls.append(len(offers))
            if len(calls) == 1:
                raise RuntimeError("the batch failed")
            return real_pay(offers, **kwargs)

        monkeypatch.setattr(earning, "_pay", fail_the_batch_once)
        body = success(client, "post", CHECKINS, {"qr_token": poster.token}, status=201).json()
        assert calls == [2, 1, 1]  # the batch, then each offer on its own
        assert body["points_earned"] == 10
        assert [row["offer"] for row in body["not_earned"]] == [str(drink.id)]
        assert RewardGrant.objects.count() == 1


class TestLocationMemory:
    """The issue's resident: refused at a library as 272 km away, then "Check in" again
    seconds later with the phone's location declined."""

    def test_the_272_km_resident_is_refused_then_refused_again_with_the_poster_alone(
        self, client, resident, poster, venue, clock
    ):
        drink = hot_drink_offer(venue, accepts=NOT_POSTER_ALONE)
        points_offer(venue)
        far = error(
            client,
            "post",
            CHECKINS,
            {"qr_token": poster.token, **fix_at(FAR_AWAY)},
            status=400,
            code="outside_geofence",
        )
        assert far["distance_m"] == pytest.approx(272_000, abs=1)
        clock.advance(seconds=20)

        body = error(
            client,
            "post",
            CHECKINS,
            {"qr_token": poster.token},
            status=400,
            code="location_mismatch",
        )

        assert "272.0 km" in body["detail"] and "Leeds Central Library" in body["detail"]
        assert body["distance_m"] == pytest.approx(272_000, abs=1)
        assert not CheckIn.objects.exists()  # no visit, no points, no hot drink
        assert not RewardGrant.objects.exists() and drink.vouchers.count() == 0
        refusal = CheckinAttempt.objects.get(reason="location_mismatch")
        assert (refusal.resident, refusal.venue, refusal.poster) == (resident, venue, poster)
        alert = Alert.objects.get(kind="location_mismatch")
        assert (alert.venue, alert.account, alert.attempt) == (venue, resident, refusal)
        assert "272 km" in alert.detail and "less than a minute" in alert.detail

    def test_a_fix_elsewhere_is_forgotten_after_the_memory(
        self, client, poster, venue, clock, settings
    ):
        settings.CHECKIN_LOCATION_MEMORY_MINUTES = 30
        error(
            client,
            "post",
            CHECKINS,
            {"qr_token": poster.token, **fix_at(FAR_AWAY)},
            status=400,
            code="outside_geofence",
        )
        clock.advance(minutes=29, seconds=59)
        error(
            client,
            "post",
            CHECKINS,
            {"qr_token": poster.token},
            status=400,
            code="location_mismatch",
        )
        clock.advance(minutes=1)
        body = success(client, "post", CHECKINS, {"qr_token": poster.token}, status=201).json()
        assert body["evidence"] == "poster"

    def test_a_later_fix_at_the_venue_clears_an_earlier_one_elsewhere(
        self, client, resident, poster, venue, clock
    ):
        error(client, "post", CHECKINS, gps(venue, 5000), status=400, code="outside_geofence")
        clock.advance(minutes=2)
        # At the door now: a check-in at the venue next door, with a fix inside this one's.
        checkin_record(
            resident=resident,
            venue=VenueFactory(latitude=LEEDS[0], longitude=LEEDS[1] + 0.001),
            fix=Fix(LEEDS[0], LEEDS[1], 10),
        )
        clock.advance(minutes=1)
        success(client, "post", CHECKINS, {"qr_token": poster.token}, status=201)

    def test_an_imprecise_fix_proves_nothing_either_way(self, client, poster, venue, clock):
        error(
            client,
            "post",
            CHECKINS,
            {"qr_token": poster.token, **fix_at(FAR_AWAY, accuracy=2000)},
            status=400,
            code="poor_accuracy",
        )
        clock.advance(seconds=10)
        success(client, "post", CHECKINS, {"qr_token": poster.token}, status=201)

    def test_another_residents_fix_is_not_theirs(self, client, poster, venue):
        other = client_for(UserFactory())
        error(other, "post", CHECKINS, gps(venue, 9000), status=400, code="outside_geofence")
        success(client, "post", CHECKINS, {"qr_token": poster.token}, status=201)

    def test_with_a_fix_of_their_own_the_poster_is_checked_against_the_geofence_as_ever(
        self, client, poster, venue, clock
    ):
        error(client, "post", CHECKINS, gps(venue, 9000), status=400, code="outside_geofence")
        clock.advance(seconds=30)
        data = {"qr_token": poster.token, **fix_at(point_at(LEEDS, 20))}
        body = success(client, "post", CHECKINS, data, status=201).json()
        assert body["evidence"] == "poster_and_location"

    def test_a_memory_of_zero_minutes_turns_it_off(self, client, poster, venue, settings, clock):
        settings.CHECKIN_LOCATION_MEMORY_MINUTES = 0
        error(client, "post", CHECKINS, gps(venue, 9000), status=400, code="outside_geofence")
        success(client, "post", CHECKINS, {"qr_token": poster.token}, status=201)

    def test_repeated_mismatches_keep_one_open_alert_and_count_them(
        self, client, poster, venue, clock
    ):
        error(client, "post", CHECKINS, gps(venue, 9000), status=400, code="outside_geofence")
        for _ in range(3):
            clock.advance(seconds=30)
            error(
                client,
                "post",
                CHECKINS,
                {"qr_token": poster.token},
                status=400,
                code="location_mismatch",
            )
        alert = Alert.objects.get(kind="location_mismatch")
        assert alert.occurrences == 3 and alert.last_seen_at > alert.created_at


def test_a_check_in_cannot_be_stored_with_evidence_its_method_does_not_give(venue, resident):
    for method, evidence in [("gps", "poster"), ("qr", "location"), ("screen", "staff")]:
        with pytest.raises(IntegrityError), transaction.atomic():
            CheckIn.objects.create(
                resident=resident, venue=venue, method=method, evidence=evidence, distance_m=1
            )
