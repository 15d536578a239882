"""The insight dashboard: who sees it, its figures (counted by hand from tests/insight/conftest),
the period picker, the sortable table, what needs attention, and a fixed query count."""

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import UserFactory, VenueFactory, council_admin_of, venue_manager_of
from tests.insight.helpers import PERIOD, at, checkin, foursquare_tip

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(council, venue=None) -> str:
    if venue is None:
        return f"/insight/{council.slug}/"
    return f"/insight/{council.slug}/venues/{venue.id}/"


def figures(response) -> dict:
    return {f.key: (f.value, f.previous, f.in_words) for f in response.context["figures"]}


def test_council_figures_against_the_previous_period(history):
    response = signed_in(council_admin_of(history["council"])).get(url(history["council"]), PERIOD)
    assert response.status_code == 200
    assert figures(response) == {
        "checkins": (4, 2, "Up 2 from 2 (100%)"),
        "unique_visitors": (3, 2, "Up 1 from 2 (50%)"),
        "new_visitors": (1, 1, "No change from 1"),
        "repeat_visitors": (1, 0, "Up 1 from 0"),
        "rewards_issued": (0, 0, "No change from 0"),
        "vouchers_redeemed": (0, 0, "No change from 0"),
        "comments": (2, 1, "Up 1 from 1 (100%)"),
        "average_rating": (2.0, 5.0, "Down 3 from 5 (60%)"),
    }
    assert [(d["date"].isoformat(), d["count"]) for d in response.context["days"]] == [
        ("2025-10-26", 2),
        ("2025-10-27", 1),
        ("2025-10-28", 1),
    ]
    html = response.content.decode()
    assert "Down 3 from 5 (60%)" in html and "26 Oct 2025 to 28 Oct 2025" in html
    assert "Check-ins per day as a table" in html and "<svg" in html


def test_what_needs_attention(history):
    response = signed_in(council_admin_of(history["council"])).get(url(history["council"]), PERIOD)
    assert [(item["name"], item["reasons"]) for item in response.context["attention"]] == [
        ("Library", ["Rating fell from 5.00 to 2.00"]),
        ("Museum", ["No check-ins for 30 days"]),
        ("Pool", ["Foursquare differs on 1 detail", "1 reported comment waiting for review"]),
    ]


def quiet_venues(council) -> list[str]:
    response = signed_in(council_admin_of(council)).get(url(council))
    return [i["name"] for i in response.context["attention"] if i["reasons"][0].startswith("No")]


def test_no_check_ins_for_30_days_counts_from_the_last_one(history, now):
    now.advance(days=30, hours=-2)  # 2025-11-27 18:00: the library's last visit, 30 days ago
    assert quiet_venues(history["council"]) == ["Museum"]
    now.advance(minutes=1)
    # The pool's last check-in (29 Oct 00:10) is younger.
    assert quiet_venues(history["council"]) == ["Library", "Museum"]


@pytest.mark.parametrize(
    ("sort", "names"),
    [
        (None, ["Library", "Pool", "Museum"]),  # most check-ins first; ties by name
        ("name", ["Library", "Museum", "Pool"]),
        ("-name", ["Pool", "Museum", "Library"]),
        ("checkins", ["Museum", "Library", "Pool"]),
        ("-average_rating", ["Library", "Museum", "Pool"]),  # no rating goes last
        ("-change", ["Pool", "Library", "Museum"]),  # pool +2, library +0 (2 and 2), museum 0
    ],
)
def test_the_venue_table_sorts_by_the_chosen_column(history, sort, names):
    params = {**PERIOD, **({"sort": sort} if sort else {})}
    response = signed_in(council_admin_of(history["council"])).get(url(history["council"]), params)
    assert [row["name"] for row in response.context["venue_rows"]] == names


def test_header_links_sort_and_keep_the_period(history):
    response = signed_in(council_admin_of(history["council"])).get(url(history["council"]), PERIOD)
    html = response.content.decode()
    assert 'aria-sort="descending"' in html
    assert "?period=custom&amp;start=2025-10-26&amp;end=2025-10-28&amp;sort=name#venues" in html
    assert "?period=custom&amp;start=2025-10-26&amp;end=2025-10-28&amp;sort=checkins#venues" in html


def test_preset_periods_end_today(history):
    client = signed_in(council_admin_of(history["council"]))
    for days, checkins in (("7", 6), ("30", 7), ("90", 7)):
        response = client.get(url(history["council"]), {"period": days})
        period = response.context["period"]
        assert (period.end.isoformat(), period.days) == ("2025-10-28", int(days))
        assert response.context["figures"][0].value == checkins


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "custom", "start": "2025-10-28", "end": "2025-10-26"}, "start"),
        ({"period": "custom", "end": "2025-10-26"}, "start"),
        ({"period": "custom", "start": "2024-01-01", "end": "2025-10-26"}, "start"),
        ({"period": "custom", "start": "soon", "end": "2025-10-26"}, "start"),
        ({"period": "12"}, "period"),
    ],
)
def test_a_bad_period_is_explained_beside_its_field(history, params, field):
    response = signed_in(council_admin_of(history["council"])).get(url(history["council"]), params)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "There is a problem" in response.content.decode()


