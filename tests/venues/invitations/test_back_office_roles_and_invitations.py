"""The back office's own ways to give roles (Roles > Add) and to handle invitations
("Send again", "Cancel"), driven through the admin's forms and actions as a person would."""

from django.core import mail
from django.test import Client

from accounts.models import User
from tests.factories import UserFactory
from venues.activity.models import ActivityEntry
from venues.invitations.services import invitation_create
from venues.models import Role


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def role_add(client, **fields):
    return client.post("/admin/venues/role/add/", {"council": "", "venue": "", **fields})


def test_a_council_admin_gives_an_existing_account_a_role_from_roles_add(admin, venue):
    mo = UserFactory(email="mo@kirklees.gov.uk")
    answer = role_add(
        signed_in(admin), email="MO@kirklees.gov.uk", role="venue_manager", venue=venue.pk
    )
    assert answer.status_code == 302
    role = Role.objects.get(user=mo)
    assert (role.role, role.venue, role.council) == ("venue_manager", venue, venue.council)
    assert ActivityEntry.objects.filter(council=venue.council, actor=admin).exists()


def test_roles_add_sends_someone_without_an_account_to_invitations(admin, venue):
    answer = role_add(
        signed_in(admin), email="new@kirklees.gov.uk", role="venue_staff", venue=venue.pk
    )
    assert answer.status_code == 200
    assert "Invite the person instead" in answer.content.decode()
    assert not Role.objects.filter(venue=venue).exclude(user__in=[admin]).exists()
    assert not User.objects.filter(email="new@kirklees.gov.uk").exists()


def test_a_manager_cannot_make_a_council_admin_with_a_hand_made_post(manager, venue):
    ada = UserFactory(email="ada@kirklees.gov.uk")
    answer = role_add(
        signed_in(manager), email=ada.email, role="council_admin", council=venue.council.pk
    )
    assert answer.status_code == 200
    assert not Role.objects.filter(user=ada).exists()


def test_send_again_emails_the_same_person_again(admin, venue, committed):
    with committed():
        invitation = invitation_create(
            council=venue.council,
            venue=venue,
            role="venue_staff",
            email="sam@kirklees.gov.uk",
            invited_by=admin,
        )
    assert [m.to for m in mail.outbox] == [["sam@kirklees.gov.uk"]]
    with committed():
        answer = signed_in(admin).post(
            "/admin/venues/invitation/",
            {"action": "send_again", "_selected_action": [invitation.pk]},
        )
    assert answer.status_code == 302
    assert [m.to for m in mail.outbox] == [["sam@kirklees.gov.uk"]] * 2


def test_cancel_asks_first_then_cancels(admin, venue, committed):
    with committed():
        invitation = invitation_create(
            council=venue.council,
            venue=venue,
            role="venue_staff",
            email="sam@kirklees.gov.uk",
            invited_by=admin,
        )
    client = signed_in(admin)
    asked = client.post(
        "/admin/venues/invitation/", {"action": "cancel", "_selected_action": [invitation.pk]}
    )
    assert asked.status_code == 200 and "Yes, cancel them" in asked.content.decode()
    invitation.refresh_from_db()
    assert invitation.cancelled_at is None
    confirmed = client.post(
        "/admin/venues/invitation/",
        {"action": "cancel", "_selected_action": [invitation.pk], "confirmed": "yes"},
    )
    assert confirmed.status_code == 302
    invitation.refresh_from_db()
    assert invitation.cancelled_at is not None
