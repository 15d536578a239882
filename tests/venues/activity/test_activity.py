"""The activity log: each service records its change in its own transaction, the council's
admins read it (API and back office), and it is never edited."""

import pytest
from django.test import Client

from backend.errors import ApplicationError
from checkins.comments.services import comment_hide
from checkins.models import Comment
from rewards.offers.services import offer_create, offer_update
from tests.api import error, success
from tests.conftest import client_for
from tests.factories import (
    UserFactory,
    VenueFactory,
    council_admin_of,
    venue_manager_of,
    venue_staff_of,
)
from venues.activity.models import ActivityEntry
from venues.activity.services import activity_record
from venues.posters.services import poster_create, poster_revoke
from venues.services import role_grant, role_revoke, venue_deactivate, venue_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def venue():
    return VenueFactory(name="Leeds Central Library", council__slug="leeds", council__name="Leeds")


def url(council) -> str:
    return f"/api/v1/councils/{council.slug}/activity/"


def test_a_managers_changes_are_recorded_with_who_what_and_where(venue):
    manager = venue_manager_of(venue)
    offer = offer_create(
        council=None,
        venue=venue,
        created_by=manager,
        title="Ten points",
        rule="every_checkin",
        points=10,
    )
    offer_update(offer=offer, changes={"points": 20, "title": "Twenty points"}, actor=manager)
    poster = poster_create(venue=venue, label="Front door", created_by=manager)
    poster_revoke(poster=poster, revoked_by=manager)
    venue_update(venue=venue, changes={"radius_m": 150}, actor=manager)
    rows = list(
        ActivityEntry.objects.order_by("at", "action").values_list(
            "actor", "action", "object_type", "venue", "summary"
        )
    )
    assert [row[1] for row in rows] == [
        "offer.created",
        "offer.changed",
        "poster.created",
        "poster.revoked",
        "venue.changed",
    ]
    assert {row[0] for row in rows} == {manager.pk} and {row[3] for row in rows} == {venue.pk}
    assert rows[1][4] == "Offer 'Twenty points' at Leeds Central Library: changed points, title."
    assert rows[4][4] == "Leeds Central Library: changed radius m."


def test_a_refused_change_leaves_no_entry(venue):
    manager = venue_manager_of(venue)
    offer = offer_create(
        council=None,
        venue=venue,
        created_by=manager,
        title="Capped",
        rule="every_checkin",
        points=10,
    )
    before = ActivityEntry.objects.count()
    with pytest.raises(ApplicationError):
        offer_update(offer=offer, changes={"every_n": -1, "rule": "nth_checkin"}, actor=manager)
    assert ActivityEntry.objects.count() == before


def test_moderation_roles_and_deactivation_are_recorded(venue):
    admin = council_admin_of(venue.council)
    comment = Comment.objects.create(venue=venue, author=UserFactory(display_name="Rosa"), body="x")
    comment_hide(comment=comment, by=admin, reason="Personal details")
    staff = UserFactory(email="sam@example.org")
    role = role_grant(
        council=venue.council, email=staff.email, role="venue_staff", venue=venue, granted_by=admin
    )
    role_revoke(role=role, actor=admin)
    venue_deactivate(venue=venue, actor=admin)
    summaries = dict(ActivityEntry.objects.values_list("action", "summary"))
    assert summaries == {
        "comment.hidden": "A comment at Leeds Central Library was hidden: Personal details",
        "role.granted": "sam@example.org became venue staff of Leeds Central Library.",
        "role.revoked": "sam@example.org is no longer venue staff of Leeds Central Library.",
        "venue.deactivated": "Leeds Central Library was deactivated.",
    }
    assert "Rosa" not in " ".join(summaries.values())  # no resident is named in the log


