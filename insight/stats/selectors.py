"""Venue and council statistics: read-only aggregates over check-ins, rewards and comments.

Every figure is computed by a fixed set of grouped queries whatever the number of venues,
days or visitors (five for a venue, six for a council including its venue list): nothing
is queried per venue or per day.

The check-in figures read the daily rollup (``checkins.models.VisitDay``: a resident's check-ins
at a venue on a local day), never the check-in rows: sums for the counts, distinct residents
and ``HAVING``-style counts for visitors, the rows flagged as a first day for new visitors,
all in SQL.

Semantics, for a range of local dates ``start``..``end`` (both inclusive, in
``settings.TIME_ZONE``, so a day is a Europe/London day across the clock changes):

- ``checkins``: accepted check-ins in the range (refused attempts are not check-ins, and a
  check-in voided as fraud leaves the rollup and every figure here);
- ``unique_visitors``: distinct residents among them;
- ``repeat_visitors``: residents with two or more of them;
- ``checkins_by_day``: every day of the range, oldest first, zeros included, by local date;
- ``rewards_issued``: reward grants (points or vouchers) given for those check-ins, counted
  by the check-in's time (a grant carries its check-in's time anyway);
- ``vouchers_redeemed``: vouchers redeemed at the venue in the range, whoever issued them;
- ``comments``: comments written in the range, whatever their status now;
- ``average_rating``: the mean rating of the range's visible comments that have one,
  rounded half up to two decimals; None when there is none.

A council's figures cover all of its venues, active or not. ``checkins``,
``rewards_issued``, ``vouchers_redeemed`` and ``comments`` are the sums of its venues' rows;
``unique_visitors`` and ``repeat_visitors`` count residents across the council (a resident
who visits two venues is one visitor, and a repeat one), so they may be below the sums;
``average_rating`` is over all the council's rated comments, not a mean of venue means.
"""

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum, UUIDField

from checkins.models import CheckIn, Comment, CommentStatus, VisitDay
from rewards.models import RewardGrant, Voucher, VoucherStatus
from venues.models import Council, Venue

DEFAULT_DAYS = 30
MAX_DAYS = 366
# The days a period may name: outside them date arithmetic overflows, and no check-in exists.
FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2099, 12, 31)


@dataclass(frozen=True)
class DateRange:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[datetime, datetime]:
        """The range as aware datetimes: [midnight of ``start``, midnight after ``end``)."""
        tz = ZoneInfo(settings.TIME_ZONE)
        lower = datetime.combine(self.start, time.min, tzinfo=tz)
        upper = datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz)
        return lower, upper

    def previous(self) -> "DateRange":
        """The range of the same length that ends the day before this one starts."""
        return DateRange(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]


