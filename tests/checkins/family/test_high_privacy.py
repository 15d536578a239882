"""High privacy for everyone under 18 (issue 25, the ICO Children's code): their comments wait
for a manager's approval and are shown without their name, they are sent no digest, and the
venue's list of visits does not name them."""

from datetime import date

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.children.services import child_add
from checkins.comments.services import AWAITING_APPROVAL, comment_create
from checkins.models import CheckIn
from insight.digest.services import digests_send
from tests.api import success
from tests.conftest import client_for
from tests.factories import UserFactory, VenueFactory, venue_manager_of
from tests.residents.helpers import points_and_voucher_offers

pytestmark = pytest.mark.django_db


def year_born(age: int) -> int:
    """A birth year that makes someone ``age`` or ``age + 1`` today."""
    return timezone.localdate().year - age - 1


@pytest.fixture
def venue():
    return VenueFactory(name="Hackney Central Library")


def checked_in(resident, venue) -> None:
    CheckIn.objects.create(
        resident=resident, venue=venue, method="gps", evidence="location", distance_m=5
    )


def test_a_15_year_olds_comment_waits_for_approval_and_shows_without_the_name(venue):
    teen = UserFactory(display_name="Jordan Smith", birth_year=year_born(15))
    checked_in(teen, venue)
    author = client_for(teen)
    body = success(
        author,
        "post",
        f"/api/v1/venues/{venue.id}/comments/",
        {"body": "Great comics section.", "rating": 5},
        status=201,
    ).json()
    assert body["author_display_name"] == "A young visitor"
    # Not published yet: the public list is empty, the manager's queue holds it.
    public = success(client_for(UserFactory()), "get", f"/api/v1/venues/{venue.id}/comments/")
    assert public.json()["count"] == 0
    manager = client_for(venue_manager_of(venue))
    queue = success(manager, "get", f"/api/v1/venues/{venue.id}/comments/moderation/").json()
    [held] = queue["results"]
    assert (held["status"], held["hidden_reason"]) == ("hidden", AWAITING_APPROVAL)
    assert held["author_display_name"] == "A young visitor"
    # The manager approves it (restore): published, still without the name.
    success(manager, "post", f"/api/v1/comments/{held['id']}/restore/")
    public = success(APIClient(), "get", f"/api/v1/venues/{venue.id}/comments/").json()
    [shown] = public["results"]
    assert shown["author_display_name"] == "A young visitor"
    page = client_for(UserFactory()).get(f"/v/{venue.id}/")
    html = page.content.decode()
    assert "Great comics section." in html and "A young visitor" in html
    assert "Jordan" not in html


def test_an_adults_comment_is_published_at_once_with_their_name(venue):
    adult = UserFactory(display_name="Rosa", birth_year=year_born(40))
    checked_in(adult, venue)
    comment = comment_create(author=adult, venue=venue, body="Quiet and warm.")
    assert (comment.status, comment.author_shown_as) == ("visible", "Rosa")


def test_no_digest_to_under_18s(venue):
    young_manager = venue_manager_of(venue)
    young_manager.birth_year = year_born(16)
    young_manager.save()
    adult_manager = venue_manager_of(venue)
    assert digests_send(today=date.today()) == 1
    assert [message.to for message in mail.outbox] == [[adult_manager.email]]


def test_the_venues_list_of_visits_does_not_name_a_child(venue):
    parent = UserFactory(birth_year=year_born(35))
    sam = child_add(parent=parent, first_name="Sam", birth_year=year_born(7))
    checked_in(sam, venue)
    staff = client_for(venue_manager_of(venue))
    [visit] = success(staff, "get", f"/api/v1/venues/{venue.id}/checkins/").json()["results"]
    assert visit["visitor"] == "A young visitor"


def test_a_teenagers_wallet_shows_no_progress_nudges(venue, client):
    points_and_voucher_offers(venue)
    teen = UserFactory(birth_year=year_born(14))
    adult = UserFactory(birth_year=year_born(40))
    for person in (teen, adult):
        checked_in(person, venue)
    client.force_login(adult)
    assert 'id="progress"' in client.get("/wallet/").content.decode()
    client.force_login(teen)
    assert 'id="progress"' not in client.get("/wallet/").content.decode()


def test_a_teenager_is_told_their_comment_is_shown_without_their_name(venue, client):
    teen = UserFactory(birth_year=year_born(15))
    checked_in(teen, venue)
    client.force_login(teen)
    html = client.get(f"/v/{venue.id}/").content.decode()
    assert "Other visitors will see it without your name" in html
    answer = client.post(f"/v/{venue.id}/comment", {"body": "Nice.", "rating": ""}, follow=True)
    assert "Your comment will appear, without your name" in answer.content.decode()