def test_the_api_lists_the_councils_activity_newest_first_for_its_admins(venue, clock):
    admin = council_admin_of(venue.council)
    offer_create(
        council=None, venue=venue, created_by=admin, title="First", rule="every_checkin", points=1
    )
    clock.advance(minutes=1)
    poster_create(venue=venue, label="Door", created_by=admin)
    VenueFactory(council__slug="york")  # another council's activity is not listed
    offer_create(
        council=None,
        venue=VenueFactory(council__slug="york"),
        created_by=None,
        title="York",
        rule="every_checkin",
        points=1,
    )
    body = success(client_for(admin), "get", url(venue.council)).json()
    assert [row["action"] for row in body["results"]] == ["poster.created", "offer.created"]
    first = body["results"][0]
    assert set(first) >= {"id", "at", "actor", "action", "object_type", "object_id", "summary"}
    assert first["actor"] == {
        "id": str(admin.pk),
        "display_name": admin.display_name,
        "email": admin.email,
    }
    assert first["object_type"] == "poster" and first["venue"] == str(venue.pk)
    filtered = success(client_for(admin), "get", url(venue.council) + "?action=offer.created")
    assert [row["summary"] for row in filtered.json()["results"]] == [
        "Offer 'First' created at Leeds Central Library."
    ]


def test_only_the_councils_admins_read_it(venue, api_client):
    error(api_client, "get", url(venue.council), status=401, code="not_authenticated")
    for person in (venue_manager_of(venue), venue_staff_of(venue), UserFactory()):
        error(client_for(person), "get", url(venue.council), status=403, code="permission_denied")
    other_admin = council_admin_of(VenueFactory().council)
    error(client_for(other_admin), "get", url(venue.council), status=403, code="permission_denied")


def test_a_bad_filter_is_400(venue):
    client = client_for(council_admin_of(venue.council))
    body = error(client, "get", url(venue.council) + "?action=nothing", status=400, code="invalid")
    assert "action" in body["fields"]
    error(client, "get", url(venue.council) + "?venue=not-a-uuid", status=400, code="invalid")


def test_an_entry_is_never_changed_or_deleted(venue):
    poster_create(venue=venue, label="Door", created_by=None)
    entry = ActivityEntry.objects.get()
    entry.summary = "Something else"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()


def test_an_unknown_action_is_a_programming_error(venue):
    with pytest.raises(ValueError, match="unknown activity"):
        activity_record(actor=None, action="venue.painted", obj=venue, summary="x")


def test_the_back_office_page_shows_a_council_admin_their_councils_activity_only(venue):
    admin = council_admin_of(venue.council)
    poster_create(venue=venue, label="Ours", created_by=admin)
    poster_create(venue=VenueFactory(name="York Explore"), label="Theirs", created_by=None)
    client = Client()
    client.force_login(admin)
    page = client.get("/admin/venues/activityentry/")
    assert page.status_code == 200
    assert [entry.summary for entry in page.context["cl"].result_list] == [
        "Poster 'Ours' made for Leeds Central Library."
    ]
    filtered = client.get("/admin/venues/activityentry/?action=poster.revoked")
    assert list(filtered.context["cl"].result_list) == []
    manager = Client()
    manager.force_login(venue_manager_of(venue))
    assert manager.get("/admin/venues/activityentry/").status_code == 403


def test_a_welsh_reader_reads_the_log_in_welsh_and_the_record_stays_english(venue):
    """The entry keeps the English sentence (the record, searched by the back office); the
    back office and the API show its words in the reader's language, with the same values."""
    admin = council_admin_of(venue.council)
    poster_create(venue=venue, label="Main door", created_by=admin)
    entry = ActivityEntry.objects.get()
    assert entry.summary == "Poster 'Main door' made for Leeds Central Library."

    api = client_for(admin)
    welsh = api.get(url(venue.council), HTTP_ACCEPT_LANGUAGE="cy").json()["results"][0]
    assert welsh["summary"] == (
        "Poster 'Main door' wedi'i wneud (lleoliad: Leeds Central Library)."
    )
    english = api.get(url(venue.council)).json()["results"][0]
    assert english["summary"] == entry.summary

    client = Client()
    client.force_login(admin)
    page = client.get("/admin/venues/activityentry/", HTTP_ACCEPT_LANGUAGE="cy")
    assert "wedi&#x27;i wneud (lleoliad: Leeds Central Library)" in page.content.decode()


def test_an_entry_from_before_its_words_were_kept_shows_as_written(venue):
    entry = entry_with_plain_words(venue)
    assert entry.summary_said == {}
    assert entry.shown_summary == "Written before: plain English."


def entry_with_plain_words(venue):
    from django.db import transaction

    with transaction.atomic():
        return activity_record(
            actor=None, action="venue.changed", obj=venue, summary="Written before: plain English."
        )
