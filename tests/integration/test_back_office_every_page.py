"""Every admin page (each changelist, its add page and one object's change page), opened as
every role, answers without a 500; the list walks the admin registry, so a model registered
later is opened too (and fails here until the world below has one of it)."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.integration.back_office_world import back_office_world

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "resident", "staff", "manager", "council_admin", "superuser"]


@pytest.fixture
def world():
    return back_office_world()


def client_as(world, role: str) -> Client:
    client = Client(raise_request_exception=True)
    if role != "anonymous":
        client.force_login(getattr(world, role))
    return client


def admin_urls() -> list[tuple[str, str]]:
    """(label, url) of every changelist, add page and one object's change page."""
    urls = []
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls.append((f"{model._meta.label} list", reverse("admin:{}_{}_changelist".format(*info))))
        urls.append((f"{model._meta.label} add", reverse("admin:{}_{}_add".format(*info))))
        first = model_admin.model._default_manager.order_by("pk").first()
        assert first is not None, f"the back office world has no {model._meta.label}: add one"
        urls.append(
            (
                f"{model._meta.label} change",
                reverse("admin:{}_{}_change".format(*info), args=[first.pk]),
            )
        )
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_no_admin_page_fails_for(role, world):
    client = client_as(world, role)
    answers = {label: client.get(url).status_code for label, url in admin_urls()}
    assert all(status in (200, 302, 403, 404) for status in answers.values()), answers
    if role in ("anonymous", "resident", "staff"):
        assert set(answers.values()) == {302}, answers  # to the sign-in page or the desk
    if role == "superuser":
        lists = {label: s for label, s in answers.items() if label.endswith(" list")}
        assert set(lists.values()) == {200}, lists


@pytest.mark.parametrize("role", ROLES)
def test_the_index_and_sign_in_pages_answer(role, world):
    client = client_as(world, role)
    for path in ("/admin/", "/admin/login/", "/admin/password_change/"):
        assert client.get(path).status_code in (200, 302, 403), path


def test_signed_out_visitors_get_the_sign_in_page():
    page = Client().get("/admin/login/")
    assert page.status_code == 200
    assert 'name="username"' in page.content.decode()


def test_a_resident_is_refused_with_a_plain_page(world):
    page = client_as(world, "resident").get("/admin/login/?next=/admin/")
    assert page.status_code == 403
    assert "The back office is for council and venue staff" in page.content.decode()


def test_staff_are_sent_to_the_desk(world):
    answer = client_as(world, "staff").get("/admin/", follow=True)
    assert answer.redirect_chain[-1][0] == "/desk/"


def test_a_manager_of_one_venue_cannot_open_another_venues_pages(world):
    from checkins.models import CheckIn, Comment
    from venues.models import Poster

    client = client_as(world, "manager")
    other = world.other_venue
    pages = {
        "venue": reverse("admin:venues_venue_change", args=[other.pk]),
        "poster": reverse("admin:venues_poster_change", args=[Poster.objects.get(venue=other).pk]),
        "comment": reverse(
            "admin:checkins_comment_change", args=[Comment.objects.get(venue=other).pk]
        ),
        "check-in": reverse(
            "admin:checkins_checkin_change", args=[CheckIn.objects.filter(venue=other)[0].pk]
        ),
        "reply": reverse(
            "admin:checkins_comment_reply", args=[Comment.objects.get(venue=other).pk]
        ),
    }
    answers = {name: client.get(url).status_code for name, url in pages.items()}
    assert set(answers.values()) <= {403, 404}, answers

    listed = client.get(reverse("admin:venues_venue_changelist")).context["cl"].result_list
    assert [venue.name for venue in listed] == ["Leeds Central Library"]
    comments = client.get(reverse("admin:checkins_comment_changelist")).context["cl"]
    assert {comment.venue_id for comment in comments.result_list} == {world.venue.pk}


def test_a_council_admins_filters_list_only_their_council(world):
    client = client_as(world, "council_admin")
    page = client.get(reverse("admin:venues_venue_changelist")).content.decode()
    assert "Armley Library" in page and "Leeds Central Library" in page
    assert "York Explore" not in page
    assert f">{world.other_council_venue.council.name}<" not in page  # not even in a filter
