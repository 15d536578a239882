"""Every back-office page, opened in English and in Welsh by the people who use it, shows no
English sentence on the Welsh page: the project's model and field names, help texts, list
columns, filters, actions and its own pages are Welsh, beside Django's admin, which ships Welsh.
Data (names, titles, codes, emails, numbers, dates) is allowed, as on the resident pages.

The pages are those of the every-page back-office walk (every registered model's list, add
page and one object's page, so a model registered later is walked too), the index, each app's
index and the project's own admin views."""

import re

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import reverse

from checkins.models import Alert, CheckIn, Comment
from tests.integration.back_office_world import back_office_world
from tests.integration.test_back_office_every_page import admin_urls
from tests.integration.welsh_pages import data_strings, english_on_welsh_page
from venues.models import Poster

pytestmark = pytest.mark.django_db

WELSH = {"HTTP_ACCEPT_LANGUAGE": "cy"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-gb"}

# The people who work in the back office: a superuser sees every model and field, a council's
# administrator and a venue's manager see the forms and lists trimmed to their roles.
ROLES = ["superuser", "council_admin", "manager"]

# Apps whose every page is walked: the project's and those of the libraries it registers.
APPS = sorted({model._meta.app_label for model in admin.site._registry})


@pytest.fixture
def world():
    return back_office_world()


def own_views(world) -> list[tuple[str, str]]:
    """(label, url) of the index, each app's index and the project's own admin views."""
    venue = world.venue
    checkin = CheckIn.objects.filter(venue=venue).first()
    comment = Comment.objects.filter(venue=venue).first()
    alert = Alert.objects.filter(venue=venue).first()
    poster = Poster.objects.filter(venue=venue).first()
    views = [("index", reverse("admin:index"))]
    views += [(f"{app} app", reverse("admin:app_list", args=[app])) for app in APPS]
    views += [
        ("checkins void", reverse("admin:checkins_checkin_void", args=[checkin.pk])),
        ("checkins reply", reverse("admin:checkins_comment_reply", args=[comment.pk])),
        ("checkins resolve", reverse("admin:checkins_alert_resolve", args=[alert.pk])),
        ("venues poster replace", reverse("admin:venues_poster_replace", args=[poster.pk])),
        ("venues import", reverse("admin:venues_venue_import")),
        ("password change", reverse("admin:password_change")),
    ]
    return views


def english_left_on_welsh_pages(client: Client, pages) -> dict[str, list[str]]:
    found = {}
    for label, url in pages:
        english = client.get(url, **ENGLISH)
        welsh = client.get(url, **WELSH)
        data = data_strings()  # after the requests: signing in leaves records too
        assert english.status_code == welsh.status_code, (label, url)
        if welsh.status_code != 200:
            continue  # a page this role may not open (the every-page walk checks which)
        assert welsh["Content-Language"] == "cy", url
        words = english_on_welsh_page(english.content.decode(), welsh.content.decode(), data)
        if words:
            found[f"{label} {url}"] = words
    return found


def report(found: dict[str, list[str]]) -> str:
    return "English on Welsh back-office pages:\n" + "\n".join(
        f"{page}: {words}" for page, words in found.items()
    )


@pytest.mark.parametrize("app", APPS)
@pytest.mark.parametrize("role", ROLES)
def test_no_model_page_shows_english_in_welsh(role, app, world):
    pages = [
        (label, url)
        for label, url in admin_urls()
        if label.split(".")[0] == app or label.startswith(f"{app}.")
    ]
    client = Client()
    client.force_login(getattr(world, role))
    found = english_left_on_welsh_pages(client, pages)
    assert not found, report(found)


@pytest.mark.parametrize("role", ROLES)
def test_the_back_offices_own_pages_show_no_english_in_welsh(role, world):
    pages = own_views(world)
    client = Client()
    client.force_login(getattr(world, role))
    found = english_left_on_welsh_pages(client, pages)
    assert not found, report(found)


def action_answers(
    client: Client, changelist: str, action: str, pk, language: dict
) -> tuple[list[str], list[str]]:
    """The pages an action shows, in one language: its confirmation page (or the list with its
    message, for an action that asks nothing), then what confirming it shows; and the data
    then stored (an erased person's new name...). Run in a savepoint rolled back, so both
    languages act on the same objects."""
    from checkins.comments.admin import HIDE_REASONS

    chosen = {"action": action, "_selected_action": [str(pk)], "index": "0"}
    with transaction.atomic():
        first = client.post(changelist, chosen, follow=True, **language)
        confirmed = client.post(
            changelist,
            {**chosen, "confirmed": "yes", "reason": HIDE_REASONS[0]},
            follow=True,
            **language,
        )
        data = data_strings()
        transaction.set_rollback(True)
    assert first.status_code == confirmed.status_code == 200, (changelist, action)
    return [first.content.decode(), confirmed.content.decode()], data


def test_every_action_asks_and_answers_in_welsh(world):
    """Each list's actions (Django's "delete selected" aside: Django's own Welsh), on the first
    object: the confirmation page and the message after it."""
    client = Client()
    client.force_login(world.superuser)
    found = {}
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        first = model._default_manager.order_by("pk").first()
        request = client.get(changelist).wsgi_request
        for action in model_admin.get_actions(request):
            if action == "delete_selected":
                continue
            english, data = action_answers(client, changelist, action, first.pk, ENGLISH)
            welsh, _data = action_answers(client, changelist, action, first.pk, WELSH)
            for step, (in_english, in_welsh) in enumerate(zip(english, welsh, strict=True)):
                words = english_on_welsh_page(in_english, in_welsh, data)
                if words:
                    found[f"{model._meta.label} {action} step {step + 1}"] = words
    assert not found, report(found)


def test_a_lists_count_puts_the_singular_after_the_number_in_welsh(world):
    """Welsh says "3 cynnig" (singular after a number); Django's count takes the plural name
    for any number but 1, as English does."""
    client = Client()
    client.force_login(world.superuser)
    welsh = client.get("/admin/rewards/offer/", **WELSH).content.decode()
    english = client.get("/admin/rewards/offer/", **ENGLISH).content.decode()
    assert re.search(r"\b6 cynnig\b", welsh) and "6 cynigion" not in welsh
    assert re.search(r"\b6 offers\b", english)
