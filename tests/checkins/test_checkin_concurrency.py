"""Idempotent retries and parallel check-ins.

The races run on real threads against PostgreSQL (SQLite has no row locks to prove anything
with); each thread has its own database connection, as two gunicorn workers would.
"""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from checkins.models import CheckIn, CheckinAttempt
from tests.api import error, success
from tests.concurrency import run_in_parallel
from tests.conftest import client_for, postgres_only
from tests.factories import UserFactory, VenueFactory


def gps(venue):
    return {
        "venue": str(venue.id),
        "latitude": venue.latitude,
        "longitude": venue.longitude,
        "accuracy_m": 10,
    }


@pytest.mark.django_db
class TestIdempotency:
    def test_a_retry_with_the_same_key_replays_and_creates_nothing(self):
        venue, client = VenueFactory(), client_for(UserFactory())
        first = success(
            client,
            "post",
            "/api/v1/checkins/",
            gps(venue),
            status=201,
            HTTP_IDEMPOTENCY_KEY="phone-retry-1",
        )
        again = success(
            client,
            "post",
            "/api/v1/checkins/",
            gps(venue),
            status=201,
            HTTP_IDEMPOTENCY_KEY="phone-retry-1",
        )
        assert again.json() == first.json()
        assert again["Idempotent-Replayed"] == "true"
        assert CheckIn.objects.count() == 1

    def test_the_same_key_with_another_body_is_refused(self):
        venue, client = VenueFactory(), client_for(UserFactory())
        success(
            client, "post", "/api/v1/checkins/", gps(venue), status=201, HTTP_IDEMPOTENCY_KEY="k"
        )
        other = gps(VenueFactory(latitude=venue.latitude, longitude=venue.longitude))
        error(
            client,
            "post",
            "/api/v1/checkins/",
            other,
            status=409,
            code="idempotency_key_reused",
            HTTP_IDEMPOTENCY_KEY="k",
        )
        assert CheckIn.objects.count() == 1

    def test_a_refusal_is_replayed_too(self):
        venue, client = VenueFactory(), client_for(UserFactory())
        far = {**gps(venue), "latitude": venue.latitude + 1}
        first = error(
            client,
            "post",
            "/api/v1/checkins/",
            far,
            status=400,
            code="outside_geofence",
            HTTP_IDEMPOTENCY_KEY="far",
        )
        again = error(
            client,
            "post",
            "/api/v1/checkins/",
            far,
            status=400,
            code="outside_geofence",
            HTTP_IDEMPOTENCY_KEY="far",
        )
        assert again == first
        assert CheckinAttempt.objects.count() == 1  # the retry was not a second attempt

    def test_keys_belong_to_their_user(self):
        venue = VenueFactory()
        for _ in range(2):
            success(
                client_for(UserFactory()),
                "post",
                "/api/v1/checkins/",
                gps(venue),
                status=201,
                HTTP_IDEMPOTENCY_KEY="same-key",
            )
        assert CheckIn.objects.count() == 2

    @pytest.mark.parametrize("key", ["", "x" * 256])
    def test_a_key_out_of_bounds_is_invalid(self, key):
        venue, client = VenueFactory(), client_for(UserFactory())
        error(
            client,
            "post",
            "/api/v1/checkins/",
            gps(venue),
            status=400,
            code="invalid",
            HTTP_IDEMPOTENCY_KEY=key,
        )
        assert not CheckIn.objects.exists()

    def test_an_unexpected_error_does_not_burn_the_key(self, monkeypatch):
        venue, user = VenueFactory(), UserFactory()
        client = client_for(user)
        client.raise_request_exception = False

        def explode(**kwargs):
            raise RuntimeError("database hiccup")

        monkeypatch.setattr("checkins.apis.checkin_record", explode)
        response = client.post(
            "/api/v1/checkins/", gps(venue), format="json", HTTP_IDEMPOTENCY_KEY="retry-me"
        )
        assert response.status_code == 500
        monkeypatch.undo()
        success(
            client,
            "post",
            "/api/v1/checkins/",
            gps(venue),
            status=201,
            HTTP_IDEMPOTENCY_KEY="retry-me",
        )


@pytest.mark.django_db
def test_old_coordinates_are_dropped_and_distances_kept():
    venue, user = VenueFactory(), UserFactory()
    old = CheckIn.objects.create(
        resident=user,
        venue=venue,
        method="gps",
        evidence="location",
        distance_m=12.5,
        latitude=51.5,
        longitude=0.08,
        accuracy_m=8,
    )
    recent = CheckIn.objects.create(
        resident=user,
        venue=venue,
        method="gps",
        evidence="location",
        distance_m=3,
        latitude=51.5,
        longitude=0.08,
        accuracy_m=8,
    )
    attempt = CheckinAttempt.objects.create(
        resident=user,
        venue=venue,
        method="gps",
        reason="outside_geofence",
        detail="far",
        latitude=52,
        longitude=1,
        accuracy_m=5,
    )
    CheckIn.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    CheckinAttempt.objects.filter(pk=attempt.pk).update(
        created_at=timezone.now() - timedelta(days=31)
    )

    call_command("drop_old_locations", verbosity=0)

    old.refresh_from_db()
    recent.refresh_from_db()
    attempt.refresh_from_db()
    assert (old.latitude, old.longitude, old.accuracy_m, old.distance_m) == (None, None, None, 12.5)
    assert (recent.latitude, recent.longitude) == (51.5, 0.08)
    assert (attempt.latitude, attempt.longitude) == (None, None)


def fire_in_parallel(count, request):
    outcomes = run_in_parallel(count, request)
    failures = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert not failures, failures
    return outcomes


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_check_ins_of_one_resident_at_one_venue_accept_exactly_one():
    venue, resident = VenueFactory(), UserFactory()

    def check_in(index):
        client = APIClient()
        client.force_authenticate(resident)
        return client.post("/api/v1/checkins/", gps(venue), format="json")

    responses = fire_in_parallel(8, check_in)
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [409] * 7, [r.content for r in responses]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"cooldown"}
    assert CheckIn.objects.filter(resident=resident).count() == 1
    assert CheckinAttempt.objects.filter(resident=resident, reason="cooldown").count() == 7


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_retries_with_one_key_create_one_check_in_and_answer_alike():
    venue, resident = VenueFactory(), UserFactory()

    def retry(index):
        client = APIClient()
        client.force_authenticate(resident)
        return client.post(
            "/api/v1/checkins/", gps(venue), format="json", HTTP_IDEMPOTENCY_KEY="flaky-network"
        )

    responses = fire_in_parallel(6, retry)
    assert {response.status_code for response in responses} == {201}
    bodies = [response.json() for response in responses]
    assert all(body == bodies[0] for body in bodies)
    assert CheckIn.objects.filter(resident=resident).count() == 1
    assert not CheckinAttempt.objects.exists()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_different_residents_check_in_in_parallel_without_waiting_on_each_other():
    venue = VenueFactory()
    residents = UserFactory.create_batch(6)

    def check_in(index):
        client = APIClient()
        client.force_authenticate(residents[index])
        return client.post("/api/v1/checkins/", gps(venue), format="json")

    responses = fire_in_parallel(6, check_in)
    assert [response.status_code for response in responses] == [201] * 6
    assert CheckIn.objects.filter(venue=venue).count() == 6
