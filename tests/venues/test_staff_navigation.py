"""The staff header: on the back office, insight, desk and digest pages, the places this
person may open, and nothing else."""

import re

import pytest
from django.test import Client

from tests.factories import (
    UserFactory,
    VenueFactory,
    council_admin_of,
    venue_manager_of,
    venue_staff_of,
)

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["/admin/", "/desk/", "/digest/"]


@pytest.fixture
def venue():
    return VenueFactory(name="Leeds Central Library", council__slug="leeds", council__name="Leeds")


def header(user, path: str) -> list[tuple[str, str]]:
    client = Client()
    client.force_login(user)
    html = client.get(path, follow=True).content.decode()
    nav = re.search(r'<nav class="staff-nav".*?</nav>', html, re.S)
    if nav is None:
        return []
    return re.findall(r'<a class="staff-nav__link" href="([^"]+)"[^>]*>([^<]+)</a>', nav[0])


def test_a_council_admin_is_linked_to_everything_of_their_council(venue):
    admin = council_admin_of(venue.council)
    links = header(admin, "/insight/leeds/")
    assert [label for _, label in links] == [
        "Back office",
        "Insight: Leeds",
        "Activity log",
        "Redemption desk",
        "Weekly digest",
        "Your account",
    ]
    assert {label: href for href, label in links}["Activity log"] == (
        f"/admin/venues/activityentry/?council__id__exact={venue.council.pk}"
    )


def test_a_manager_is_linked_to_their_venues_insight_not_the_councils(venue):
    links = header(venue_manager_of(venue), "/desk/")
    assert links == [
        ("/admin/", "Back office"),
        (f"/insight/leeds/venues/{venue.pk}/", "Insight: Leeds Central Library"),
        ("/desk/", "Redemption desk"),
        ("/digest/", "Weekly digest"),
        ("/account/", "Your account"),
    ]


def test_venue_staff_see_the_desk_and_their_account(venue):
    assert [label for _, label in header(venue_staff_of(venue), "/desk/")] == [
        "Redemption desk",
        "Your account",
    ]


def test_a_resident_sees_no_staff_header():
    resident = UserFactory()
    for path in ["/desk/", "/digest/", "/wallet/"]:
        assert header(resident, path) == [], path


def test_a_superuser_without_roles_is_linked_to_the_back_office(venue):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    assert [label for _, label in header(superuser, "/admin/")] == ["Back office", "Your account"]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_the_header_is_on_every_staff_page_and_marks_where_you_are(venue, path):
    client = Client()
    client.force_login(council_admin_of(venue.council))
    html = client.get(path, follow=True).content.decode()
    assert 'class="staff-nav"' in html
    current = re.findall(r'href="([^"]+)" aria-current="page"', html)
    assert current == [path]


def test_the_header_costs_no_query_beyond_the_roles(venue, django_assert_max_num_queries):
    client = Client()
    client.force_login(venue_manager_of(venue))
    client.get("/digest/")
    # session, user, roles (with names), digest opt-out, the comment alerts' choice
    with django_assert_max_num_queries(5):
        client.get("/digest/")


def test_the_desks_check_in_and_screen_pages_carry_the_header_too(venue):
    client = Client()
    client.force_login(venue_staff_of(venue))
    for path in ["/desk/check-in/", "/desk/screen/", f"/desk/screen/?venue={venue.pk}"]:
        response = client.get(path)
        assert response.status_code == 200, path
        nav = re.search(r'<nav class="staff-nav".*?</nav>', response.content.decode(), re.S)
        assert nav is not None, path
        assert "Redemption desk" in nav[0], path
