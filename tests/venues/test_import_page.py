"""The back office's CSV import page (the browser journey is in tests/browser/)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import VenueFactory, council_admin_of, venue_manager_of
from venues.geocoding import Coordinates
from venues.importing.page import MAX_GEOCODED_ROWS
from venues.models import Venue

pytestmark = pytest.mark.django_db

PAGE = "/admin/venues/venue/import/"
HEADER = "name,category,address,postcode,latitude,longitude\n"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(text: str, name: str = "venues.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_only_council_admins_reach_the_page():
    venue = VenueFactory()
    assert signed_in(venue_manager_of(venue)).get(PAGE).status_code == 403
    assert signed_in(council_admin_of(venue.council)).get(PAGE).status_code == 200


def test_rows_to_geocode_past_the_budget_are_rejected_with_the_reason(monkeypatch):
    venue = VenueFactory()
    asked = []
    monkeypatch.setattr(
        "venues.importing.page.geocode_address",
        lambda **kw: asked.append(kw) or Coordinates(53.8, -1.55),
    )
    rows = "".join(f"Hub {n},library,{n} High St,LS1 1AA,,\n" for n in range(MAX_GEOCODED_ROWS + 3))
    page = signed_in(council_admin_of(venue.council)).post(
        PAGE, {"council": venue.council.pk, "file": upload(HEADER + rows)}
    )
    assert page.status_code == 200
    report = page.context["report"]
    assert report.created == MAX_GEOCODED_ROWS and len(asked) == MAX_GEOCODED_ROWS
    assert len(report.rejected) == 3
    assert "give this row's latitude and longitude" in report.rejected[0].reason


def test_a_file_that_is_not_utf8_csv_is_an_error_on_the_form():
    venue = VenueFactory()
    page = signed_in(council_admin_of(venue.council)).post(
        PAGE,
        {"council": venue.council.pk, "file": SimpleUploadedFile("x.xlsx", b"PK\x03\x04\xff\xfe")},
    )
    assert page.status_code == 200
    assert "not UTF-8" in str(page.context["form"].errors["file"])
    assert Venue.objects.filter(council=venue.council).count() == 1


def test_a_council_admin_cannot_import_into_another_council():
    venue, other = VenueFactory(), VenueFactory()
    page = signed_in(council_admin_of(venue.council)).post(
        PAGE,
        {
            "council": other.council.pk,
            "file": upload(HEADER + "X,library,1 St,LS1 1AA,53.8,-1.5\n"),
        },
    )
    assert "council" in page.context["form"].errors
    assert not Venue.objects.filter(council=other.council, name="X").exists()


def test_a_file_over_5_mb_is_an_error_beside_the_field_not_a_500():
    venue = VenueFactory()
    client = signed_in(council_admin_of(venue.council))
    client.raise_request_exception = False
    rows = "".join(f"Hub {n},library,{n} High Street,LS1 1AA,53.8,-1.5\n" for n in range(130_000))
    assert len(rows.encode()) > 5 * 1024 * 1024

    page = client.post(PAGE, {"council": venue.council.pk, "file": upload(HEADER + rows)})

    assert page.status_code == 200
    assert "larger than 5 MB" in str(page.context["form"].errors["file"])
    assert Venue.objects.filter(council=venue.council).count() == 1


@pytest.fixture
def hanging_geocoder(settings):
    """A TCP server that takes connections and never answers, as a stuck geocoder does."""
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    settings.GEOCODER_DOMAIN = f"127.0.0.1:{server.getsockname()[1]}"
    settings.GEOCODER_SCHEME = "http"
    settings.GEOCODER_TIMEOUT_SECONDS = 5.0
    yield
    server.close()


def test_a_geocoder_that_hangs_holds_the_page_no_longer_than_its_budget(hanging_geocoder, settings):
    import time

    settings.GEOCODER_IMPORT_BUDGET_SECONDS = 1.5
    venue = VenueFactory()
    rows = "".join(f"Hub {n},library,{n} High St,LS1 1AA,,\n" for n in range(10))
    started = time.monotonic()

    page = signed_in(council_admin_of(venue.council)).post(
        PAGE, {"council": venue.council.pk, "file": upload(HEADER + rows)}
    )

    took = time.monotonic() - started
    assert page.status_code == 200
    assert took < 3, took  # ten rows at 5 s each would be 50 s
    report = page.context["report"]
    assert report.created == 0 and len(report.rejected) == 10
    assert any("seconds for geocoding ran out" in row.reason for row in report.rejected)
