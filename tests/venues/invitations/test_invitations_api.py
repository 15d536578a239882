"""The invitations API: who may invite whom, the pending list, cancelling, sending again."""

import pytest
from django.core import mail

from tests.api import error, success
from tests.conftest import client_for
from tests.factories import UserFactory, venue_staff_of
from tests.venues.invitations.helpers import invitation_links_to
from venues.activity.models import ActivityEntry
from venues.invitations.models import Invitation

pytestmark = pytest.mark.django_db

URL = "/api/v1/councils/leeds/invitations/"


def invite(client, venue=None, *, role="venue_staff", email="sam@example.org", **expect):
    body = {"email": email, "role": role, "venue": str(venue.pk) if venue else None}
    if "code" in expect:
        return error(client, "post", URL, body, **expect)
    return success(client, "post", URL, body, status=201).json()


def test_a_council_admin_invites_a_manager_who_gets_an_email_with_the_link(admin, venue, committed):
    with committed():
        body = invite(client_for(admin), venue, role="venue_manager", email="Sam@Example.org")
    assert body["email"] == "sam@example.org" and body["role"] == "venue_manager"
    assert body["venue"] == str(venue.pk) and body["status"] == "pending"
    invitation = Invitation.objects.get(pk=body["id"])
    assert (invitation.expires_at - invitation.sent_at).days == 7
    [message] = mail.outbox
    assert message.to == ["sam@example.org"]
    assert "venue manager at Leeds Central Library" in message.subject
    assert len(invitation_links_to("sam@example.org")) == 1
    logged = ActivityEntry.objects.get(action="invitation.sent")
    assert (logged.actor, logged.council, logged.venue) == (admin, venue.council, venue)


def test_a_council_admin_invites_another_council_admin(admin, council):
    body = invite(client_for(admin), role="council_admin", email="chief@example.org")
    assert body["venue"] is None


def test_a_manager_invites_staff_of_their_venue(manager, venue):
    assert invite(client_for(manager), venue)["role"] == "venue_staff"


def test_a_manager_cannot_invite_a_council_admin(manager, council):
    invite(client_for(manager), role="council_admin", status=403, code="permission_denied")
    assert not Invitation.objects.exists()


def test_a_manager_cannot_invite_a_manager_or_staff_of_another_venue(manager, venue, other_venue):
    client = client_for(manager)
    invite(client, venue, role="venue_manager", status=403, code="permission_denied")
    invite(client, other_venue, status=403, code="permission_denied")
    assert not Invitation.objects.exists()


def test_staff_and_residents_cannot_invite(venue):
    for person in (venue_staff_of(venue), UserFactory()):
        invite(client_for(person), venue, status=403, code="permission_denied")


def test_a_superuser_invites_anyone(venue):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    assert invite(client_for(superuser), role="council_admin")["role"] == "council_admin"


def test_signed_out_callers_are_401(venue, api_client):
    invite(api_client, venue, status=401, code="not_authenticated")


def test_a_role_that_does_not_fit_is_400_on_its_field(admin, venue):
    client = client_for(admin)
    body = invite(client, None, role="venue_staff", status=400, code="invalid")
    assert "venue" in body["fields"]
    body = invite(client, venue, role="council_admin", status=400, code="invalid")
    assert "venue" in body["fields"]
    body = error(
        client,
        "post",
        URL,
        {
            "email": "x@example.org",
            "role": "venue_staff",
            "venue": "6f0c0f5e-5a3b-4f7e-9a54-9a7b8c2d3e4f",
        },
        status=400,
        code="invalid",
    )
    assert body["fields"] == {"venue": ["No venue has this id."]}


def test_someone_who_holds_the_role_already_is_409(admin, venue):
    staff = venue_staff_of(venue)
    invite(client_for(admin), venue, email=staff.email, status=409, code="role_exists")


def test_inviting_again_sends_the_open_invitation_again_with_a_new_link(
    admin, venue, committed, clock
):
    client = client_for(admin)
    with committed():
        first = invite(client, venue)
    clock.advance(days=3)
    with committed():
        again = invite(client, venue)
    assert again["id"] == first["id"]
    assert Invitation.objects.count() == 1
    old_link, new_link = invitation_links_to("sam@example.org")
    assert old_link != new_link
    assert again["expires_at"] > first["expires_at"]


def test_the_pending_list_shows_admins_all_and_managers_their_venues(
    admin, manager, venue, other_venue
):
    invite(client_for(admin), venue, email="one@example.org")
    invite(client_for(admin), other_venue, email="two@example.org")
    invite(client_for(admin), role="council_admin", email="three@example.org")
    by_admin = success(client_for(admin), "get", URL).json()
    assert {row["email"] for row in by_admin["results"]} == {
        "one@example.org",
        "two@example.org",
        "three@example.org",
    }
    by_manager = success(client_for(manager), "get", URL).json()
    assert [row["email"] for row in by_manager["results"]] == ["one@example.org"]
    error(client_for(venue_staff_of(venue)), "get", URL, status=403, code="permission_denied")


def test_the_list_leaves_out_accepted_cancelled_and_lapsed_ones(admin, venue, clock):
    client = client_for(admin)
    lapsed = invite(client, venue, email="lapsed@example.org")
    clock.advance(days=8)
    cancelled = invite(client, venue, email="cancelled@example.org")
    success(client, "delete", f"{URL}{cancelled['id']}/", status=204)
    live = invite(client, venue, email="live@example.org")
    ids = [row["id"] for row in success(client, "get", URL).json()["results"]]
    assert ids == [live["id"]]
    assert lapsed["id"] not in ids


def test_cancelling_closes_the_invitation_and_is_logged(admin, venue):
    client = client_for(admin)
    body = invite(client, venue)
    success(client, "delete", f"{URL}{body['id']}/", status=204)
    invitation = Invitation.objects.get(pk=body["id"])
    assert invitation.status == "cancelled" and invitation.cancelled_by == admin
    assert ActivityEntry.objects.filter(action="invitation.cancelled").count() == 1
    success(client, "delete", f"{URL}{body['id']}/", status=204)  # again: nothing changes
    assert ActivityEntry.objects.filter(action="invitation.cancelled").count() == 1
    error(client, "post", f"{URL}{body['id']}/resend/", status=409, code="invitation_closed")


def test_a_manager_cannot_cancel_an_invitation_they_may_not_give(admin, manager, venue):
    body = invite(client_for(admin), venue, role="venue_manager")
    error(client_for(manager), "delete", f"{URL}{body['id']}/", status=404, code="not_found")
    assert Invitation.objects.get(pk=body["id"]).status == "pending"


def test_resend_gives_a_fresh_week(admin, venue, clock, committed):
    client = client_for(admin)
    body = invite(client, venue)
    clock.advance(days=10)
    assert Invitation.objects.get(pk=body["id"]).status == "expired"
    with committed():
        again = success(client, "post", f"{URL}{body['id']}/resend/").json()
    assert again["status"] == "pending"
    assert len(invitation_links_to("sam@example.org")) == 1


def test_a_role_of_another_council_cannot_be_reached(admin, venue):
    other_admin_client = client_for(UserFactory())
    error(other_admin_client, "get", URL, status=403, code="permission_denied")
    error(
        client_for(admin),
        "get",
        "/api/v1/councils/nowhere/invitations/",
        status=404,
        code="not_found",
    )
