"""Who gets a digest, and what is in it."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import ages
from checkins.comments.selectors import comments_written
from checkins.stats.selectors import DateRange, council_stats, venue_stats
from insight.models import DigestOptOut
from venues.models import Council, Role, Venue

COMMENTS_LISTED = 10

FIGURES = [
    ("checkins", gettext_lazy("Check-ins")),
    ("unique_visitors", gettext_lazy("Unique visitors")),
    ("repeat_visitors", gettext_lazy("Repeat visitors")),
    ("rewards_issued", gettext_lazy("Rewards issued")),
    ("vouchers_redeemed", gettext_lazy("Vouchers redeemed")),
    ("comments", gettext_lazy("Comments")),
    ("average_rating", gettext_lazy("Average rating")),
]


@dataclass
class Recipient:
    user: object
    councils: list[Council] = field(default_factory=list)
    venues: list[Venue] = field(default_factory=list)


def digest_week(today: date) -> DateRange:
    """The last whole Monday-to-Sunday week before ``today``."""
    end = today - timedelta(days=today.weekday() + 1)
    return DateRange(end - timedelta(days=6), end)


def digest_recipients() -> list[Recipient]:
    """Active users aged 18 or over with a council admin or venue manager role (of an active
    venue) who have not opted out, each with the councils and venues their digest covers (one
    query). A venue of a council the user administers is covered by the council's section
    already."""
    roles = (
        Role.objects.filter(
            Q(role=Role.Kind.COUNCIL_ADMIN, venue__isnull=True)
            | Q(role=Role.Kind.VENUE_MANAGER, venue__is_active=True),
            user__is_active=True,
        )
        .exclude(user__in=DigestOptOut.objects.values("user"))
        # Nobody under 18 is sent a digest (the ICO Children's code: no marketing-like email).
        .exclude(ages.minors_q("user__"))
        .select_related("user", "council", "venue")
        .order_by("user_id", "council__name", "venue__name")
    )
    by_user: dict = defaultdict(lambda: None)
    for role in roles:
        recipient = by_user[role.user_id] or Recipient(role.user)
        by_user[role.user_id] = recipient
        if role.venue_id is None:
            recipient.councils.append(role.council)
        else:
            recipient.venues.append(role.venue)
    for recipient in by_user.values():
        administered = {council.pk for council in recipient.councils}
        recipient.venues = [v for v in recipient.venues if v.council_id not in administered]
    return list(by_user.values())


def digest_sections(recipient: Recipient, week: DateRange) -> list[dict]:
    """One section per council and venue of the recipient: the week's figures against the
    week before, and the week's comments they were not already emailed about at once."""
    sections = []
    for council in recipient.councils:
        now = council_stats(council=council, period=week)
        before = council_stats(council=council, period=week.previous())
        section = _section(council.shown_name, council, None, now, before)
        section |= _comments(recipient, Venue.objects.filter(council=council), week)
        sections.append(section)
    for venue in recipient.venues:
        now = venue_stats(venue=venue, period=week)
        before = venue_stats(venue=venue, period=week.previous())
        section = _section(venue.shown_name, venue.council, venue, now, before)
        section |= _comments(recipient, Venue.objects.filter(pk=venue.pk), week)
        sections.append(section)
    return sections


def _comments(recipient: Recipient, venues, week: DateRange) -> dict:
    """The week's comments on ``venues`` (any status, oldest first), leaving out those whose
    alert was emailed to the recipient already (checkins.comments.alerts): the first
    ``COMMENTS_LISTED``, and how many more there are."""
    lower, upper = week.bounds()
    comments = comments_written(venues=venues, lower=lower, upper=upper).exclude(
        alert__sent_to=recipient.user
    )
    listed = list(comments[: COMMENTS_LISTED + 1])
    more = 0
    if len(listed) > COMMENTS_LISTED:
        more = comments.count() - COMMENTS_LISTED
        listed = listed[:COMMENTS_LISTED]
    return {"comments": listed, "more_comments": more}


def _section(name, council, venue, now, before) -> dict:
    rows = []
    for key, label in FIGURES:
        value, previous = now[key], before[key]
        if value is None or previous is None or value == previous:
            change = _("same as the week before") if value == previous else ""
        elif value > previous:
            change = _("up from %(before)s") % {"before": previous}
        else:
            change = _("down from %(before)s") % {"before": previous}
        shown = _("none") if value is None else value
        rows.append({"label": str(label), "value": shown, "change": change})
    return {"name": name, "council": council, "venue": venue, "rows": rows}
