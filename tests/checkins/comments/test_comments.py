"""Comments: who may write them, the word filter, reports that hide, and moderation."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from checkins.comments.services import (
    HIDDEN_BY_REPORTS,
    CommentTransitionError,
    comment_hide,
    comment_report,
    comment_restore,
    comment_set_status,
)
from checkins.models import CheckIn, Comment, CommentAlert, CommentReport
from tests.api import error, success
from tests.concurrency import run_in_parallel
from tests.conftest import client_for, postgres_only
from tests.factories import (
    CheckInFactory,
    CommentFactory,
    CouncilFactory,
    UserFactory,
    VenueFactory,
    council_admin_of,
    venue_manager_of,
    venue_staff_of,
)
from tests.helpers import assert_head_is_held_to_the_access_of_get

pytestmark = pytest.mark.django_db


def checked_in(resident, venue, *, ago=timedelta(0)) -> CheckIn:
    return CheckInFactory(resident=resident, venue=venue, created_at=timezone.now() - ago)


def written(venue, body="Lovely reading room.") -> Comment:
    return CommentFactory(venue=venue, body=body)


def comments_url(venue) -> str:
    return f"/api/v1/venues/{venue.id}/comments/"


def queue_url(venue) -> str:
    return f"/api/v1/venues/{venue.id}/comments/moderation/"


def comment_url(comment, action: str = "") -> str:
    return f"/api/v1/comments/{comment.id}/{action}"


def posted(client, venue, payload, **extra) -> dict:
    return success(client, "post", comments_url(venue), payload, status=201, **extra).json()


def refused(client, venue, payload, *, status: int, code: str, **extra) -> dict:
    return error(client, "post", comments_url(venue), payload, status=status, code=code, **extra)


def visitor(venue):
    """A resident who checked in at ``venue`` lately: one who may comment and report there."""
    resident = UserFactory()
    checked_in(resident, venue)
    return resident


def reported(comment, times: int) -> None:
    for _ in range(times):
        comment_report(comment=comment, reporter=visitor(comment.venue), reason="Rude.")


@pytest.fixture
def venue():
    return VenueFactory()


@pytest.fixture
def visitor_client(resident, venue):
    checked_in(resident, venue, ago=timedelta(days=2))
    return client_for(resident)


# --- Writing ----------------------------------------------------------------------------------


def test_a_recent_visitor_comments_and_is_shown_by_display_name(visitor_client, resident, venue):
    payload = {"body": "  Quiet and warm.  ", "rating": 5}
    body = posted(visitor_client, venue, payload)
    assert set(body) == {"id", "author_display_name", "body", "rating", "created_at", "reply"}
    assert body["author_display_name"] == "Rosa Resident"
    assert body["reply"] is None
    assert (body["body"], body["rating"]) == ("Quiet and warm.", 5)
    stored = Comment.objects.get(pk=body["id"])
    assert (stored.author, stored.venue, stored.status) == (resident, venue, "visible")


@pytest.mark.parametrize("where", ["nowhere", "another venue", "31 days ago"])
def test_a_comment_without_a_recent_checkin_there_is_refused(resident, venue, where):
    if where == "another venue":
        checked_in(resident, VenueFactory())
    elif where == "31 days ago":
        checked_in(resident, venue, ago=timedelta(days=31))
    refused(client_for(resident), venue, {"body": "Hi"}, status=403, code="checkin_required")
    assert not Comment.objects.exists()


def test_a_checkin_exactly_at_the_window_edge_still_counts(resident, venue, settings, monkeypatch):
    settings.COMMENT_CHECKIN_WINDOW_DAYS = 7
    frozen = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: frozen)
    checkin = checked_in(resident, venue, ago=timedelta(days=7))
    client = client_for(resident)
    posted(client, venue, {"body": "Just in time."})
    late = frozen - timedelta(days=7, microseconds=1)
    CheckIn.objects.filter(pk=checkin.pk).update(created_at=late)
    refused(client, venue, {"body": "Late."}, status=403, code="checkin_required")
    assert list(Comment.objects.values_list("body", flat=True)) == ["Just in time."]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"body": "Fine", "rating": 0}, "rating"),
        ({"body": "Fine", "rating": 6}, "rating"),
        ({"body": ""}, "body"),
        ({"body": "   "}, "body"),
        ({"body": "x" * 2001}, "body"),
        ({"rating": 3}, "body"),
    ],
)
def test_a_bad_body_or_rating_is_invalid(visitor_client, venue, payload, field):
    body = refused(visitor_client, venue, payload, status=400, code="invalid")
    assert list(body["fields"]) == [field]
    assert not Comment.objects.exists()


def test_the_longest_body_and_no_rating_are_accepted(visitor_client, venue):
    posted(visitor_client, venue, {"body": "x" * 2000})
    assert Comment.objects.get().rating is None


@pytest.mark.parametrize(
    "text",
    [
        "What a load of SHIT",
        "fuuuuuck this place",
        "the staff are c u n t s",
        "sh1t coffee",
        "utter sh!t!",
        "@sshole at the desk",
        "f.u.c.k.i.n.g slow",
        "Fücking cold",
        "wankers everywhere",
    ],
)
def test_a_blocked_word_is_inappropriate_content(visitor_client, venue, text):
    refused(visitor_client, venue, {"body": text}, status=400, code="inappropriate_content")
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "text",
    [
        "Day trip from Scunthorpe and Penistone",
        "A classic class, a thorough assessment",
        "Shiite and Sunni families welcome; spiced latte",
        "Room 455, off the A55; passing the grass by the cocktail bar",
        "Dick Whittington panto, a blue tit in the park",
    ],
)
def test_words_that_merely_contain_a_blocked_word_pass(visitor_client, venue, text):
    posted(visitor_client, venue, {"body": text})
    assert Comment.objects.get().body == text


def test_the_setting_adds_blocked_words(visitor_client, venue, settings):
    settings.COMMENT_BLOCKED_WORDS = ["muppet"]
    payload = {"body": "Run by MUPPETS"}
    refused(visitor_client, venue, payload, status=400, code="inappropriate_content")
    settings.COMMENT_BLOCKED_WORDS = []
    posted(visitor_client, venue, payload)


def test_idempotent_retry_stores_one_comment_and_a_new_body_is_refused(visitor_client, venue):
    key = {"HTTP_IDEMPOTENCY_KEY": "comment-1"}
    first = success(visitor_client, "post", comments_url(venue), {"body": "Hi"}, status=201, **key)
    again = success(visitor_client, "post", comments_url(venue), {"body": "Hi"}, status=201, **key)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Comment.objects.count() == 1
    refused(visitor_client, venue, {"body": "Ho"}, status=409, code="idempotency_key_reused", **key)
    assert Comment.objects.count() == 1


def test_posting_comments_is_throttled_but_reading_is_not(visitor_client, venue, monkeypatch):
    rates = {**ScopedRateThrottle.THROTTLE_RATES, "comments": "2/hour"}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)
    for n in range(2):
        posted(visitor_client, venue, {"body": f"#{n}"})
    response = visitor_client.post(comments_url(venue), {"body": "#3"}, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    assert Comment.objects.count() == 2
    assert success(visitor_client, "get", comments_url(venue)).json()["count"] == 2


def test_anonymous_cannot_comment(api_client, venue):
    refused(api_client, venue, {"body": "Hi"}, status=401, code="not_authenticated")


# --- Reading and deleting ---------------------------------------------------------------------


def test_the_list_shows_visible_comments_newest_first_without_emails(api_client, venue):
    old, hidden, new = (written(venue, body=text) for text in ("Old", "Hidden", "New"))
    written(VenueFactory(), body="Elsewhere")
    for age, comment in enumerate([new, hidden, old]):
        Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(age))
    comment_hide(comment=hidden, by=venue_manager_of(venue))
    response = success(api_client, "get", comments_url(venue))
    body = response.json()
    assert body["count"] == 2
    assert [c["body"] for c in body["results"]] == ["New", "Old"]
    assert body["results"][0]["author_display_name"] == new.author.display_name
    assert "@" not in response.content.decode()


def test_its_author_deletes_a_comment(venue):
    comment = written(venue)
    success(client_for(comment.author), "delete", comment_url(comment), status=204)
    assert not Comment.objects.exists()


@pytest.mark.parametrize("who", ["resident", "manager"])
def test_nobody_else_deletes_a_comment(venue, who):
    comment = written(venue)
    caller = UserFactory() if who == "resident" else venue_manager_of(venue)
    error(client_for(caller), "delete", comment_url(comment), status=403, code="permission_denied")
    error(APIClient(), "delete", comment_url(comment), status=401, code="not_authenticated")
    assert Comment.objects.filter(pk=comment.pk).exists()


@pytest.mark.parametrize("action", ["", "report/", "hide/", "restore/"])
def test_an_unknown_comment_is_not_found(venue, action):
    manager = client_for(venue_manager_of(venue))
    url, method = f"/api/v1/comments/{uuid.uuid4()}/{action}", "post" if action else "delete"
    error(manager, method, url, {"reason": "x"}, status=404, code="not_found")


# --- Reports ----------------------------------------------------------------------------------


def test_a_report_is_stored_once_per_resident(resident_client, resident, venue):
    checked_in(resident, venue, ago=timedelta(days=3))
    comment = written(venue)
    url = comment_url(comment, "report/")
    body = success(resident_client, "post", url, {"reason": "Spam"}, status=201).json()
    assert (body["comment"], body["reason"]) == (str(comment.id), "Spam")
    error(resident_client, "post", url, {"reason": "Again"}, status=409, code="already_reported")
    assert list(CommentReport.objects.values_list("reporter", "reason")) == [(resident.pk, "Spam")]


def test_a_resident_cannot_report_their_own_comment(venue):
    comment = written(venue)
    url, client = comment_url(comment, "report/"), client_for(comment.author)
    error(client, "post", url, {"reason": "Me"}, status=403, code="permission_denied")
    error(client, "post", url, {}, status=400, code="invalid")
    assert not CommentReport.objects.exists()


@pytest.mark.parametrize("threshold", [3, 2])
def test_reports_from_enough_residents_hide_the_comment(venue, settings, threshold):
    settings.COMMENT_REPORTS_TO_HIDE = threshold
    comment = written(venue)
    for reporter in [visitor(venue) for _ in range(threshold)]:
        assert Comment.objects.get(pk=comment.pk).status == "visible"
        report = {"reason": "Abusive"}
        success(client_for(reporter), "post", comment_url(comment, "report/"), report, status=201)
    comment.refresh_from_db()
    assert comment.status == "hidden"
    assert comment.hidden_reason == HIDDEN_BY_REPORTS
    assert comment.moderated_by is None
    assert success(APIClient(), "get", comments_url(venue)).json()["count"] == 0


def test_after_a_restore_one_new_report_does_not_hide_it_again(venue):
    comment = written(venue)
    reported(comment, 3)
    comment = comment_restore(comment=comment, by=venue_manager_of(venue))
    assert not CommentReport.objects.filter(reviewed_at__isnull=True).exists()
    reported(comment, 1)
    comment.refresh_from_db()
    assert comment.status == "visible"
    reported(comment, 2)
    comment.refresh_from_db()
    assert comment.status == "hidden"


# --- Moderation -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["venue_manager", "council_admin", "superuser"])
def test_managers_hide_and_restore_a_comment(venue, who):
    manager = {
        "venue_manager": lambda: venue_manager_of(venue),
        "council_admin": lambda: council_admin_of(venue.council),
        "superuser": lambda: UserFactory(is_superuser=True),
    }[who]()
    comment = written(venue)
    reported(comment, 1)
    client = client_for(manager)
    body = success(client, "post", comment_url(comment, "hide/"), {"reason": "Rude"}).json()
    assert (body["status"], body["hidden_reason"]) == ("hidden", "Rude")
    assert body["reports"][0]["reviewed_at"] is not None
    comment.refresh_from_db()
    assert (comment.status, comment.moderated_by) == ("hidden", manager)
    assert comment.hidden_at is not None
    body = success(client, "post", comment_url(comment, "restore/")).json()
    assert (body["status"], body["hidden_reason"], body["hidden_at"]) == ("visible", "", None)
    assert Comment.objects.get(pk=comment.pk).status == "visible"


def test_hiding_a_hidden_comment_keeps_the_first_hide(venue):
    comment = written(venue)
    manager = venue_manager_of(venue)
    first = comment_hide(comment=comment, by=manager, reason="First")
    again = comment_hide(comment=comment, by=UserFactory(is_superuser=True), reason="Second")
    assert (again.hidden_reason, again.moderated_by) == ("First", manager)
    assert again.hidden_at == first.hidden_at


def test_the_transition_table_refuses_a_move_it_does_not_list(venue):
    comment = written(venue)
    with pytest.raises(CommentTransitionError):
        comment_set_status(comment=comment, status="visible")
    comment_set_status(comment=comment, status="hidden", reason="x")
    with pytest.raises(CommentTransitionError):
        comment_set_status(comment=comment, status="hidden")


def test_the_queue_has_hidden_and_reported_comments_with_their_reports(venue):
    manager = venue_manager_of(venue)
    hidden = written(venue, body="Hidden")
    comment_hide(comment=hidden, by=manager, reason="Off topic")
    reported_one = written(venue, body="Reported")
    comment_report(comment=reported_one, reporter=visitor(venue), reason="Rude")
    dismissed = written(venue, body="Dismissed")
    reported(dismissed, 1)
    comment_restore(comment=dismissed, by=manager)
    written(venue, body="Fine")
    reported(written(VenueFactory(), body="Elsewhere"), 1)
    results = success(client_for(manager), "get", queue_url(venue)).json()["results"]
    by_body = {item["body"]: item for item in results}
    assert set(by_body) == {"Hidden", "Reported"}
    assert by_body["Hidden"]["status"] == "hidden"
    assert by_body["Hidden"]["hidden_reason"] == "Off topic"
    assert by_body["Hidden"]["reports"] == []
    [report] = by_body["Reported"]["reports"]
    assert set(report) == {"id", "reason", "created_at", "reviewed_at"}
    assert (report["reason"], report["reviewed_at"]) == ("Rude", None)
    assert by_body["Reported"]["status"] == "visible"


@pytest.mark.parametrize("comments", [2, 12])
def test_the_queue_costs_the_same_queries_however_long(
    venue, comments, django_assert_max_num_queries
):
    for _ in range(comments):
        reported(written(venue), 2)
    client = client_for(venue_manager_of(venue))
    with django_assert_max_num_queries(5):  # venue, roles, count, page, reports
        body = success(client, "get", queue_url(venue)).json()
    assert body["count"] == comments
    assert all(len(item["reports"]) == 2 for item in body["results"])


@pytest.mark.parametrize("endpoint", ["hide/", "restore/", "moderation"])
@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("anonymous", 401, "not_authenticated"),
        ("resident", 403, "permission_denied"),
        ("venue staff", 403, "permission_denied"),
        ("other venue's manager", 403, "permission_denied"),
        ("other council's admin", 403, "permission_denied"),
    ],
)
def test_only_managers_moderate(venue, endpoint, who, status, code):
    comment = written(venue)
    comment_hide(comment=comment, by=venue_manager_of(venue), reason="Kept")
    caller = {
        "anonymous": lambda: None,
        "resident": UserFactory,
        "venue staff": lambda: venue_staff_of(venue),
        "other venue's manager": lambda: venue_manager_of(VenueFactory(council=venue.council)),
        "other council's admin": lambda: council_admin_of(CouncilFactory()),
    }[who]()
    client = client_for(caller) if caller else APIClient()
    if endpoint == "moderation":
        error(client, "get", queue_url(venue), status=status, code=code)
    else:
        error(client, "post", comment_url(comment, endpoint), {}, status=status, code=code)
    comment.refresh_from_db()
    assert (comment.status, comment.hidden_reason) == ("hidden", "Kept")


# --- Races ------------------------------------------------------------------------------------


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_reports_hide_the_comment_once_and_are_all_counted(settings):
    """Six residents report at the same moment with a threshold of three: the row lock on the
    comment serialises them, so every report is stored, and exactly the third one hides it
    (an unlocked count would let several see "3" or none see it)."""
    settings.COMMENT_REPORTS_TO_HIDE = 3
    venue = VenueFactory()
    comment = written(venue)
    reporters = [visitor(venue) for _ in range(6)]
    outcomes = run_in_parallel(
        len(reporters),
        lambda index: comment_report(comment=comment, reporter=reporters[index], reason="Abusive"),
    )
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    comment.refresh_from_db()
    assert comment.status == "hidden"
    assert comment.hidden_reason == HIDDEN_BY_REPORTS
    assert CommentReport.objects.filter(comment=comment).count() == 6
    assert CommentAlert.objects.filter(comment=comment, reason="reported").count() == 1


def test_head_on_the_moderation_queue_is_held_to_the_same_access_as_get():
    venue = VenueFactory()
    assert_head_is_held_to_the_access_of_get(
        f"/api/v1/venues/{venue.id}/comments/moderation/", council=venue.council
    )
