"""What a venue's public page (``/v/<id>/``) reads: the venue, its hours, its rating, its
visible comments with the venue's replies, where else to find it, and what the reader may do
there (comment, report) with their own hidden comments and why they were hidden."""

from django.core.paginator import Page, Paginator
from django.db.models import Avg, Count
from django.utils.translation import gettext as _

from checkins.comments.selectors import comments_of_author, comments_visible
from checkins.comments.services import hidden_reason_shown, resident_may_comment
from checkins.models import Comment, CommentReport, CommentStatus
from venues.models import Venue
from venues.validators import WEEKDAYS

COMMENTS_PER_PAGE = 10
FOURSQUARE_PLACE_URL = "https://foursquare.com/v/{place_id}"


def venue_for_page(*, venue_id) -> Venue | None:
    """An active venue with its council, its links and its Foursquare link; None otherwise."""
    return (
        Venue.objects.select_related("council")
        .prefetch_related("council__links")
        .filter(pk=venue_id, is_active=True)
        .first()
    )


def day_names() -> dict[str, str]:
    """The weekdays in the reader's language."""
    return {
        "monday": _("Monday"),
        "tuesday": _("Tuesday"),
        "wednesday": _("Wednesday"),
        "thursday": _("Thursday"),
        "friday": _("Friday"),
        "saturday": _("Saturday"),
        "sunday": _("Sunday"),
    }


def opening_hours_rows(venue: Venue) -> list[dict] | None:
    """One row a day, Monday first (``{day, name, spans}``; no spans: closed that day), or None
    when the council has not given the venue's hours: unknown, never shown as closed."""
    if not venue.opening_hours:
        return None
    names = day_names()
    return [
        {"day": day, "name": names[day], "spans": venue.opening_hours.get(day) or []}
        for day in WEEKDAYS
    ]


def venue_rating(venue: Venue) -> dict:
    """The mean of the venue's visible ratings (1-5, one decimal) and how many there are."""
    found = Comment.objects.filter(
        venue=venue, status=CommentStatus.VISIBLE, rating__isnull=False
    ).aggregate(mean=Avg("rating"), count=Count("id"))
    mean = round(found["mean"], 1) if found["mean"] is not None else None
    return {"mean": mean, "count": found["count"]}


def venue_comments_page(venue: Venue, page_number) -> Page:
    """A page of the venue's visible comments, newest first, with their replies."""
    return Paginator(comments_visible(venue=venue), COMMENTS_PER_PAGE).get_page(page_number)


def foursquare_url(venue: Venue) -> str:
    """The venue's listing on Foursquare, when the sync linked it."""
    if venue.foursquare_place_id and venue.foursquare_status == Venue.FoursquareStatus.LINKED:
        return FOURSQUARE_PLACE_URL.format(place_id=venue.foursquare_place_id)
    return ""


def reader_standing(venue: Venue, reader, comments) -> dict:
    """What the reader may do on the page: comment and report (a recent check-in here), which of
    ``comments`` they reported already, and their own hidden comments here with the reason
    (they alone see those)."""
    if not reader.is_authenticated:
        return {"may_comment": False, "reported": set(), "own_hidden": []}
    reported = set(
        CommentReport.objects.filter(
            reporter=reader, comment__in=[comment.pk for comment in comments]
        ).values_list("comment_id", flat=True)
    )
    own_hidden = list(
        comments_of_author(author=reader).filter(venue=venue, status=CommentStatus.HIDDEN)
    )
    for comment in own_hidden:
        comment.reason_shown = hidden_reason_shown(comment)  # type: ignore[attr-defined]
    return {
        "may_comment": resident_may_comment(resident=reader, venue=venue),
        "reported": reported,
        "own_hidden": own_hidden,
    }
