"""The dashboard's figures, arranged for people: the period against the one before it, the
venue table, what needs attention, and the reputation section.

A fixed number of queries whatever the number of venues, days or check-ins (about twenty for
a council: two stats runs, two new-visitor counts, one for attention, five for reputation).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from checkins.models import CheckIn, Comment, CommentReport, CommentStatus
from insight.reputation.selectors import rating_trends, reputation_feed, reputation_items
from insight.stats.selectors import DateRange, council_stats, new_visitors, venue_stats
from venues.models import Council, Venue

QUIET_DAYS = 30
RATING_FALL = 0.5  # a fall of at least this much (on 1-5) against the period before
LATEST_COMMENTS = 10
HEADLINES = [
    ("checkins", gettext_lazy("Check-ins")),
    ("unique_visitors", gettext_lazy("Unique visitors")),
    ("new_visitors", gettext_lazy("New visitors")),
    ("repeat_visitors", gettext_lazy("Repeat visitors")),
    ("rewards_issued", gettext_lazy("Rewards issued")),
    ("vouchers_redeemed", gettext_lazy("Vouchers redeemed")),
    ("comments", gettext_lazy("Comments")),
    ("average_rating", gettext_lazy("Average rating")),
]
SORTABLE = [key for key, _ in HEADLINES if key != "new_visitors"]
SORT_KEYS = ["name", *SORTABLE, "change"]
DEFAULT_SORT = "-checkins"


@dataclass(frozen=True)
class Figure:
    key: str
    label: str | Promise  # a lazy translation, translated when the page renders
    value: float | int | None
    previous: float | int | None

    @property
    def change(self) -> float | int | None:
        if self.value is None or self.previous is None:
            return None
        return round(self.value - self.previous, 2)

    @property
    def direction(self) -> str:
        """ "up", "down", "same" or "" (nothing to compare): for words and a class."""
        if self.change is None:
            return ""
        return "up" if self.change > 0 else "down" if self.change < 0 else "same"

    @property
    def in_words(self) -> str:
        """The change as a sentence, so it is never told by colour alone."""
        if self.value is None:
            return _("None in this period")
        if self.previous is None:
            return _("None in the previous period")
        if not self.change:
            return _("No change from %(before)s") % {"before": _number(self.previous)}
        words = {"change": _number(abs(self.change)), "before": _number(self.previous)}
        if self.change > 0:
            text = _("Up %(change)s from %(before)s") % words
        else:
            text = _("Down %(change)s from %(before)s") % words
        if self.previous:
            text += f" ({abs(self.change) / self.previous:.0%})"
        return text


def _number(value) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"


def dashboard(*, council: Council, venue: Venue | None, period: DateRange, sort: str) -> dict:
    """Everything the page shows for ``council`` (or one ``venue`` of it) over ``period``."""
    previous = period.previous()
    if venue is None:
        scope, venues = Q(venue__council=council), Venue.objects.filter(council=council)
        now, before = (
            council_stats(council=council, period=period),
            # Only the previous check-ins of each venue are shown: no visitors per venue.
            council_stats(council=council, period=previous, venue_visitors=False),
        )
        rows, previous_rows = now["venues"], before["venues"]
    else:
        scope, venues = Q(venue=venue), Venue.objects.filter(pk=venue.pk)
        now, before = (
            venue_stats(venue=venue, period=period),
            venue_stats(venue=venue, period=previous),
        )
        rows = [{"venue": venue.pk, "name": venue.name, **now}]
        previous_rows = [{"venue": venue.pk, **before}]
    now["new_visitors"] = new_visitors(venue_scope=scope, period=period)
    before["new_visitors"] = new_visitors(venue_scope=scope, period=previous)
    # Only venues rated in the two periods can have a rating that fell: a council of 50,000
    # venues reads those, not every venue (the page shows its own page's trends).
    rated = Comment.objects.filter(
        venue__in=venues,
        status=CommentStatus.VISIBLE,
        rating__isnull=False,
        created_at__gte=previous.bounds()[0],
        created_at__lt=period.bounds()[1],
    ).values("venue_id")
    trends = rating_trends(venues=venues.filter(pk__in=rated), period=period)
    return {
        "period": period,
        "previous": previous,
        "figures": [Figure(key, label, now[key], before[key]) for key, label in HEADLINES],
        "days": now["checkins_by_day"],
        "venue_rows": venue_table(rows, previous_rows, sort=sort),
        "attention": needs_attention(venues=venues, trends=trends),
        "trends": trends,  # of the rated venues only
        # What residents (comments) and Foursquare users (tips) said lately, newest first.
        "said": reputation_items(reputation_feed(venues=venues)[:LATEST_COMMENTS]),
    }


def venue_table(rows: list[dict], previous_rows: list[dict], *, sort: str) -> list[dict]:
    """The venue rows with ``previous_checkins`` and ``change`` (of check-ins), sorted by
    ``sort`` (a key of ``SORT_KEYS``, ``-`` first for descending); empty values go last."""
    before = {row["venue"]: row["checkins"] for row in previous_rows}
    table = [
        {
            **row,
            "previous_checkins": before.get(row["venue"], 0),
            "change": row["checkins"] - before.get(row["venue"], 0),
        }
        for row in rows
    ]
    key = sort.removeprefix("-")
    descending = sort.startswith("-")
    present = [row for row in table if row[key] is not None]
    missing = [row for row in table if row[key] is None]
    present.sort(key=lambda row: str(row["name"]).casefold())  # ties by name, stable
    present.sort(
        key=lambda row: row[key].casefold() if key == "name" else row[key], reverse=descending
    )
    return present + missing


def needs_attention(*, venues: QuerySet[Venue], trends: list[dict]) -> list[dict]:
    """Active venues with no check-in for ``QUIET_DAYS`` days (counted only for venues
    registered at least that long ago: one imported this morning is not quiet, it is new), a
    rating fallen by ``RATING_FALL`` or more, differences with Foursquare, or reported comments
    waiting for review (one query, plus the ``trends`` already read)."""
    since = timezone.now() - timedelta(days=QUIET_DAYS)
    waiting = (
        CommentReport.objects.filter(comment__venue=OuterRef("pk"), reviewed_at__isnull=True)
        .order_by()
        .values("comment__venue")
        .annotate(n=Count("comment", distinct=True))
        .values("n")
    )
    rows = (
        venues.filter(is_active=True)
        .annotate(
            is_visited=Exists(
                CheckIn.objects.filter(
                    venue=OuterRef("pk"), created_at__gte=since, voided_at__isnull=True
                )
            ),
            reported=Coalesce(Subquery(waiting, output_field=IntegerField()), 0),
        )
        .order_by("name", "id")
        .values("id", "name", "is_visited", "reported", "foursquare_drift", "created_at")
    )
    fallen = {
        trend["venue"]: trend
        for trend in trends
        if trend["change"] is not None and trend["change"] <= -RATING_FALL
    }
    items = []
    for row in rows:
        reasons = []
        if not row["is_visited"] and row["created_at"] <= since:
            reasons.append(_("No check-ins for %(days)s days") % {"days": QUIET_DAYS})
        if row["id"] in fallen:
            trend = fallen[row["id"]]
            reasons.append(
                _("Rating fell from %(before).2f to %(now).2f")
                % {"before": trend["previous_rating"], "now": trend["rating"]}
            )
        if row["foursquare_drift"]:
            count = len(row["foursquare_drift"])
            reasons.append(
                ngettext(
                    "Foursquare differs on %(count)s detail",
                    "Foursquare differs on %(count)s details",
                    count,
                )
                % {"count": count}
            )
        if row["reported"]:
            count = row["reported"]
            reasons.append(
                ngettext(
                    "%(count)s reported comment waiting for review",
                    "%(count)s reported comments waiting for review",
                    count,
                )
                % {"count": count}
            )
        if reasons:
            items.append({"venue": row["id"], "name": row["name"], "reasons": reasons})
    return items
