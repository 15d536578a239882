"""Who may do what (venues.access), walked as a table: every person x every permission x the
object it applies to. The expectations are written out by hand from DESIGN.md's "Who may do
what" and API.md's "who" columns, not read from the rules."""

import pytest
from django.contrib.auth.models import AnonymousUser

from checkins.models import CheckIn, Comment
from rewards.models import CatalogItem, Offer, Voucher
from tests.factories import (
    CouncilFactory,
    RoleFactory,
    UserFactory,
    VenueFactory,
)
from venues.access import RULES, Level, Scope, access_for, may
from venues.invitations.models import Invitation
from venues.models import Poster, Role

pytestmark = pytest.mark.django_db

PEOPLE = [
    "anonymous",
    "resident",
    "staff_a",
    "manager_a",
    "manager_b",
    "admin_x",
    "admin_y",
    "superuser",
]
EVERYONE_STAFF_OF_A = {"staff_a", "manager_a", "admin_x", "superuser"}
MANAGERS_OF_A = {"manager_a", "admin_x", "superuser"}
ADMINS_OF_X = {"admin_x", "superuser"}

# (permission, target) -> who may. Targets are named in `world` below: council X has venues A
# and B (managed by manager_a and manager_b), council Y is another council.
EXPECTED = {
    ("council.create", "site"): {"superuser"},
    ("council.change", "council_x"): {"superuser"},
    ("council.view_insight", "council_x"): ADMINS_OF_X,
    ("council.view_activity", "council_x"): ADMINS_OF_X,
    ("council.view_members", "council_x"): ADMINS_OF_X,
    ("council.administer", "council_x"): ADMINS_OF_X,
    ("venue.create", "council_x"): ADMINS_OF_X,
    ("venue.activate", "venue_a"): ADMINS_OF_X,
    ("venue.change", "venue_a"): MANAGERS_OF_A,
    ("venue.deactivate", "venue_a"): MANAGERS_OF_A,
    ("venue.view_insight", "venue_a"): MANAGERS_OF_A,
    ("venue.sync_foursquare", "venue_a"): MANAGERS_OF_A,
    ("venue.serve", "venue_a"): EVERYONE_STAFF_OF_A,
    ("venue.serve", "venue_b"): {"manager_b", "admin_x", "superuser"},
    ("offer.create", "venue_a"): MANAGERS_OF_A,
    ("offer.create", "council_x"): ADMINS_OF_X,
    ("offer.view", "offer_at_a"): MANAGERS_OF_A,
    ("offer.change", "offer_at_a"): MANAGERS_OF_A,
    ("offer.change", "offer_of_x"): ADMINS_OF_X,
    ("catalogitem.create", "venue_a"): MANAGERS_OF_A,
    ("catalogitem.view", "item_of_x"): ADMINS_OF_X,
    ("catalogitem.change", "item_at_a"): MANAGERS_OF_A,
    ("catalogitem.change", "item_of_x"): ADMINS_OF_X,
    ("poster.create", "venue_a"): MANAGERS_OF_A,
    ("poster.view", "poster_at_a"): MANAGERS_OF_A,
    ("poster.revoke", "poster_at_a"): MANAGERS_OF_A,
    ("comment.moderate", "comment_at_a"): MANAGERS_OF_A,
    ("comment.reply", "comment_at_a"): MANAGERS_OF_A,
    ("comment.delete", "comment_at_a"): {"resident"},
    ("checkin.view", "checkin_at_a"): MANAGERS_OF_A,
    ("checkin.void", "checkin_at_a"): MANAGERS_OF_A,
    ("alert.view", "venue_a"): MANAGERS_OF_A,
    ("alert.view", "council_x"): ADMINS_OF_X,
    ("alert.resolve", "venue_a"): MANAGERS_OF_A,
    ("alert.resolve", "council_x"): ADMINS_OF_X,
    ("voucher.view", "voucher_at_a"): MANAGERS_OF_A,
    ("voucher.view_qr", "voucher_at_a"): {"resident"},
    ("voucher.redeem", "voucher_at_a"): EVERYONE_STAFF_OF_A,
    ("voucher.redeem", "council_x"): ADMINS_OF_X,  # a council-wide one, with no venue named
    ("voucher.undo_redeem", "venue_a"): MANAGERS_OF_A,  # someone else's redemption there
    ("voucher.undo_redeem", "council_x"): ADMINS_OF_X,
    ("role.grant_council_admin", "council_x"): ADMINS_OF_X,
    ("role.grant_venue_manager", "venue_a"): MANAGERS_OF_A - {"manager_a"},
    ("role.grant_venue_staff", "venue_a"): MANAGERS_OF_A,
    ("role.view", "staff_role_at_a"): MANAGERS_OF_A,
    ("role.revoke", "staff_role_at_a"): MANAGERS_OF_A,
    ("role.revoke", "manager_role_at_a"): ADMINS_OF_X,
    ("role.revoke", "admin_role_of_x"): ADMINS_OF_X,
    ("invitation.create", "staff_invitation_at_a"): MANAGERS_OF_A,
    ("invitation.create", "manager_invitation_at_a"): ADMINS_OF_X,
    ("invitation.create", "admin_invitation_of_x"): ADMINS_OF_X,
    ("invitation.view", "staff_invitation_at_a"): MANAGERS_OF_A,
    ("invitation.cancel", "staff_invitation_at_a"): MANAGERS_OF_A,
    ("invitation.cancel", "admin_invitation_of_x"): ADMINS_OF_X,
    ("invitation.resend", "manager_invitation_at_a"): ADMINS_OF_X,
}