def test_a_venue_manager_sees_their_venue_only(history):
    manager = venue_manager_of(history["library"])
    client = signed_in(manager)
    response = client.get(url(history["council"], history["library"]), PERIOD)
    assert response.status_code == 200
    assert figures(response)["checkins"] == (2, 2, "No change from 2")
    assert figures(response)["new_visitors"] == (0, 1, "Down 1 from 1 (100%)")
    assert [row["name"] for row in response.context["venue_rows"]] == ["Library"]
    assert client.get(url(history["council"], history["pool"])).status_code == 403
    refused = client.get(url(history["council"]))
    assert refused.status_code == 403
    assert url(history["council"], history["library"]) in refused.content.decode()


def test_who_may_not_see_the_dashboard(history):
    council = history["council"]
    response = Client().get(url(council))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/insight/{council.slug}/"
    assert signed_in(UserFactory()).get(url(council)).status_code == 403
    other_admin = council_admin_of(VenueFactory().council)
    assert signed_in(other_admin).get(url(council)).status_code == 403
    admin = signed_in(council_admin_of(council))
    assert admin.get("/insight/nowhere/").status_code == 404
    elsewhere = VenueFactory()
    assert admin.get(url(council, elsewhere)).status_code == 404


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def test_the_downloads_are_one_table_each_with_plain_headers(history):
    client = signed_in(council_admin_of(history["council"]))
    page = client.get(url(history["council"]), PERIOD)
    urls = page.context["csv_urls"]
    dates = "?from=2025-10-26&to=2025-10-28"
    assert urls == {
        "stats": f"/insight/hackney/stats.csv{dates}",
        "days": f"/insight/hackney/days.csv{dates}",
        "comments": f"/insight/hackney/comments.csv{dates}",
    }
    response = client.get(urls["stats"])
    assert response["Content-Disposition"] == (
        'attachment; filename="stats-hackney-council-2025-10-26-to-2025-10-28.csv"'
    )
    period = ["2025-10-26", "2025-10-28"]
    assert csv_rows(response) == [
        ["Venue", "From", "To", "Check-ins", "Unique visitors", "Repeat visitors",
         "Rewards issued", "Vouchers redeemed", "Comments", "Average rating (1-5)"],
        ["All venues", *period, "4", "3", "1", "0", "0", "2", "2.0"],
        ["Library", *period, "2", "2", "0", "0", "0", "1", "2.0"],
        ["Museum", *period, "0", "0", "0", "0", "0", "0", ""],
        ["Pool", *period, "2", "2", "0", "0", "0", "1", ""],
    ]  # fmt: skip
    assert csv_rows(client.get(urls["days"])) == [
        ["Date", "Check-ins"],
        ["2025-10-26", "2"],
        ["2025-10-27", "1"],
        ["2025-10-28", "1"],
    ]
    comments = csv_rows(client.get(urls["comments"]))
    assert comments[0] == ["Written at", "Venue", "Author", "Rating (1-5)", "Status", "Comment"]
    assert sorted(row[1:] for row in comments[1:]) == [
        ["Library", "Rosa", "2", "visible", "Cold reading room"],
        ["Pool", "Rosa", "", "visible", "'=cmd|' /C calc'!A0"],  # the formula, neutralised
    ]
    assert signed_in(UserFactory()).get(urls["stats"]).status_code == 403


def test_a_managers_download_is_their_venue_alone(history):
    client = signed_in(venue_manager_of(history["library"]))
    venue_url = url(history["council"], history["library"])
    rows = csv_rows(client.get(f"{venue_url}stats.csv", PERIOD))
    assert rows[1:] == [
        ["Library", "2025-10-26", "2025-10-28", "2", "2", "0", "0", "0", "1", "2.0"]
    ]
    assert client.get(f"{url(history['council'])}stats.csv", PERIOD).status_code == 403


def test_the_page_costs_the_same_queries_with_more_venues(history, django_assert_max_num_queries):
    client = signed_in(council_admin_of(history["council"]))
    foursquare_tip(history["library"], "Lovely staff.")
    # 26: the reputation feed's page, then its comments and its tips (one query each), and the
    # ratings of the venue table's page alone (two: a large council's page stays small).
    with django_assert_max_num_queries(26) as before:
        client.get(url(history["council"]), PERIOD)
    for n in range(8):
        venue = VenueFactory(council=history["council"], name=f"Hall {n}")
        checkin(UserFactory(), venue, at(27, 10))
    with django_assert_max_num_queries(len(before.captured_queries)):
        response = client.get(url(history["council"]), PERIOD)
    assert len(response.context["venue_rows"]) == 11


