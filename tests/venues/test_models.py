"""What the database itself refuses, whatever code path writes."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.models import User
from tests.factories import CouncilFactory, RoleFactory, UserFactory, VenueFactory
from venues.models import Role, Venue
from venues.validators import normalise_postcode, validate_opening_hours, validate_postcode

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "changes",
    [
        {"latitude": 90.1},
        {"latitude": -90.1},
        {"longitude": 180.1},
        {"radius_m": 5},
        {"radius_m": 1001},
        {"category": "castle"},
    ],
)
def test_the_database_refuses_out_of_range_venues(changes):
    venue = VenueFactory()
    with pytest.raises(IntegrityError):
        Venue.objects.filter(pk=venue.pk).update(**changes)


def test_a_council_cannot_have_two_venues_with_the_same_name_and_postcode():
    venue = VenueFactory()
    with pytest.raises(IntegrityError):
        VenueFactory(
            council=venue.council, name=venue.name, postcode=venue.postcode, slug="another-slug"
        )


def test_a_venue_role_without_a_venue_is_refused():
    with pytest.raises(IntegrityError):
        RoleFactory(role=Role.Kind.VENUE_MANAGER, venue=None)


def test_a_council_admin_role_on_a_venue_is_refused():
    venue = VenueFactory()
    with pytest.raises(IntegrityError):
        RoleFactory(council=venue.council, role=Role.Kind.COUNCIL_ADMIN, venue=venue)


def test_the_same_council_role_twice_is_refused():
    role = RoleFactory()
    with pytest.raises(IntegrityError):
        RoleFactory(user=role.user, council=role.council, role=role.role)


def test_emails_are_stored_lower_case():
    user = User.objects.create_user(email="  Mixed@Case.ORG ", password="x-long-password")
    assert user.email == "mixed@case.org"
    assert user.display_name == "mixed"
    with pytest.raises(IntegrityError):
        User.objects.filter(pk=user.pk).update(email="Upper@case.org")


def test_an_email_is_unique_whatever_its_case():
    UserFactory(email="one@example.org")
    with pytest.raises(IntegrityError):
        User.objects.create_user(email="ONE@example.org", password="x-long-password")


def test_a_council_with_venues_cannot_be_deleted():
    venue = VenueFactory()
    with pytest.raises(IntegrityError):
        CouncilFactory._meta.model.objects.filter(pk=venue.council_id).delete()


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("ig117nb", "IG11 7NB"),
        (" LS1  3AB ", "LS1 3AB"),
        ("sw1a1aa", "SW1A 1AA"),
        ("M1 1AE", "M1 1AE"),
    ],
)
def test_postcodes_are_normalised_and_valid(raw, normalised):
    assert normalise_postcode(raw) == normalised
    validate_postcode(normalised)


@pytest.mark.parametrize("bad", ["", "12345", "LS1", "LS1 3A", "LSS1 3AB", "1S1 3AB"])
def test_bad_postcodes_are_refused(bad):
    with pytest.raises(ValidationError):
        validate_postcode(normalise_postcode(bad))


@pytest.mark.parametrize(
    "hours",
    [
        {},
        {"monday": []},
        {"sunday": [{"opens": "00:00", "closes": "24:00"}]},
        {"friday": [{"opens": "09:00", "closes": "12:30"}, {"opens": "12:30", "closes": "17:00"}]},
    ],
)
def test_valid_opening_hours(hours):
    validate_opening_hours(hours)


@pytest.mark.parametrize(
    "hours",
    [
        [],
        {"mon": []},
        {"monday": "9-5"},
        {"monday": [{"opens": "9:00", "closes": "17:00"}]},
        {"monday": [{"opens": "09:00", "closes": "25:00"}]},
        {"monday": [{"opens": "17:00", "closes": "09:00"}]},
        {"monday": [{"opens": "24:00", "closes": "24:00"}]},
        {"monday": [{"opens": "09:00"}]},
        {"monday": [{"opens": "09:00", "closes": "12:00", "note": "x"}]},
        {"monday": [{"opens": "13:00", "closes": "17:00"}, {"opens": "09:00", "closes": "12:00"}]},
    ],
)
def test_invalid_opening_hours(hours):
    with pytest.raises(ValidationError):
        validate_opening_hours(hours)
