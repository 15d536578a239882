"""The stats as CSV (``?format=csv`` on both stats endpoints), safe to open in a spreadsheet.

The file is UTF-8 with a byte order mark, so Excel reads names with accents right. Every text
cell whose first character a spreadsheet would read as the start of a formula (``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is prefixed with a single quote, as OWASP's "CSV
injection" page advises: venue names are typed by council staff and comments by residents.

Layout, one CSV with three blocks separated by an empty row: the figures (a "total" row, then a
row per venue for a council), the check-ins per local day, and the range's comments.
"""

import csv
import io
from collections.abc import Iterable

from django.utils.text import slugify
from rest_framework.renderers import BaseRenderer

from checkins.comments.selectors import comments_written
from insight.stats.selectors import DateRange

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FIGURES = [
    "checkins",
    "unique_visitors",
    "repeat_visitors",
    "rewards_issued",
    "vouchers_redeemed",
    "comments",
    "average_rating",
]


def neutralised(value) -> object:
    """``value`` as a spreadsheet will show it, never as a formula."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(rows: Iterable[Iterable]) -> str:
    """The rows as CSV text (with the BOM), every cell neutralised."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralised(cell) for cell in row])
    return out.getvalue()


def stats_rows(stats: dict, *, scope: str, scope_name: str, comments: Iterable) -> list[list]:
    """The rows of a stats answer (``venue_stats`` or ``council_stats``) and the range's
    ``comments`` (Comment rows with ``venue`` and ``author`` loaded)."""
    rows: list[list] = [["row", "venue_id", "name", "from", "to", *FIGURES]]
    period = [stats["from"].isoformat(), stats["to"].isoformat()]
    rows.append(["total", "", f"{scope_name} ({scope})", *period, *_figures(stats)])
    for venue in stats.get("venues", []):
        rows.append(["venue", str(venue["venue"]), venue["name"], *period, *_figures(venue)])
    rows += [[], ["date", "checkins"]]
    rows += [[day["date"].isoformat(), day["count"]] for day in stats["checkins_by_day"]]
    rows += [[], ["comment_written_at", "venue", "author", "rating", "status", "comment"]]
    rows += [comment_row(comment) for comment in comments]
    return rows


def comment_row(comment) -> list:
    """A comment as a CSV row: when, where, who, rating, status, what (both exports)."""
    return [
        comment.created_at.isoformat(),
        comment.venue.name,
        comment.author_shown_as,
        comment.rating,
        comment.status,
        comment.body,
    ]


def _figures(row: dict) -> list:
    return [row[figure] for figure in FIGURES]


class CsvRenderer(BaseRenderer):
    """Renders a list of rows (what the stats views answer when asked for CSV)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return csv_text(data).encode("utf-8")


def stats_export(*, stats: dict, venues, scope: str, name: str) -> tuple[list[list], str]:
    """The rows of a stats answer with the range's comments on ``venues``, and a file name."""
    lower, upper = DateRange(stats["from"], stats["to"]).bounds()
    comments = comments_written(venues=venues, lower=lower, upper=upper)
    rows = stats_rows(stats, scope=scope, scope_name=name, comments=comments)
    return rows, f"stats-{slugify(name)}-{stats['from']}-to-{stats['to']}.csv"