@pytest.mark.parametrize(
    "dates",
    [
        {"start": "0001-01-01", "end": "0001-01-01"},
        {"start": "9999-12-31", "end": "9999-12-31"},
        {"from": "1999-12-31", "to": "2000-01-05"},
    ],
)
def test_dates_outside_the_century_are_a_form_error_not_a_500(history, dates):
    client = signed_in(council_admin_of(history["council"]))
    page = client.get(url(history["council"]), {"period": "custom", **dates})
    assert page.status_code == 400  # the page, with the error beside the date
    assert page.context["form"].errors
    csv = client.get(f"{url(history['council'])}stats.csv", {"period": "custom", **dates})
    assert csv.status_code == 200


def test_dates_typed_with_a_preset_still_ticked_are_the_period_shown(history):
    client = signed_in(council_admin_of(history["council"]))
    response = client.get(
        url(history["council"]), {"period": "30", "start": "2025-10-26", "end": "2025-10-28"}
    )
    assert response.status_code == 200
    assert (response.context["period"].start.isoformat(), response.context["period"].days) == (
        "2025-10-26",
        3,
    )
    assert figures(response)["checkins"][0] == 4


def test_the_presets_and_the_dates_are_two_forms_so_neither_overrides_the_other(history):
    client = signed_in(council_admin_of(history["council"]))
    html = client.get(url(history["council"]), PERIOD).content.decode()
    presets, dates = html.split('<form method="get" class="period-picker"')[1:3]
    assert 'name="period" value="7"' in presets and 'name="start"' not in presets
    assert 'name="start"' in dates and 'type="hidden" name="period" value="custom"' in dates
    seven_days = client.get(url(history["council"]), {"period": "7"})
    assert seven_days.context["period"].days == 7


def test_a_managers_dashboard_links_nowhere_they_are_refused(history):
    client = signed_in(venue_manager_of(history["library"]))
    venue_page = url(history["council"], history["library"])
    html = client.get(venue_page, PERIOD).content.decode()
    assert f'href="{url(history["council"])}"' not in html
    assert "the whole council" not in html
    assert f'class="site-header__name" href="{venue_page}"' in html
    admin_html = signed_in(council_admin_of(history["council"])).get(venue_page).content.decode()
    assert f'href="{url(history["council"])}">the whole council</a>' in admin_html


def test_a_venue_registered_this_week_is_new_not_quiet(history, now):
    VenueFactory(council=history["council"], name="New Hub")  # registered now, no check-ins
    assert "New Hub" not in quiet_venues(history["council"])
    now.advance(days=31)
    assert "New Hub" in quiet_venues(history["council"])


def test_a_council_of_many_venues_is_shown_a_page_of_venues_at_a_time():
    """50,000 venues once made a 40 MB page: the table, the ratings beside it and the attention
    list are bounded, whatever the council's size (here 120 venues, none visited)."""
    from insight.views import ATTENTION_SHOWN, VENUES_PER_PAGE
    from venues.models import Venue

    first = VenueFactory(name="Venue 000")
    council = first.council
    Venue.objects.bulk_create(
        VenueFactory.build(council=council, name=f"Venue {n:03}", slug=f"venue-{n:03}")
        for n in range(1, 120)
    )
    # Registered long enough ago to be quiet, not new (a venue imported this week is new).
    Venue.objects.filter(council=council).update(created_at=timezone.now() - timedelta(days=60))
    client = signed_in(council_admin_of(council))

    page_one = client.get(url(council), {"sort": "name"})
    last = client.get(url(council), {"sort": "name", "page": "3"})

    assert page_one.status_code == last.status_code == 200
    names = [row["name"] for row in page_one.context["venue_rows"]]
    assert names == [f"Venue {n:03}" for n in range(VENUES_PER_PAGE)]
    assert [row["name"] for row in last.context["venue_rows"]][-1] == "Venue 119"
    assert len(last.context["venue_rows"]) == 120 - 2 * VENUES_PER_PAGE
    assert len(page_one.context["attention"]) == ATTENTION_SHOWN
    assert page_one.context["attention_more"] == 120 - ATTENTION_SHOWN
    assert len(page_one.context["trends"]) <= VENUES_PER_PAGE
    html = page_one.content.decode()
    assert "Venues 1 to 50 of 120 (page 1 of 3)" in html and 'rel="next"' in html
    assert "And 70 more venues need attention." in html
