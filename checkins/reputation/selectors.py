"""Reputation reads: a fixed number of queries whatever the number of venues or comments."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from checkins.models import Comment, CommentReport, CommentStatus
from checkins.stats.selectors import DateRange, rounded_mean
from venues.models import Venue


def reputation_comments(*, venues: QuerySet[Venue]) -> QuerySet[Comment]:
    """Every comment on ``venues`` (visible and hidden), newest first, with its venue, author
    and the number of its open (unreviewed) reports: one query a page."""
    open_reports = (
        CommentReport.objects.filter(comment=OuterRef("pk"), reviewed_at__isnull=True)
        .order_by()
        .values("comment")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Comment.objects.filter(venue__in=venues)
        .select_related("venue", "author")
        .annotate(open_reports=Coalesce(Subquery(open_reports, output_field=IntegerField()), 0))
        .order_by("-created_at", "id")
    )


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
    sums = {
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