@pytest.fixture
def world():
    council_x, council_y = CouncilFactory(name="X Council"), CouncilFactory(name="Y Council")
    venue_a = VenueFactory(council=council_x, name="A Library")
    venue_b = VenueFactory(council=council_x, name="B Library")
    resident = UserFactory()
    people = {
        "anonymous": AnonymousUser(),
        "resident": resident,
        "staff_a": RoleFactory(council=council_x, venue=venue_a, role="venue_staff").user,
        "manager_a": RoleFactory(council=council_x, venue=venue_a, role="venue_manager").user,
        "manager_b": RoleFactory(council=council_x, venue=venue_b, role="venue_manager").user,
        "admin_x": RoleFactory(council=council_x, role="council_admin").user,
        "admin_y": RoleFactory(council=council_y, role="council_admin").user,
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }

    def role_of(name):
        return Role.objects.get(user=people[name])

    targets = {
        "site": None,
        "council_x": council_x,
        "venue_a": venue_a,
        "venue_b": venue_b,
        "offer_at_a": Offer(council=council_x, venue=venue_a),
        "offer_of_x": Offer(council=council_x, venue=None),
        "item_at_a": CatalogItem(council=council_x, venue=venue_a),
        "item_of_x": CatalogItem(council=council_x, venue=None),
        "poster_at_a": Poster(venue=venue_a),
        "comment_at_a": Comment(venue=venue_a, author=resident),
        "checkin_at_a": CheckIn(venue=venue_a, resident=resident),
        "voucher_at_a": Voucher(council=council_x, venue=venue_a, resident=resident),
        "staff_role_at_a": role_of("staff_a"),
        "manager_role_at_a": role_of("manager_a"),
        "admin_role_of_x": role_of("admin_x"),
        "staff_invitation_at_a": Invitation(council=council_x, venue=venue_a, role="venue_staff"),
        "manager_invitation_at_a": Invitation(
            council=council_x, venue=venue_a, role="venue_manager"
        ),
        "admin_invitation_of_x": Invitation(council=council_x, role="council_admin"),
    }
    return people, targets


def test_every_permission_is_walked():
    walked = {permission for permission, _ in EXPECTED}
    assert walked == set(RULES)


@pytest.mark.parametrize(("permission", "target"), list(EXPECTED))
def test_who_may(world, permission, target):
    people, targets = world
    allowed = {name for name in PEOPLE if may(people[name], permission, targets[target])}
    assert allowed == EXPECTED[(permission, target)]


def test_one_query_reads_a_persons_access_and_then_answers_without_more(
    world, django_assert_num_queries
):
    people, targets = world
    with django_assert_num_queries(1):
        access = access_for(people["manager_a"])
    with django_assert_num_queries(0):
        answers = [access.may(permission, targets[target]) for permission, target in EXPECTED]
    assert any(answers) and not all(answers)


def test_a_closed_account_has_no_access(world):
    people, targets = world
    admin = people["admin_x"]
    admin.is_active = False
    assert access_for(admin).level_at(Scope.of_council(targets["council_x"])) == Level.NOBODY
    assert not may(admin, "council.view_insight", targets["council_x"])


def test_an_unknown_permission_is_a_programming_error_not_a_no(world):
    people, targets = world
    with pytest.raises(ValueError, match="unknown permission"):
        may(people["superuser"], "council.delete", targets["council_x"])


def test_a_manager_of_one_venue_holds_nothing_at_the_councils_own_level(world):
    people, targets = world
    access = access_for(people["manager_a"])
    assert access.level_at(Scope.of_venue(targets["venue_a"])) == Level.VENUE_MANAGER
    assert access.level_at(Scope.of_venue(targets["venue_b"])) == Level.NOBODY
    assert access.level_at(Scope.of_council(targets["council_x"])) == Level.NOBODY
    assert list(access.venues(Level.VENUE_STAFF)) == [targets["venue_a"]]
    assert not access.councils(Level.VENUE_STAFF).exists()


def test_the_invitation_roles_are_the_role_kinds():
    assert [value for value, _ in Invitation._meta.get_field("role").choices] == list(
        Role.Kind.values
    )
