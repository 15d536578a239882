"""Read queries about comments: a venue's public comments and its moderation queue."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from checkins.models import Comment, CommentReport, CommentStatus
from venues.models import Venue


def comments_visible(*, venue: Venue) -> QuerySet[Comment]:
    """The venue's published comments, newest first, with their authors and the venue's reply
    (one query a page)."""
    return (
        Comment.objects.filter(venue=venue, status=CommentStatus.VISIBLE)
        .select_related("author", "reply", "venue__council")
        .order_by("-created_at", "id")
    )


def comments_of_author(*, author) -> QuerySet[Comment]:
    """A resident's own comments, every status, newest first, with their venues and replies
    (one query a page)."""
    return (
        Comment.objects.filter(author=author)
        .select_related("author", "reply", "venue__council")
        .order_by("-created_at", "id")
    )


def comments_to_moderate(*, venue: Venue) -> QuerySet[Comment]:
    """The venue's hidden comments and those with open reports, newest first, each with all
    its reports (oldest first) prefetched: a page costs two queries however long it is."""
    open_reports = CommentReport.objects.filter(comment=OuterRef("pk"), reviewed_at__isnull=True)
    return (
        Comment.objects.filter(venue=venue)
        .filter(Q(status=CommentStatus.HIDDEN) | Q(Exists(open_reports)))
        .select_related("author", "reply", "venue__council")
        .prefetch_related(
            Prefetch("reports", queryset=CommentReport.objects.order_by("created_at", "id"))
        )
        .order_by("-created_at", "id")
    )


def comments_written(*, venues: QuerySet[Venue], lower, upper) -> QuerySet[Comment]:
    """Comments on ``venues`` written in ``[lower, upper)``, any status, oldest first, with
    their venue and author (one query)."""
    return (
        Comment.objects.filter(venue__in=venues, created_at__gte=lower, created_at__lt=upper)
        .select_related("venue", "author")
        .order_by("created_at", "id")
    )