def rounded_mean(total, count) -> float | None:
    """``total / count`` rounded half up to two decimals; None when ``count`` is 0."""
    if not count:
        return None
    mean = (Decimal(total) / Decimal(count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return float(mean)


def _empty_row(visitors: bool = True) -> dict:
    return {
        "checkins": 0,
        "unique_visitors": 0 if visitors else None,
        "repeat_visitors": 0 if visitors else None,
        "rewards_issued": 0,
        "vouchers_redeemed": 0,
        "comments": 0,
        "average_rating": None,
    }


def _stats(
    *, venue_scope: Q, period: DateRange, by_venue: bool, venue_visitors: bool = True
) -> tuple[dict, dict]:
    """The totals (with ``checkins_by_day``) and, when ``by_venue``, one row per venue id.

    ``venue_scope`` is a filter on the ``venue`` relation (``Q(venue=...)`` or
    ``Q(venue__council=...)``), applied to check-ins, comments and redeemed vouchers.
    """
    lower, upper = period.bounds()
    in_range = Q(created_at__gte=lower, created_at__lt=upper)
    checkins = CheckIn.objects.filter(venue_scope, in_range, voided_at__isnull=True)
    visit_days = VisitDay.objects.filter(venue_scope, day__gte=period.start, day__lte=period.end)
    totals = _empty_row()
    rows: dict = defaultdict(_empty_row)

    # 1. Visitors, counted in SQL from the daily rollup: across the scope, and per venue.
    for venue_id, unique, repeat in _visitors(visit_days, by_venue=by_venue and venue_visitors):
        target = totals if venue_id is None else rows[_venue_key(venue_id)]
        target["unique_visitors"], target["repeat_visitors"] = unique, repeat

    # 2. Check-ins per venue and local day.
    per_day: Counter = Counter()
    for group in visit_days.order_by().values("venue_id", "day").annotate(n=Sum("checkins")):
        per_day[group["day"]] += group["n"]
        totals["checkins"] += group["n"]
        rows[group["venue_id"]]["checkins"] += group["n"]
    totals["checkins_by_day"] = [
        {"date": day, "count": per_day.get(day, 0)} for day in period.dates()
    ]

    # 3. Reward grants for the range's check-ins, by the check-in's venue.
    grants = (
        RewardGrant.objects.filter(
            checkin_id__in=checkins.order_by().values("id"), voided_at__isnull=True
        )
        .annotate(
            checkin_venue=Subquery(
                CheckIn.objects.filter(pk=OuterRef("checkin_id")).values("venue_id")[:1],
                output_field=UUIDField(),
            )
        )
        .order_by()
        .values("checkin_venue")
        .annotate(n=Count("id"))
    )
    for granted in grants:
        totals["rewards_issued"] += granted["n"]
        if by_venue:
            rows[granted["checkin_venue"]]["rewards_issued"] += granted["n"]

    # 4. Vouchers redeemed at the venues.
    redeemed = (
        Voucher.objects.filter(
            _on_relation(venue_scope, "redeemed_venue"),
            status=VoucherStatus.REDEEMED,
            redeemed_at__gte=lower,
            redeemed_at__lt=upper,
        )
        .order_by()
        .values("redeemed_venue_id")
        .annotate(n=Count("id"))
    )
    for spent in redeemed:
        totals["vouchers_redeemed"] += spent["n"]
        if by_venue:
            rows[spent["redeemed_venue_id"]]["vouchers_redeemed"] += spent["n"]

    # 5. Comments, and the ratings of the visible ones.
    rated = Q(status=CommentStatus.VISIBLE, rating__isnull=False)
    comments = (
        Comment.objects.filter(venue_scope, in_range)
        .order_by()
        .values("venue_id")
        .annotate(
            n=Count("id"),
            rating_sum=Sum("rating", filter=rated),
            rating_n=Count("rating", filter=rated),
        )
    )
    rating_sum = rating_n = 0
    for written in comments:
        totals["comments"] += written["n"]
        rating_sum += written["rating_sum"] or 0
        rating_n += written["rating_n"]
        if by_venue:
            row = rows[written["venue_id"]]
            row["comments"] += written["n"]
            row["average_rating"] = rounded_mean(written["rating_sum"] or 0, written["rating_n"])
    totals["average_rating"] = rounded_mean(rating_sum, rating_n)
    return totals, rows


def _visitors(visit_days: QuerySet, *, by_venue: bool) -> list[tuple]:
    """``(venue_id, unique, repeat)`` rows, with ``None`` for the whole scope (one query):
    a visitor is a resident with a check-in in range, a repeat one has two or more."""
    per_resident = visit_days.order_by().values("resident_id").annotate(n=Sum("checkins"))
    sql, params = per_resident.query.sql_with_params()
    repeat = "SUM(CASE WHEN n >= 2 THEN 1 ELSE 0 END)"
    query = f"SELECT NULL, COUNT(*), {repeat} FROM ({sql}) per_resident"
    if by_venue:
        # Ordered, so PostgreSQL groups the pairs by an incremental sort on the index order
        # (venue first) rather than a hash of ~200k pairs spilling to disk: 230 -> 145 ms.
        per_pair = (
            visit_days.order_by("venue_id", "resident_id")
            .values("venue_id", "resident_id")
            .annotate(n=Sum("checkins"))
        )
        pair_sql, pair_params = per_pair.query.sql_with_params()
        query += (
            f" UNION ALL SELECT venue_id, COUNT(*), {repeat} FROM ({pair_sql}) per_pair"
            " GROUP BY venue_id"
        )
        params = (*params, *pair_params)
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return [(venue_id, unique, repeat or 0) for venue_id, unique, repeat in cursor.fetchall()]


def _venue_key(raw):
    """A venue id as the ORM gives it (raw SQL on SQLite answers the stored hex string)."""
    return raw if isinstance(raw, uuid.UUID) else uuid.UUID(raw)


def _on_relation(scope: Q, relation: str) -> Q:
    """``scope`` (written against ``venue``) rewritten against another venue relation."""
    children = []
    for child in scope.children:
        key, value = cast(tuple[str, Any], child)
        children.append((relation + key.removeprefix("venue"), value))
    return Q(*children, _connector=scope.connector, _negated=scope.negated)


def venue_stats(*, venue: Venue, period: DateRange) -> dict:
    """One venue's figures over ``period`` (five queries)."""
    totals, _ = _stats(venue_scope=Q(venue=venue), period=period, by_venue=False)
    return {"from": period.start, "to": period.end, **totals}


def council_stats(*, council: Council, period: DateRange, venue_visitors: bool = True) -> dict:
    """A council's figures over ``period`` and a row per venue, by name (six queries).

    ``venue_visitors=False`` leaves the venue rows' ``unique_visitors`` and
    ``repeat_visitors`` at None, sparing the costliest count (distinct residents per venue)
    when only the totals and the venues' other figures are wanted.
    """
    totals, rows = _stats(
        venue_scope=Q(venue__council=council),
        period=period,
        by_venue=True,
        venue_visitors=venue_visitors,
    )
    if not venue_visitors:
        for row in rows.values():
            row["unique_visitors"] = row["repeat_visitors"] = None
    venues = Venue.objects.filter(council=council).order_by("name", "id").values_list("id", "name")
    return {
        "from": period.start,
        "to": period.end,
        **totals,
        "venues": [
            {"venue": venue_id, "name": name, **rows.get(venue_id, _empty_row(venue_visitors))}
            for venue_id, name in venues
        ],
    }


def new_visitors(*, venue_scope: Q, period: DateRange) -> int:
    """Residents whose first ever check-in in ``venue_scope`` (``Q(venue=...)`` or
    ``Q(venue__council=...)``) falls in ``period`` (one query over the rollup's rows flagged
    as a first day, probing each resident's earlier flagged rows)."""
    is_council = any(
        cast(tuple[str, Any], child)[0].startswith("venue__council")
        for child in venue_scope.children
    )
    flag = "is_first_in_council" if is_council else "is_first_at_venue"
    firsts = VisitDay.objects.filter(venue_scope, **{flag: True})
    earlier = firsts.filter(resident=OuterRef("resident"), day__lt=period.start)
    return (
        firsts.filter(day__gte=period.start, day__lte=period.end)
        .exclude(Exists(earlier))
        .order_by()
        .values("resident")
        .distinct()
        .count()
    )
