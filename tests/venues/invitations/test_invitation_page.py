"""The invitation link's page: accepting signed in, making the account there, and every way a
link stops working (expired, used, cancelled, replaced, the wrong account)."""

import pytest
from django.test import Client

from accounts.models import User
from tests.factories import UserFactory
from tests.venues.invitations.helpers import last_invitation_link
from venues.activity.models import ActivityEntry
from venues.invitations.services import invitation_cancel, invitation_create, invitation_resend
from venues.models import Invitation, Role
from venues.services import role_grant

pytestmark = pytest.mark.django_db

NEW_PERSON = "sam@example.org"


@pytest.fixture
def invitation(admin, venue, committed):
    with committed():
        return invitation_create(
            council=venue.council,
            venue=venue,
            role=Role.Kind.VENUE_MANAGER,
            email=NEW_PERSON,
            invited_by=admin,
        )


@pytest.fixture
def link(invitation):
    return last_invitation_link(NEW_PERSON)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_someone_new_makes_their_account_and_lands_in_the_back_office(link, invitation, venue):
    client = Client()
    page = client.get(link)
    assert page.status_code == 200
    html = page.content.decode()
    assert "venue manager at Leeds Central Library" in html
    assert 'name="display_name"' in html and 'name="password"' in html

    answer = client.post(
        link, {"display_name": "Sam", "password": "a-long-new-password-7", "birth_year": "1985"}
    )
    assert answer.status_code == 302 and answer["Location"] == "/admin/"
    sam = User.objects.get(email=NEW_PERSON)
    assert sam.is_staff and sam.check_password("a-long-new-password-7")
    assert Role.objects.filter(user=sam, venue=venue, role="venue_manager").exists()
    assert client.session["_auth_user_id"] == str(sam.pk)
    invitation.refresh_from_db()
    assert invitation.accepted_by == sam and invitation.status == "accepted"
    assert set(ActivityEntry.objects.values_list("action", flat=True)) >= {
        "invitation.sent",
        "role.granted",
        "invitation.accepted",
    }
    assert client.get("/admin/").status_code == 200


def test_staff_land_at_the_desk(admin, venue, committed):
    with committed():
        invitation_create(
            council=venue.council,
            venue=venue,
            role="venue_staff",
            email=NEW_PERSON,
            invited_by=admin,
        )
    answer = Client().post(
        last_invitation_link(NEW_PERSON),
        {"display_name": "Sam", "password": "a-long-new-password-7", "birth_year": "1985"},
    )
    assert answer["Location"] == "/desk/"


def test_a_weak_password_is_refused_beside_the_field_and_nothing_is_made(link, invitation):
    page = Client().post(
        link, {"display_name": "Sam", "password": "12345678", "birth_year": "1985"}
    )
    assert page.status_code == 400
    assert "There is a problem" in page.content.decode()
    assert not User.objects.filter(email=NEW_PERSON).exists()
    assert not Role.objects.filter(user__email=NEW_PERSON).exists()
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_signed_in_with_the_invited_email_accepts_with_one_press(admin, venue, committed):
    existing = UserFactory(email="kim@example.org")
    with committed():
        invitation_create(
            council=venue.council,
            venue=venue,
            role="venue_staff",
            email="KIM@example.org",
            invited_by=admin,
        )
    link = last_invitation_link("kim@example.org")
    client = signed_in(existing)
    page = client.get(link)
    assert page.status_code == 200
    assert "Accept the invitation" in page.content.decode()
    answer = client.post(link)
    assert answer["Location"] == "/desk/"
    assert Role.objects.filter(user=existing, venue=venue, role="venue_staff").exists()


def test_an_existing_account_signed_out_is_asked_to_sign_in_first(admin, venue, committed):
    UserFactory(email="kim@example.org")
    with committed():
        invitation_create(
            council=venue.council,
            venue=venue,
            role="venue_staff",
            email="kim@example.org",
            invited_by=admin,
        )
    link = last_invitation_link("kim@example.org")
    page = Client().get(link)
    html = page.content.decode()
    assert page.status_code == 200 and "Sign in to accept" in html
    assert "/accounts/login/?next=" in html and 'name="password"' not in html


