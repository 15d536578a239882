"""Accepting one invitation from several tabs at once (real threads, PostgreSQL): the
invitation's row lock lets one through; the others find it used, and nothing is doubled."""

import pytest

from accounts.models import User
from tests.concurrency import run_in_parallel
from tests.conftest import postgres_only
from tests.factories import UserFactory, VenueFactory, council_admin_of
from venues.invitations.services import (
    InvitationNotUsable,
    invitation_accept,
    invitation_accept_new_account,
    invitation_create,
)
from venues.models import ActivityEntry, Invitation, Role


def invited(email: str) -> Invitation:
    venue = VenueFactory()
    return invitation_create(
        council=venue.council,
        venue=venue,
        role="venue_manager",
        email=email,
        invited_by=council_admin_of(venue.council),
    )


def outcome(work):
    try:
        work()
    except InvitationNotUsable as closed:
        return closed.status
    return "granted"


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_six_tabs_accepting_at_once_grant_one_role():
    kim = UserFactory(email="kim@example.org")
    invitation = invited(kim.email)
    outcomes = run_in_parallel(
        6,
        lambda _: outcome(
            lambda: invitation_accept(invitation=invitation, nonce=invitation.nonce, user=kim)
        ),
    )
    assert sorted(outcomes) == ["accepted"] * 5 + ["granted"], outcomes
    assert Role.objects.filter(user=kim, role="venue_manager").count() == 1
    assert ActivityEntry.objects.filter(action="invitation.accepted").count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_tabs_making_the_account_at_once_make_one_account():
    invitation = invited("sam@example.org")
    outcomes = run_in_parallel(
        4,
        lambda n: outcome(
            lambda: invitation_accept_new_account(
                invitation=invitation,
                nonce=invitation.nonce,
                display_name=f"Sam {n}",
                password="a-long-new-password-7",
                birth_year=1985,
            )
        ),
    )
    assert sorted(outcomes) == ["accepted"] * 3 + ["granted"], outcomes
    assert User.objects.filter(email="sam@example.org").count() == 1
    assert Role.objects.filter(user__email="sam@example.org").count() == 1
