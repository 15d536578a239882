"""The insight pages: the dashboard of a council (its admins) or of one venue (its managers),
and the same period's CSV. Sessions, like every page; the API's rules of access."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from insight.chart import day_chart
from insight.exports import TABLES, comments_rows, days_rows, figures_rows
from insight.forms import CUSTOM, PeriodForm
from insight.reputation.selectors import rating_trends
from insight.selectors import HEADLINES, SORT_KEYS, dashboard
from insight.stats.exports import csv_text
from insight.stats.selectors import council_stats, venue_stats
from venues.access import Level, request_access
from venues.models import Council, Venue

COLUMNS = [("name", gettext_lazy("Venue")), *[h for h in HEADLINES if h[0] != "new_visitors"]]
COLUMNS.append(("change", gettext_lazy("Change")))
# A council can have tens of thousands of venues (50,000 made a 40 MB page in 16 s): the venue
# table, and the ratings of the same venues, go a page at a time; the attention list is cut.
VENUES_PER_PAGE = 50
ATTENTION_SHOWN = 50


class Refused(Exception):
    def __init__(self, council: Council) -> None:
        self.council = council


def _scope(request, slug: str, venue_id) -> tuple[Council, Venue | None]:
    """The council (and venue) named in the URL, if the caller may see its insight."""
    council = get_object_or_404(Council, slug=slug)
    access = request_access(request)
    if venue_id is None:
        if not access.may("council.view_insight", council):
            raise Refused(council)
        return council, None
    venue = get_object_or_404(Venue.objects.select_related("council"), pk=venue_id, council=council)
    if not access.may("venue.view_insight", venue):
        raise Refused(council)
    return council, venue


def _refused(request, council: Council) -> HttpResponse:
    """403, with links to the venues of this council the caller does manage."""
    managed = Venue.objects.filter(
        council=council, pk__in=request_access(request).venue_ids(Level.VENUE_MANAGER)
    ).order_by("name")
    context = {"title": _("You cannot see this council's insight"), "council": council}
    context["managed"] = [
        (venue.name, reverse("insight-venue", args=[council.slug, venue.pk])) for venue in managed
    ]
    return render(request, "insight/refused.html", context, status=403)


def _query(form: PeriodForm, **changes) -> str:
    params = {"period": form.data.get("period")}
    if params["period"] == CUSTOM:
        params |= {"start": form.data.get("start", ""), "end": form.data.get("end", "")}
    params |= {"sort": form.sort_key(), **changes}
    return "?" + urlencode(params)


def _columns(form: PeriodForm) -> list[dict]:
    """The venue table's headers: a link that sorts by the column (again: the other way)."""
    current = form.sort_key()
    columns = []
    for key, label in COLUMNS:
        if current.removeprefix("-") == key:
            state = "descending" if current.startswith("-") else "ascending"
            next_sort = key if current.startswith("-") else "-" + key
        else:
            state, next_sort = "none", key if key == "name" else "-" + key
        columns.append(
            {"key": key, "label": label, "sort": state, "href": _query(form, sort=next_sort)}
        )
    return columns


def _pages(form: PeriodForm, page) -> dict:
    """Links to the venue table's neighbouring pages, keeping the period and the sort."""
    return {
        "previous": _query(form, page=page.previous_page_number()) if page.has_previous() else None,
        "next": _query(form, page=page.next_page_number()) if page.has_next() else None,
    }


@never_cache
@require_safe
@login_required
def dashboard_page(request, slug: str, venue_id=None):
    try:
        council, venue = _scope(request, slug, venue_id)
    except Refused as refused:
        return _refused(request, refused.council)
    form = PeriodForm(request.GET)
    period = form.date_range()
    data = dashboard(council=council, venue=venue, period=period, sort=form.sort_key())
    venue_page = Paginator(data.pop("venue_rows"), VENUES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    shown = [row["venue"] for row in venue_page]
    data["trends"] = rating_trends(venues=Venue.objects.filter(pk__in=shown), period=period)
    data["attention_more"] = max(len(data["attention"]) - ATTENTION_SHOWN, 0)
    data["attention"] = data["attention"][:ATTENTION_SHOWN]
    dates = "?" + urlencode({"from": period.start, "to": period.end})
    csv_urls = {
        table: (
            reverse("insight-csv", args=[slug, table])
            if venue is None
            else reverse("insight-venue-csv", args=[slug, venue.pk, table])
        )
        + dates
        for table in TABLES
    }
    may_see_council = request_access(request).may("council.view_insight", council)
    context = {
        "title": _("%(name)s: insight")
        % {"name": venue.shown_name if venue else council.shown_name},
        "council": council,
        "venue": venue,
        "may_see_council": may_see_council,
        # A manager's "home" on these pages is their venue's dashboard, not the council's.
        "home_url": request.path if venue is not None and not may_see_council else None,
        "form": form,
        "chart": day_chart(data["days"]),
        "columns": _columns(form),
        "venue_rows": venue_page,
        "venue_pages": _pages(form, venue_page),
        "csv_url": csv_urls["stats"],
        "csv_urls": csv_urls,
        "sort_keys": SORT_KEYS,
        "tips_kept_hours": settings.FOURSQUARE_DETAILS_MAX_AGE_HOURS,
        **data,
    }
    return render(request, "insight/dashboard.html", context, status=400 if form.errors else 200)


@never_cache
@require_safe
@login_required
def stats_csv(request, slug: str, table: str, venue_id=None):
    """One table of the period as CSV (insight.exports): the figures, the days or the
    comments, with plain headers."""
    try:
        council, venue = _scope(request, slug, venue_id)
    except Refused as refused:
        return _refused(request, refused.council)
    period = PeriodForm(request.GET).date_range()
    if venue is None:
        venues, name = council.venues.all(), council.name
    else:
        venues, name = Venue.objects.filter(pk=venue.pk), venue.name
    if table == "comments":
        rows = comments_rows(venues=venues, period=period)
    else:
        if venue is None:
            stats = council_stats(council=council, period=period)
        else:
            stats = {**venue_stats(venue=venue, period=period), "name": venue.name}
        rows = (
            figures_rows(stats, whole_council=venue is None)
            if table == "stats"
            else days_rows(stats)
        )
    filename = f"{table}-{slugify(name)}-{period.start}-to-{period.end}.csv"
    response = HttpResponse(csv_text(rows).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