def test_signed_in_with_another_email_is_refused_and_offered_to_sign_out(link, invitation):
    someone_else = UserFactory(email="other@example.org")
    client = signed_in(someone_else)
    page = client.get(link)
    html = page.content.decode()
    assert page.status_code == 403
    assert NEW_PERSON in html and "other@example.org" in html
    assert "Sign out and continue" in html
    assert client.post(link).status_code == 403
    assert not Role.objects.filter(user=someone_else).exists()
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_a_used_link_is_gone(link):
    client = Client()
    client.post(
        link, {"display_name": "Sam", "password": "a-long-new-password-7", "birth_year": "1985"}
    )
    again = Client().get(link)
    assert again.status_code == 410
    assert "accepted already" in again.content.decode()
    assert Role.objects.filter(user__email=NEW_PERSON).count() == 1


def test_an_expired_link_is_gone(link, clock):
    clock.advance(days=7, seconds=1)
    page = Client().get(link)
    assert page.status_code == 410 and "expired" in page.content.decode()
    assert (
        Client()
        .post(link, {"display_name": "Sam", "password": "x" * 12, "birth_year": "1985"})
        .status_code
        == 410
    )
    assert not User.objects.filter(email=NEW_PERSON).exists()


def test_a_link_works_until_its_seventh_day_ends(link, clock):
    clock.advance(days=6, hours=23)
    assert Client().get(link).status_code == 200


def test_a_cancelled_link_is_gone(link, invitation, admin):
    invitation_cancel(invitation=invitation, by=admin)
    page = Client().get(link)
    assert page.status_code == 410 and "cancelled" in page.content.decode()


def test_sending_again_replaces_the_old_link(link, invitation, admin, committed):
    with committed():
        invitation_resend(invitation=invitation, by=admin)
    new_link = last_invitation_link(NEW_PERSON)
    assert new_link != link
    old = Client().get(link)
    assert old.status_code == 410 and "newer email" in old.content.decode()
    assert Client().get(new_link).status_code == 200


def test_a_forged_or_mangled_link_is_404(link):
    assert Client().get("/invitations/not-a-token/").status_code == 404
    assert Client().get(link[:-4] + "xyz/").status_code == 404


def test_a_race_lost_to_another_acceptance_is_the_used_page(link, invitation, venue):
    Client().post(
        link, {"display_name": "Sam", "password": "a-long-new-password-7", "birth_year": "1985"}
    )
    existing = User.objects.get(email=NEW_PERSON)
    page = signed_in(existing).post(link)
    assert page.status_code == 410
    assert Role.objects.filter(user=existing).count() == 1


def test_someone_given_the_role_meanwhile_accepts_without_a_second_role(admin, venue, committed):
    kim = UserFactory(email="kim@example.org")
    with committed():
        invitation_create(
            council=venue.council,
            venue=venue,
            role="venue_staff",
            email=kim.email,
            invited_by=admin,
        )
    role_grant(
        council=venue.council, email=kim.email, role="venue_staff", venue=venue, granted_by=admin
    )
    answer = signed_in(kim).post(last_invitation_link(kim.email))
    assert answer.status_code == 302
    assert Role.objects.filter(user=kim).count() == 1
    assert Invitation.objects.get(email=kim.email).status == "accepted"


def test_the_new_account_form_links_the_privacy_notice(link):
    assert 'href="/privacy/"' in Client().get(link).content.decode()


def test_an_erased_persons_invitations_go_with_their_address(link, invitation):
    from accounts.services import user_erase

    Client().post(
        link, {"display_name": "Sam", "password": "a-long-new-password-7", "birth_year": "1985"}
    )
    sam = User.objects.get(email=NEW_PERSON)
    user_erase(user=sam)
    assert not Invitation.objects.filter(email=NEW_PERSON).exists()
    assert ActivityEntry.objects.filter(action="invitation.accepted", actor=sam).exists()


def test_the_export_holds_the_invitations_and_the_activity(link):
    from accounts.selectors import user_export

    Client().post(
        link, {"display_name": "Sam", "password": "a-long-new-password-7", "birth_year": "1985"}
    )
    data = user_export(user=User.objects.get(email=NEW_PERSON))
    assert [row["status"] for row in data["invitations"]] == ["accepted"]
    assert [row["action"] for row in data["activity"]] == ["invitation.accepted"]
