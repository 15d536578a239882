"""Reputation reads: a fixed number of queries whatever the number of venues or comments."""

from typing import Any

from django.db.models import (
    CharField,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from checkins.models import Comment, CommentReport, CommentStatus
from insight.stats.selectors import DateRange, rounded_mean
from venues.foursquare.tips import tips_current
from venues.models import FoursquareTip, Venue

SOURCE_COMMENT = "comment"
SOURCE_FOURSQUARE = "foursquare"


def reputation_comments(*, venues: QuerySet[Venue]) -> QuerySet[Comment]:
    """Every comment on ``venues`` (visible and hidden), newest first, with its venue, author,
    reply and the number of its open (unreviewed) reports: one query a page."""
    return _comments_with_reports().filter(venue__in=venues).order_by("-created_at", "id")


def _comments_with_reports() -> QuerySet[Comment]:
    open_reports = (
        CommentReport.objects.filter(comment=OuterRef("pk"), reviewed_at__isnull=True)
        .order_by()
        .values("comment")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Comment.objects.select_related("venue__council", "author", "reply").annotate(
        open_reports=Coalesce(Subquery(open_reports, output_field=IntegerField()), 0)
    )


def reputation_feed(*, venues: QuerySet[Venue]) -> QuerySet:
    """Everything said about ``venues``, newest first: their residents' comments (any status)
    and the Foursquare tips the sync keeps (`tips_current`), as ``{"id", "created_at",
    "source"}`` rows of one query (a UNION), so that it pages and counts as one list. Turn a
    page of it into comments and tips with `reputation_items`."""
    comments = (
        Comment.objects.filter(venue__in=venues)
        .annotate(source=Value(SOURCE_COMMENT, output_field=CharField()))
        .values("id", "created_at", "source")
        .order_by()
    )
    tips = (
        tips_current()
        .filter(venue__in=venues)
        .annotate(source=Value(SOURCE_FOURSQUARE, output_field=CharField()))
        .values("id", "created_at", "source")
        .order_by()
    )
    return comments.union(tips, all=True).order_by("-created_at", "-source", "id")


def reputation_items(rows) -> list:
    """The comments and tips a page of `reputation_feed` names, in its order, each with its
    ``source``: a query for the comments (with their venue, author, reply and open reports)
    and one for the tips, each only when the page has any."""
    rows = list(rows)
    wanted = {
        source: [row["id"] for row in rows if row["source"] == source]
        for source in (SOURCE_COMMENT, SOURCE_FOURSQUARE)
    }
    found: dict[tuple[str, object], Any] = {}
    if wanted[SOURCE_COMMENT]:
        comments = _comments_with_reports().filter(pk__in=wanted[SOURCE_COMMENT])
        found |= {(SOURCE_COMMENT, comment.pk): comment for comment in comments}
    if wanted[SOURCE_FOURSQUARE]:
        tips = FoursquareTip.objects.filter(pk__in=wanted[SOURCE_FOURSQUARE]).select_related(
            "venue"
        )
        found |= {(SOURCE_FOURSQUARE, tip.pk): tip for tip in tips}
    items = []
    for row in rows:
        item = found.get((row["source"], row["id"]))
        if item is not None:  # deleted between the two reads
            item.source = row["source"]
            items.append(item)
    return items


def rating_trends(*, venues: QuerySet[Venue], period: DateRange) -> list[dict]:
    """Per venue (by name): the mean rating of its visible rated comments in ``period`` and in
    the period of the same length before it, their counts, the change (None unless both
    exist), and Foursquare's rating (0-10) and tips count when the sync has them (two queries).
    """
    previous = period.previous()
    lower, upper = period.bounds()
    previous_lower, _ = previous.bounds()
    now = Q(created_at__gte=lower)
    before = Q(created_at__lt=lower)
    sums: dict[Any, Any] = {
        group["venue_id"]: group
        for group in Comment.objects.filter(
            venue__in=venues,
            status=CommentStatus.VISIBLE,
            rating__isnull=False,
            created_at__gte=previous_lower,
            created_at__lt=upper,
        )
        .order_by()
        .values("venue_id")
        .annotate(
            now_sum=Sum("rating", filter=now),
            now_n=Count("id", filter=now),
            before_sum=Sum("rating", filter=before),
            before_n=Count("id", filter=before),
        )
    }
    rows = []
    for venue in venues.select_related("foursquare_place").order_by("name", "id"):
        group = sums.get(venue.pk, {})
        rating = rounded_mean(group.get("now_sum") or 0, group.get("now_n", 0))
        earlier = rounded_mean(group.get("before_sum") or 0, group.get("before_n", 0))
        place = getattr(venue, "foursquare_place", None)
        rows.append(
            {
                "venue": venue.pk,
                "name": venue.name,
                "rating": rating,
                "ratings": group.get("now_n", 0),
                "previous_rating": earlier,
                "previous_ratings": group.get("before_n", 0),
                "change": None if rating is None or earlier is None else round(rating - earlier, 2),
                "foursquare_rating": place.rating if place else None,
                "foursquare_tips_count": place.tips_count if place else None,
                "foursquare_fetched_at": place.fetched_at if place else None,
            }
        )
    return rows
