"""The dashboard's downloads: one CSV per table, each with plain headers a person reads in a
spreadsheet (not the API's stacked machine layout, ``?format=csv``, which stays as it is for
the programs built on it). Cells are neutralised against formulas by the API's ``csv_text``.

- ``stats.csv``: the figures, a row per venue after an "All venues" row (a council);
- ``days.csv``: check-ins per day;
- ``comments.csv``: the period's comments.
"""

from checkins.comments.selectors import comments_written
from insight.stats.exports import comment_row
from insight.stats.selectors import DateRange

FIGURE_HEADERS = [
    ("checkins", "Check-ins"),
    ("unique_visitors", "Unique visitors"),
    ("repeat_visitors", "Repeat visitors"),
    ("rewards_issued", "Rewards issued"),
    ("vouchers_redeemed", "Vouchers redeemed"),
    ("comments", "Comments"),
    ("average_rating", "Average rating (1-5)"),
]
TABLES = ("stats", "days", "comments")


def figures_rows(stats: dict, *, whole_council: bool) -> list[list]:
    period = [stats["from"].isoformat(), stats["to"].isoformat()]
    rows = [["Venue", "From", "To", *(label for _, label in FIGURE_HEADERS)]]
    if whole_council:
        rows.append(["All venues", *period, *(stats[key] for key, _ in FIGURE_HEADERS)])
        for venue in stats["venues"]:
            rows.append([venue["name"], *period, *(venue[key] for key, _ in FIGURE_HEADERS)])
    else:
        rows.append([stats["name"], *period, *(stats[key] for key, _ in FIGURE_HEADERS)])
    return rows


def days_rows(stats: dict) -> list[list]:
    return [["Date", "Check-ins"]] + [
        [day["date"].isoformat(), day["count"]] for day in stats["checkins_by_day"]
    ]


def comments_rows(*, venues, period: DateRange) -> list[list]:
    lower, upper = period.bounds()
    rows = [["Written at", "Venue", "Author", "Rating (1-5)", "Status", "Comment"]]
    rows += [
        comment_row(comment)
        for comment in comments_written(venues=venues, lower=lower, upper=upper)
    ]
    return rows
