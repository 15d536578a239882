"""Moderation that residents can follow: only visitors report, the author sees why their comment
was hidden (in their language when it is a standard reason), and their own comments' list."""

from datetime import timedelta

import pytest
from django.utils import timezone

from checkins.comments.services import (
    HIDDEN_BY_REPORTS,
    HIDE_REASONS,
    comment_hide,
    comment_report,
)
from checkins.models import Comment, CommentReport
from tests.api import error, success
from tests.conftest import client_for
from tests.factories import (
    CheckInFactory,
    CommentFactory,
    UserFactory,
    VenueFactory,
    venue_manager_of,
)

pytestmark = pytest.mark.django_db

MINE = "/api/v1/me/comments/"


def checked_in(resident, venue, *, ago=timedelta(0)):
    CheckInFactory(resident=resident, venue=venue, created_at=timezone.now() - ago)


def written(venue, author=None, body="Lovely reading room.", **fields) -> Comment:
    return CommentFactory(venue=venue, author=author or UserFactory(), body=body, **fields)


def report_url(comment) -> str:
    return f"/api/v1/comments/{comment.id}/report/"


@pytest.fixture
def venue():
    return VenueFactory()


# --- Only residents who may comment there may report ------------------------------------------


@pytest.mark.parametrize(
    "where", ["no check-in at all", "a check-in at another venue", "a check-in 31 days ago"]
)
def test_a_report_without_a_recent_check_in_there_is_refused(venue, where):
    comment = written(venue)
    reporter = UserFactory()  # registered a minute ago
    if where == "a check-in at another venue":
        checked_in(reporter, VenueFactory())
    elif where == "a check-in 31 days ago":
        checked_in(reporter, venue, ago=timedelta(days=31))
    body = error(client_for(reporter), "post", report_url(comment), {"reason": "Spam"},
                 status=403, code="checkin_required")  # fmt: skip
    assert "can report its comments" in body["detail"]
    assert not CommentReport.objects.exists()


def test_three_new_accounts_cannot_hide_a_comment(venue, settings):
    settings.COMMENT_REPORTS_TO_HIDE = 3
    comment = written(venue)
    for reporter in UserFactory.create_batch(3):
        with pytest.raises(Exception) as refused:
            comment_report(comment=comment, reporter=reporter, reason="Spam")
        assert refused.value.code == "checkin_required"
    comment.refresh_from_db()
    assert comment.status == "visible" and not CommentReport.objects.exists()


def test_a_recent_visitor_reports(venue):
    comment = written(venue)
    reporter = UserFactory()
    checked_in(reporter, venue, ago=timedelta(days=29))
    success(client_for(reporter), "post", report_url(comment), {"reason": "Spam"}, status=201)
    assert CommentReport.objects.get().reporter == reporter


# --- The author sees why -----------------------------------------------------------------------


def test_the_author_sees_the_managers_reason_and_nobody_else_does(venue, api_client):
    author = UserFactory()
    comment = written(venue, author=author, body="Ask for Dave.")
    comment_hide(comment=comment, by=venue_manager_of(venue), reason="Names a member of staff.")
    [mine] = success(client_for(author), "get", MINE).json()["results"]
    assert (mine["id"], mine["status"]) == (str(comment.id), "hidden")
    assert mine["hidden_reason"] == "Names a member of staff."
    assert mine["hidden_at"] is not None
    public = success(api_client, "get", f"/api/v1/venues/{venue.id}/comments/").json()
    assert public["count"] == 0
    someone_else = success(client_for(UserFactory()), "get", MINE).json()
    assert someone_else["count"] == 0


def test_a_standard_reason_is_shown_in_the_authors_language(venue):
    author = UserFactory()
    comment = written(venue, author=author)
    comment_hide(comment=comment, by=venue_manager_of(venue), reason=HIDE_REASONS[0])
    client = client_for(author)
    english = success(client, "get", MINE).json()["results"][0]["hidden_reason"]
    welsh = success(client, "get", MINE, HTTP_ACCEPT_LANGUAGE="cy").json()["results"][0]
    assert english == "It is offensive or abusive."
    assert welsh["hidden_reason"] == "Mae'n sarhaus neu'n ddifrïol."


def test_reports_hide_with_a_reason_the_author_reads(venue, settings):
    settings.COMMENT_REPORTS_TO_HIDE = 1
    author = UserFactory()
    comment = written(venue, author=author)
    reporter = UserFactory()
    checked_in(reporter, venue)
    comment_report(comment=comment, reporter=reporter, reason="Rude")
    assert Comment.objects.get().hidden_reason == HIDDEN_BY_REPORTS
    [mine] = success(client_for(author), "get", MINE, HTTP_ACCEPT_LANGUAGE="cy").json()["results"]
    assert mine["hidden_reason"] == (
        "Wedi'i guddio tra bo'r lleoliad yn adolygu adroddiadau gan ymwelwyr eraill."
    )


def test_hiding_without_a_reason_through_the_api_says_the_managers_hid_it(venue):
    author = UserFactory()
    comment = written(venue, author=author)
    manager = client_for(venue_manager_of(venue))
    success(manager, "post", f"/api/v1/comments/{comment.id}/hide/", {})
    [mine] = success(client_for(author), "get", MINE).json()["results"]
    assert mine["hidden_reason"] == "Hidden by the venue's managers."


# --- The author's own comments ---------------------------------------------------------------


def test_my_comments_lists_every_status_newest_first_and_only_mine(venue):
    author = UserFactory()
    older = written(venue, author=author, body="Older", rating=4)
    Comment.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=2))
    hidden = written(VenueFactory(name="Pool"), author=author, body="Hidden one")
    comment_hide(comment=hidden, by=venue_manager_of(hidden.venue), reason="Off topic")
    written(venue, body="Someone else's")
    body = success(client_for(author), "get", MINE).json()
    assert [item["body"] for item in body["results"]] == ["Hidden one", "Older"]
    first, second = body["results"]
    assert (first["venue_name"], first["status"], first["hidden_reason"]) == (
        "Pool", "hidden", "Off topic",
    )  # fmt: skip
    assert (second["venue"], second["rating"], second["status"]) == (str(venue.id), 4, "visible")
    assert second["hidden_reason"] == "" and second["reply"] is None


def test_my_comments_needs_a_caller_and_pages(api_client, venue):
    error(api_client, "get", MINE, status=401, code="not_authenticated")
    author = UserFactory()
    for n in range(3):
        written(venue, author=author, body=f"#{n}")
    body = success(client_for(author), "get", MINE, {"page_size": 2}).json()
    assert body["count"] == 3 and body["next"] and len(body["results"]) == 2
    error(client_for(author), "get", MINE, {"page_size": 0}, status=400, code="invalid")


def test_my_comments_costs_the_same_queries_however_many(venue, django_assert_max_num_queries):
    author = UserFactory()
    for n in range(12):
        written(VenueFactory(), author=author, body=f"#{n}")
    with django_assert_max_num_queries(2):  # count, page (venues, councils and replies joined)
        success(client_for(author), "get", MINE)


def test_the_author_deletes_their_hidden_comment_too(venue):
    author = UserFactory()
    comment = written(venue, author=author)
    comment_hide(comment=comment, by=venue_manager_of(venue), reason="Off topic")
    success(client_for(author), "delete", f"/api/v1/comments/{comment.id}/", status=204)
    assert not Comment.objects.exists()
    assert success(client_for(author), "get", MINE).json()["count"] == 0
