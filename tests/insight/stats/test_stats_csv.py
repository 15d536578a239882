"""``?format=csv`` on the stats endpoints: a file Excel opens right, with no formula in it."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from checkins.models import Comment
from insight.stats.exports import csv_text, neutralised
from tests.api import error
from tests.conftest import client_for
from tests.factories import (
    CheckInFactory,
    CouncilFactory,
    UserFactory,
    VenueFactory,
    council_admin_of,
    venue_manager_of,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# 2025-10-26 is the autumn clock change (01:00-02:00 happens twice).
RANGE = {"from": "2025-10-25", "to": "2025-10-27", "format": "csv"}
DANGEROUS = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR"]


def at(day: int, hour: int) -> datetime:
    return datetime(2025, 10, day, hour, tzinfo=LONDON)


def parsed(response) -> list[list[str]]:
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # the UTF-8 byte order mark
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


@pytest.fixture
def council():
    return CouncilFactory(name="Hackney Council", slug="hackney")


@pytest.fixture
def venue(council):
    venue = VenueFactory(council=council, name='=HYPERLINK("http://evil")')
    rosa, sam = UserFactory(display_name="@Rosa"), UserFactory(display_name="Sam")
    for resident, when in ((rosa, at(25, 10)), (rosa, at(26, 23)), (sam, at(27, 0))):
        CheckInFactory(resident=resident, venue=venue, created_at=when)
    comment = Comment.objects.create(
        venue=venue, author=rosa, body="-1 stars, café closed", rating=2
    )
    Comment.objects.filter(pk=comment.pk).update(created_at=at(26, 12))
    return venue


def test_venue_csv_is_an_attachment_with_a_bom_that_parses(venue):
    response = client_for(venue_manager_of(venue)).get(f"/api/v1/venues/{venue.id}/stats/", RANGE)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith('2025-10-25-to-2025-10-27.csv"')
    rows = parsed(response)
    assert rows[0] == [
        "row", "venue_id", "name", "from", "to", "checkins", "unique_visitors",
        "repeat_visitors", "rewards_issued", "vouchers_redeemed", "comments", "average_rating",
    ]  # fmt: skip
    assert rows[1] == [
        "total", "", "'=HYPERLINK(\"http://evil\") (venue)", "2025-10-25", "2025-10-27",
        "3", "2", "1", "0", "0", "1", "2.0",
    ]  # fmt: skip
    # 23:00 on the 26th is after the clock change (GMT): still the 26th locally.
    assert rows[2:7] == [[], ["date", "checkins"], ["2025-10-25", "1"], ["2025-10-26", "1"],
                         ["2025-10-27", "1"]]  # fmt: skip
    assert rows[7:9] == [
        [],
        ["comment_written_at", "venue", "author", "rating", "status", "comment"],
    ]
    assert rows[9][1:] == ["'=HYPERLINK(\"http://evil\")", "'@Rosa", "2", "visible",
                           "'-1 stars, café closed"]  # fmt: skip
    assert rows[9][0].startswith("2025-10-26T") and len(rows) == 10


def test_council_csv_has_a_row_per_venue(council, venue):
    VenueFactory(council=council, name="Zoo")
    response = client_for(council_admin_of(council)).get(
        f"/api/v1/councils/{council.slug}/stats/", RANGE
    )
    assert response.status_code == 200
    assert "stats-hackney-council-2025-10-25-to-2025-10-27.csv" in response["Content-Disposition"]
    rows = parsed(response)
    assert rows[1][:3] == ["total", "", "Hackney Council (council)"]
    assert rows[1][5:] == ["3", "2", "1", "0", "0", "1", "2.0"]
    assert rows[2][:3] == ["venue", str(venue.id), '\'=HYPERLINK("http://evil")']
    assert rows[3][2] == "Zoo" and rows[3][5:] == ["0", "0", "0", "0", "0", "0", ""]


def test_csv_is_refused_as_the_json_is(council, venue, api_client):
    url = f"/api/v1/councils/{council.slug}/stats/"
    error(api_client, "get", url + "?format=csv", status=401, code="not_authenticated")
    manager = client_for(venue_manager_of(venue))
    error(manager, "get", url + "?format=csv", status=403, code="permission_denied")
    admin = client_for(council_admin_of(council))
    body = error(admin, "get", url + "?format=csv&from=2025-13-01", status=400, code="invalid")
    assert "from" in body["fields"]


def test_the_json_answer_is_unchanged_by_the_csv_renderer(council, venue):
    response = client_for(venue_manager_of(venue)).get(
        f"/api/v1/venues/{venue.id}/stats/", {"from": "2025-10-25", "to": "2025-10-27"}
    )
    assert response["Content-Type"] == "application/json"
    assert response.json()["checkins"] == 3


@pytest.mark.parametrize("text", DANGEROUS)
def test_every_formula_start_is_neutralised(text):
    assert neutralised(text) == "'" + text
    [row] = list(csv.reader(io.StringIO(csv_text([[text, "safe"]]).lstrip("\ufeff"), newline="")))
    assert row == ["'" + text, "safe"]


@pytest.mark.parametrize("value", ["Library", "a=b", "", 3, 4.5, "'quoted"])
def test_harmless_cells_are_left_alone(value):
    assert neutralised(value) == value


def test_none_is_an_empty_cell():
    assert neutralised(None) == ""
