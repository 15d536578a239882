"""The back office: superusers see everything, role holders only what their roles cover."""

import pytest
from django.test import Client

from tests.factories import CouncilFactory, UserFactory, VenueFactory
from venues.models import Role, Venue
from venues.services import role_grant

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def grant(user, venue, role):
    scoped = venue if role != Role.Kind.COUNCIL_ADMIN else None
    role_grant(council=venue.council, email=user.email, role=role, venue=scoped, granted_by=None)
    user.refresh_from_db()
    return user


@pytest.fixture
def two_councils():
    mine = VenueFactory.create_batch(2, council=CouncilFactory(name="Mine"))
    theirs = VenueFactory(council=CouncilFactory(name="Theirs"))
    return mine, theirs


def test_superuser_sees_every_venue(two_councils):
    client = logged_in(UserFactory(is_superuser=True, is_staff=True))
    response = client.get("/admin/venues/venue/")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 3


def test_a_council_admin_sees_and_edits_only_their_councils_venues(two_councils):
    mine, theirs = two_councils
    admin = grant(UserFactory(), mine[0], Role.Kind.COUNCIL_ADMIN)
    assert admin.is_staff
    client = logged_in(admin)
    listing = client.get("/admin/venues/venue/")
    assert listing.status_code == 200
    assert {venue.pk for venue in listing.context["cl"].result_list} == {v.pk for v in mine}
    assert client.get(f"/admin/venues/venue/{mine[0].pk}/change/").status_code == 200
    assert client.get(f"/admin/venues/venue/{theirs.pk}/change/").status_code in (302, 403, 404)


def test_a_venue_manager_sees_only_their_venue(two_councils):
    mine, _ = two_councils
    manager = grant(UserFactory(), mine[0], Role.Kind.VENUE_MANAGER)
    listing = logged_in(manager).get("/admin/venues/venue/")
    assert [venue.pk for venue in listing.context["cl"].result_list] == [mine[0].pk]


def test_the_deactivate_action_keeps_the_venues(two_councils):
    mine, _ = two_councils
    admin = grant(UserFactory(), mine[0], Role.Kind.COUNCIL_ADMIN)
    response = logged_in(admin).post(
        "/admin/venues/venue/",
        {"action": "deactivate", "_selected_action": [str(v.pk) for v in mine]},
    )
    assert response.status_code == 302
    assert Venue.objects.filter(pk__in=[v.pk for v in mine], is_active=False).count() == 2


def test_venue_staff_and_residents_have_no_back_office(two_councils):
    mine, _ = two_councils
    staff = grant(UserFactory(), mine[0], Role.Kind.VENUE_STAFF)
    assert not staff.is_staff
    response = logged_in(staff).get("/admin/venues/venue/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
