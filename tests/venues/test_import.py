"""Bulk registration from CSV: ``manage.py import_venues`` and ``venues_import`` (API.md,
"Bulk registration"), and the demo seed built on it."""

import csv
import io
import math
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import User
from tests.factories import CouncilFactory, VenueFactory
from venues.geocoding import Coordinates, GeocodingFailed
from venues.importing import RejectedRow, venues_import
from venues.models import Council, Role, Venue
from venues.services import venues_upsert
from venues.validators import normalise_postcode

pytestmark = pytest.mark.django_db

DATA_FILE = Path(settings.BASE_DIR) / "data" / "england_libraries.csv"
HEADER = ["name", "category", "address", "postcode", "latitude", "longitude"]
# Lines of data/england_libraries.csv whose address is empty, rejected by design.
ROWS_WITHOUT_ADDRESS = {
    160: "Haworth",
    167: "Lees",
    171: "Oxenhope",
    457: "Roche Micro",
    1321: "Anlaby Park Library",
    2240: "Ainsdale",
    2620: "Denton West End",
    2730: "Grappenhall",
}


def library_rows(*authorities: str) -> list[dict[str, str]]:
    """The rows of the real data file, only those of ``authorities`` when given."""
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return [
            row
            for row in csv.DictReader(handle)
            if not authorities or row["authority"] in authorities
        ]


def write_csv(path: Path, rows: list[dict[str, str]], *, header=HEADER, encoding="utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def import_venues(council: Council, path: Path) -> str:
    """Run the command as an operator would; returns what it printed."""
    out = io.StringIO()
    call_command("import_venues", str(path), council=council.slug, stdout=out)
    return out.getvalue()


def summary(council: Council, *, created=0, updated=0, unchanged=0, rejected=0) -> str:
    return (
        f"{council.name}: {created} created, {updated} updated, "
        f"{unchanged} unchanged, {rejected} rejected."
    )


def venue_row(name: str, **fields: str) -> dict[str, str]:
    row = {
        "name": name,
        "category": "library",
        "address": "Municipal Buildings, Calverley Street, Leeds",
        "postcode": "LS1 3AB",
        "latitude": "53.800156",
        "longitude": "-1.548691",
    }
    row.update(fields)
    return row


def no_geocoding(*, address: str, postcode: str) -> Coordinates:
    raise AssertionError(f"geocoded '{address}, {postcode}' although it has coordinates")


def as_stored(row: dict[str, str]) -> tuple:
    """What a valid file row becomes in the database."""
    return (
        row["name"],
        row["category"],
        row["address"],
        normalise_postcode(row["postcode"]),
        float(row["latitude"]),
        float(row["longitude"]),
    )


def stored_venues(council: Council) -> set[tuple]:
    return set(
        Venue.objects.filter(council=council).values_list(
            "name", "category", "address", "postcode", "latitude", "longitude"
        )
    )


# --- The real data file -------------------------------------------------------------------


def test_import_creates_every_library_of_an_authority(tmp_path):
    rows = library_rows("Leeds")
    council = CouncilFactory(slug="leeds", name="Leeds Council")

    output = import_venues(council, write_csv(tmp_path / "leeds.csv", rows))

    assert summary(council, created=len(rows)) in output
    assert stored_venues(council) == {as_stored(row) for row in rows}
    central = Venue.objects.get(council=council, name="Leeds Central library")
    assert (central.postcode, central.latitude, central.longitude) == (
        "LS1 3AB",
        53.800156,
        -1.548691,
    )
    assert central.slug == "leeds-central-library"


def test_rows_with_coordinates_and_no_street_address_are_imported(tmp_path):
    rows = library_rows("Bradford")
    council = CouncilFactory(slug="bradford", name="Bradford Council")

    output = import_venues(council, write_csv(tmp_path / "bradford.csv", rows))

    without_address = [row for row in rows if not row["address"].strip()]
    assert len(without_address) == 3
    assert summary(council, created=len(rows)) in output
    assert stored_venues(council) == {as_stored(row) for row in rows}


def test_a_row_with_no_address_and_no_coordinates_is_located_by_its_postcode():
    council = CouncilFactory()
    row = {**venue_row("Postcode Only"), "address": "", "latitude": "", "longitude": ""}
    asked = []

    def postcode_geocoder(*, address: str, postcode: str) -> Coordinates:
        asked.append((address, postcode))
        return Coordinates(latitude=53.8, longitude=-1.55)

    report = venues_import(council=council, rows=[row], geocode=postcode_geocoder)

    assert (report.created, report.rejected) == (1, [])
    assert asked == [("", normalise_postcode(row["postcode"]))]
    venue = Venue.objects.get(council=council)
    assert (venue.address, venue.latitude, venue.longitude) == ("", 53.8, -1.55)


def test_a_row_with_no_address_whose_postcode_cannot_be_found_is_rejected():
    council = CouncilFactory()
    row = {**venue_row("Nowhere"), "address": "", "latitude": "", "longitude": ""}

    def nothing_found(*, address: str, postcode: str) -> Coordinates:
        raise GeocodingFailed(f"no place was found for '{postcode}'")

    report = venues_import(council=council, rows=[row], geocode=nothing_found)

    assert report.created == 0
    assert report.rejected == [
        RejectedRow(
            2,
            "Nowhere",
            f"the address could not be geocoded: no place was found for "
            f"'{normalise_postcode(row['postcode'])}'",
        )
    ]


def test_a_row_holding_a_nul_character_is_rejected_not_a_500():
    council = CouncilFactory()
    rows = [venue_row("Good"), {**venue_row("Bad"), "address": "1 High St\x00"}]

    report = venues_import(council=council, rows=rows, geocode=no_geocoding)

    assert report.created == 1
    assert [(r.line, r.name) for r in report.rejected] == [(3, "Bad")]
    assert "NUL" in report.rejected[0].reason


def test_whole_data_file_imports_into_one_council_with_unique_slugs():
    council = CouncilFactory(slug="england", name="England")

    output = import_venues(council, DATA_FILE)  # the extra "authority" column is ignored

    assert summary(council, created=2976) in output
    slugs = list(Venue.objects.filter(council=council).values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs)) == 2976
    without_address = Venue.objects.filter(council=council, name__in=ROWS_WITHOUT_ADDRESS.values())
    assert set(without_address.values_list("name", "address")) == {
        (name, "") for name in ROWS_WITHOUT_ADDRESS.values()
    }


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    rows = library_rows("Leeds")
    council = CouncilFactory(slug="leeds", name="Leeds Council")
    path = write_csv(tmp_path / "leeds.csv", rows)
    import_venues(council, path)
    before = set(Venue.objects.values_list("id", "slug", "updated_at"))

    output = import_venues(council, path)

    assert summary(council, unchanged=len(rows)) in output
    assert set(Venue.objects.values_list("id", "slug", "updated_at")) == before


def test_changed_coordinates_and_address_update_the_venue_in_place(tmp_path):
    rows = library_rows("Leeds")
    council = CouncilFactory(slug="leeds", name="Leeds Council")
    import_venues(council, write_csv(tmp_path / "leeds.csv", rows))
    central = Venue.objects.get(council=council, name="Leeds Central library")
    for row in rows:
        if row["name"] == "Leeds Central library":
            row.update(address="Central Library, Calverley Street, Leeds", latitude="53.8005")
            row.update(longitude="-1.5490")

    output = import_venues(council, write_csv(tmp_path / "leeds-corrected.csv", rows))

    assert summary(council, updated=1, unchanged=len(rows) - 1) in output
    assert Venue.objects.filter(council=council).count() == len(rows)
    moved = Venue.objects.get(pk=central.pk)
    assert (moved.name, moved.postcode, moved.slug) == (central.name, "LS1 3AB", central.slug)
    assert moved.address == "Central Library, Calverley Street, Leeds"
    assert (moved.latitude, moved.longitude) == (53.8005, -1.549)
    assert moved.updated_at > central.updated_at


def test_a_changed_category_updates_the_venue():
    council = CouncilFactory()
    venues_import(council=council, rows=[venue_row("Civic Hall")], geocode=no_geocoding)

    report = venues_import(
        council=council, rows=[venue_row("Civic Hall", category="town hall")], geocode=no_geocoding
    )

    assert (report.created, report.updated) == (0, 1)
    assert Venue.objects.get(council=council).category == Venue.Category.COUNCIL_OFFICE


def test_a_reimport_that_moves_a_linked_venue_queues_its_foursquare_sync(
    monkeypatch, django_capture_on_commit_callbacks
):
    council = CouncilFactory()
    venues_import(
        council=council, rows=[venue_row("Civic Hall"), venue_row("Hub")], geocode=no_geocoding
    )
    Venue.objects.filter(council=council).update(foursquare_place_id="4b0588f1f964a520")
    queued: list[str] = []
    monkeypatch.setattr("venues.foursquare.services.foursquare_sync_venue.delay", queued.append)

    with django_capture_on_commit_callbacks(execute=True):
        venues_import(
            council=council,
            rows=[venue_row("Civic Hall", latitude="53.9"), venue_row("Hub")],
            geocode=no_geocoding,
        )

    assert queued == [str(Venue.objects.get(council=council, name="Civic Hall").pk)]


def test_the_bulk_service_validates_each_venue_and_leaves_out_an_invalid_one():
    council = CouncilFactory()
    good = {
        "name": "Hub",
        "category": "library",
        "address": "1 High St",
        "postcode": "ls1 3ab",
        "latitude": 53.8,
        "longitude": -1.5,
    }

    result = venues_upsert(
        council=council, rows=[good, {**good, "name": "Fort", "category": "castle"}]
    )

    assert (result.created, list(result.invalid)) == (1, [1])
    assert "category" in result.invalid[1]
    assert Venue.objects.get(council=council).postcode == "LS1 3AB"


def test_a_new_postcode_is_a_new_venue_because_it_is_part_of_the_key():
    council = CouncilFactory()
    venues_import(council=council, rows=[venue_row("Civic Hall")], geocode=no_geocoding)

    report = venues_import(
        council=council, rows=[venue_row("Civic Hall", postcode="LS2 8BH")], geocode=no_geocoding
    )

    assert (report.created, report.updated, report.unchanged) == (1, 0, 0)
    assert set(Venue.objects.filter(council=council).values_list("postcode", "slug")) == {
        ("LS1 3AB", "civic-hall"),
        ("LS2 8BH", "civic-hall-2"),
    }


# --- Bad rows -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"name": "  "}, "name is missing"),
        ({"name": "L" * 201}, "name is longer than 200 characters"),
        ({"address": "a" * 301}, "address is longer than 300 characters"),
        ({"postcode": "LS1"}, "postcode 'LS1' is not a UK postcode"),
        ({"postcode": "12345"}, "postcode '12345' is not a UK postcode"),
        ({"latitude": "91"}, "latitude 91.0 is out of range (-90 to 90)"),
        ({"latitude": "nan"}, "latitude nan is out of range (-90 to 90)"),
        ({"longitude": "-180.5"}, "longitude -180.5 is out of range (-180 to 180)"),
        ({"longitude": "east"}, "longitude 'east' is not a number"),
        ({"latitude": "53°48'N"}, "latitude '53°48'N' is not a number"),
        ({"longitude": ""}, "latitude and longitude must both be given, or both left empty"),
        ({"latitude": " "}, "latitude and longitude must both be given, or both left empty"),
    ],
)
def test_a_bad_row_is_rejected_with_its_reason_and_the_good_rows_imported(fields, reason):
    council = CouncilFactory()
    bad = {**venue_row("Bad Venue"), **fields}
    rows = [venue_row("Good Before"), bad, venue_row("Good After")]

    report = venues_import(council=council, rows=rows, geocode=no_geocoding)

    assert report.rejected == [RejectedRow(3, bad["name"].strip(), reason)]
    assert report.created == 2
    assert set(Venue.objects.filter(council=council).values_list("name", flat=True)) == {
        "Good Before",
        "Good After",
    }


def test_every_bad_row_of_a_file_is_reported_with_its_line_and_reason(tmp_path):
    council = CouncilFactory(slug="leeds", name="Leeds Council")
    rows = [
        venue_row("Central Library"),  # line 2
        venue_row(""),  # 3
        venue_row("Polar Library", latitude="91"),  # 4
        venue_row("Wobbly Library", longitude="east"),  # 5
        venue_row("Half Library", longitude=""),  # 6
        venue_row("Abroad Library", postcode="75001"),  # 7
        venue_row("Swimming Baths", category="swimming pool"),  # 8
        venue_row("Central Library", postcode="ls13ab"),  # 9: same key once normalised
        venue_row("Hunslet Library", postcode="LS10 2QB", latitude="53.7748"),  # 10
    ]

    output = import_venues(council, write_csv(tmp_path / "mixed.csv", rows)).splitlines()

    assert output == [
        "warning: line 8: unknown category 'swimming pool' imported as 'other'",
        "rejected line 3: name is missing",
        "rejected line 4 (Polar Library): latitude 91.0 is out of range (-90 to 90)",
        "rejected line 5 (Wobbly Library): longitude 'east' is not a number",
        "rejected line 6 (Half Library): "
        "latitude and longitude must both be given, or both left empty",
        "rejected line 7 (Abroad Library): postcode '75001' is not a UK postcode",
        "rejected line 9 (Central Library): duplicate of line 2",
        summary(council, created=3, rejected=6),
    ]
    assert set(Venue.objects.filter(council=council).values_list("name", "category")) == {
        ("Central Library", "library"),
        ("Swimming Baths", "other"),
        ("Hunslet Library", "library"),
    }


def test_unknown_category_is_imported_as_other_with_a_warning():
    council = CouncilFactory()

    report = venues_import(
        council=council, rows=[venue_row("Lido", category="swimming pool")], geocode=no_geocoding
    )

    assert report.created == 1 and report.rejected == []
    assert report.warnings == ["line 2: unknown category 'swimming pool' imported as 'other'"]
    assert Venue.objects.get(council=council, name="Lido").category == Venue.Category.OTHER


@pytest.mark.parametrize(
    ("spelt", "category"),
    [
        ("Library", "library"),
        (" Leisure Centre ", "leisure_centre"),
        ("sports-centre", "leisure_centre"),
        ("Gallery", "museum"),
        ("Community Hub", "community_centre"),
        ("Civic Centre", "council_office"),
    ],
)
def test_council_spellings_of_a_category_are_understood(spelt, category):
    council = CouncilFactory()

    report = venues_import(
        council=council, rows=[venue_row("Venue", category=spelt)], geocode=no_geocoding
    )

    assert report.warnings == []
    assert Venue.objects.get(council=council).category == category


def test_a_duplicate_row_is_rejected_and_the_first_one_kept():
    council = CouncilFactory()
    rows = [
        venue_row("Central Library", latitude="53.8"),
        venue_row("Other Library", postcode="LS2 8BH"),
        venue_row(" Central Library ", postcode="ls1 3ab", latitude="50.1"),
    ]

    report = venues_import(council=council, rows=rows, geocode=no_geocoding)

    assert report.rejected == [RejectedRow(4, "Central Library", "duplicate of line 2")]
    assert Venue.objects.get(council=council, name="Central Library").latitude == 53.8


def test_rejected_line_numbers_count_the_lines_of_the_file(tmp_path):
    path = tmp_path / "spreadsheet-export.csv"
    path.write_text(
        "name,category,address,postcode,latitude,longitude\n"
        'Central Library,library,"Municipal Buildings\nCalverley Street",LS1 3AB,53.8,-1.5\n'
        "\n"
        ",library,1 Town Street,LS2 8BH,53.8,-1.5\n",
        encoding="utf-8",
    )
    council = CouncilFactory(slug="leeds", name="Leeds Council")

    output = import_venues(council, path)

    assert "rejected line 5: name is missing" in output


# --- Geocoding rows without coordinates -----------------------------------------------------


class FakeGeocoder:
    """Knows some addresses, as a geocoding service would; fails on the others."""

    def __init__(self, places: dict[tuple[str, str], Coordinates]):
        self.places = places

    def __call__(self, *, address: str, postcode: str) -> Coordinates:
        try:
            return self.places[(address, postcode)]
        except KeyError:
            raise GeocodingFailed(f"No place was found for '{address}, {postcode}'.") from None


def test_rows_without_coordinates_are_geocoded():
    council = CouncilFactory()
    geocode = FakeGeocoder(
        {("1 Town Street, Leeds", "LS2 8BH"): Coordinates(latitude=53.79, longitude=-1.54)}
    )
    rows = [
        venue_row("Given Library"),
        venue_row(
            "Found Library",
            address="1 Town Street, Leeds",
            postcode="ls28bh",
            latitude="",
            longitude="",
        ),
    ]

    report = venues_import(council=council, rows=rows, geocode=geocode)

    assert (report.created, report.rejected) == (2, [])
    assert set(
        Venue.objects.filter(council=council).values_list("name", "latitude", "longitude")
    ) == {
        ("Given Library", 53.800156, -1.548691),
        ("Found Library", 53.79, -1.54),
    }


def test_a_row_that_cannot_be_geocoded_is_rejected_alone():
    council = CouncilFactory()
    geocode = FakeGeocoder(
        {("1 Town Street, Leeds", "LS2 8BH"): Coordinates(latitude=53.79, longitude=-1.54)}
    )
    rows = [
        venue_row("Lost Library", address="Nowhere Lane", latitude="", longitude=""),
        venue_row(
            "Found Library",
            address="1 Town Street, Leeds",
            postcode="LS2 8BH",
            latitude="",
            longitude="",
        ),
        venue_row("Given Library"),
    ]

    report = venues_import(council=council, rows=rows, geocode=geocode)

    assert report.rejected == [
        RejectedRow(
            2,
            "Lost Library",
            "the address could not be geocoded: No place was found for 'Nowhere Lane, LS1 3AB'.",
        )
    ]
    assert set(Venue.objects.filter(council=council).values_list("name", flat=True)) == {
        "Found Library",
        "Given Library",
    }


def test_command_rejects_rows_the_geocoding_service_cannot_answer_for(tmp_path):
    # tests.settings points the real geocoder at a closed local port: the service is down.
    council = CouncilFactory(slug="leeds", name="Leeds Council")
    rows = [venue_row("Lost Library", latitude="", longitude=""), venue_row("Given Library")]

    output = import_venues(council, write_csv(tmp_path / "venues.csv", rows))

    assert "rejected line 2 (Lost Library): the address could not be geocoded:" in output
    assert summary(council, created=1, rejected=1) in output
    assert list(Venue.objects.filter(council=council).values_list("name", flat=True)) == [
        "Given Library"
    ]


# --- The file as a whole ------------------------------------------------------------------


def test_missing_header_columns_stop_the_command_before_anything_is_imported(tmp_path):
    council = CouncilFactory(slug="leeds")
    path = write_csv(
        tmp_path / "no-coordinates.csv",
        [venue_row("Central Library")],
        header=["name", "category", "address", "postcode"],
    )

    with pytest.raises(CommandError, match=r"lacks the column\(s\): latitude, longitude"):
        import_venues(council, path)

    assert not Venue.objects.exists()


def test_an_empty_file_is_refused(tmp_path):
    council = CouncilFactory(slug="leeds")
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")

    with pytest.raises(CommandError, match="lacks the column"):
        import_venues(council, path)


def test_unknown_council_is_refused(tmp_path):
    path = write_csv(tmp_path / "venues.csv", [venue_row("Central Library")])

    with pytest.raises(CommandError, match="No council has the slug 'atlantis'"):
        call_command("import_venues", str(path), council="atlantis", stdout=io.StringIO())

    assert not Venue.objects.exists()


def test_a_missing_file_is_refused(tmp_path):
    council = CouncilFactory(slug="leeds")

    with pytest.raises(CommandError, match="Cannot read"):
        import_venues(council, tmp_path / "absent.csv")


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    council = CouncilFactory(slug="leeds")
    path = write_csv(tmp_path / "cp1252.csv", [venue_row("Café Library")], encoding="cp1252")

    with pytest.raises(CommandError, match="Cannot read"):
        import_venues(council, path)

    assert not Venue.objects.exists()


def test_a_file_with_a_byte_order_mark_is_imported(tmp_path):
    council = CouncilFactory(slug="leeds", name="Leeds Council")
    path = write_csv(tmp_path / "excel.csv", [venue_row("Central Library")], encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbfname,")

    output = import_venues(council, path)

    assert summary(council, created=1) in output
    assert Venue.objects.get(council=council).name == "Central Library"


def test_header_names_are_matched_whatever_their_case_and_padding(tmp_path):
    council = CouncilFactory(slug="leeds", name="Leeds Council")
    path = tmp_path / "shouty.csv"
    path.write_text(
        " Name,CATEGORY,Address ,Postcode,Latitude,Longitude\n"
        "Central Library,library,1 Town Street,LS1 3AB,53.8,-1.5\n",
        encoding="utf-8",
    )

    output = import_venues(council, path)

    assert summary(council, created=1) in output


# --- Keys and slugs -----------------------------------------------------------------------


def test_the_same_name_in_two_councils_is_two_venues(tmp_path):
    leeds = CouncilFactory(slug="leeds", name="Leeds Council")
    york = CouncilFactory(slug="york", name="York Council")
    path = write_csv(tmp_path / "venues.csv", [venue_row("Central Library")])

    import_venues(leeds, path)
    output = import_venues(york, path)

    assert summary(york, created=1) in output
    assert set(Venue.objects.values_list("council__slug", "name", "slug")) == {
        ("leeds", "Central Library", "central-library"),
        ("york", "Central Library", "central-library"),
    }


def test_slugs_stay_unique_in_a_council_when_names_collide_after_slugify():
    council = CouncilFactory()
    VenueFactory(council=council, name="St Mary's Library", slug="st-marys-library")
    rows = [
        venue_row("St Marys Library"),
        venue_row("St. Mary's Library"),
        venue_row("St Mary's Library", postcode="LS2 8BH"),
        venue_row("ST MARYS LIBRARY!"),
    ]

    report = venues_import(council=council, rows=rows, geocode=no_geocoding)

    assert report.created == 4
    assert sorted(Venue.objects.filter(council=council).values_list("slug", flat=True)) == [
        "st-marys-library",
        "st-marys-library-2",
        "st-marys-library-3",
        "st-marys-library-4",
        "st-marys-library-5",
    ]


def test_a_name_with_nothing_to_slugify_gets_a_generic_unique_slug():
    council = CouncilFactory()
    rows = [venue_row("图书馆"), venue_row("ספרייה")]

    venues_import(council=council, rows=rows, geocode=no_geocoding)

    assert set(Venue.objects.filter(council=council).values_list("slug", flat=True)) == {
        "venue",
        "venue-2",
    }


# --- Bulk operations ----------------------------------------------------------------------


def generated_rows(count: int, *, latitude_shift: float = 0.0) -> list[dict[str, str]]:
    postcodes = ("LS1 3AB", "LS2 8BH", "LS10 2QB", "BD1 1HY", "HU1 3DZ")
    return [
        venue_row(
            f"Community Venue {number:05d}",
            category="community centre",
            postcode=postcodes[number % len(postcodes)],
            latitude=f"{52 + number / 10_000 + latitude_shift:.6f}",
            longitude=f"{-1 - number / 20_000:.6f}",
        )
        for number in range(count)
    ]


def query_budget(rows: int, *, fields: int) -> int:
    """A fixed handful of queries plus one per write batch. The importer writes 1,000 rows a
    query; SQLite caps a query at 999 parameters, so Django splits its batches further there.
    On PostgreSQL 10,000 rows come to 20 queries at most."""
    per_query = min(1000, connection.ops.bulk_batch_size(["field"] * fields, range(rows)))
    return 10 + math.ceil(rows / per_query)


def test_import_of_ten_thousand_rows_takes_a_bounded_number_of_queries(
    django_assert_max_num_queries,
):
    council = CouncilFactory()
    rows = generated_rows(10_000)
    inserted_fields = len(Venue._meta.concrete_fields)

    with django_assert_max_num_queries(query_budget(10_000, fields=inserted_fields)):
        report = venues_import(council=council, rows=rows, geocode=no_geocoding)

    assert (report.created, report.rejected) == (10_000, [])
    assert Venue.objects.filter(council=council).count() == 10_000


def test_reimport_of_thousands_of_moved_rows_takes_a_bounded_number_of_queries(
    django_assert_max_num_queries,
):
    # 3,000 rather than 10,000: Django's bulk_update() builds its CASE expressions slowly.
    council = CouncilFactory()
    venues_import(council=council, rows=generated_rows(3_000), geocode=no_geocoding)
    moved = generated_rows(3_000, latitude_shift=0.001)
    updated_fields = 2 + 5  # the primary key twice (CASE WHEN pk ... WHERE pk IN) + 5 columns

    with django_assert_max_num_queries(query_budget(3_000, fields=updated_fields)):
        report = venues_import(council=council, rows=moved, geocode=no_geocoding)

    assert (report.created, report.updated, report.unchanged) == (0, 3_000, 0)
    assert Venue.objects.get(council=council, name="Community Venue 00042").latitude == 52.0052


# --- The demo seed ------------------------------------------------------------------------


def demo_state() -> dict[str, object]:
    return {
        "councils": Council.objects.count(),
        "venues": Venue.objects.count(),
        "users": sorted(
            User.objects.filter(guardian__isnull=True).values_list("email", "is_superuser")
        ),
        "children": sorted(
            User.objects.filter(guardian__isnull=False).values_list(
                "guardian__email", "display_name"
            )
        ),
        "roles": sorted(
            Role.objects.values_list("user__email", "council__slug", "venue__name", "role")
        ),
    }


def test_seed_demo_creates_councils_venues_and_one_account_per_role():
    call_command("seed_demo", force=True, stdout=io.StringIO())

    authorities = {row["authority"] for row in library_rows()}
    assert demo_state() == {
        "councils": len(authorities),
        "venues": 2976,  # rows without a street address are located by their coordinates
        "users": [
            ("admin@demo.test", True),
            ("council-admin@demo.test", False),
            ("manager@demo.test", False),
            ("resident@demo.test", False),
            ("staff@demo.test", False),
        ],
        "children": [("resident@demo.test", "Sam")],  # issue 25: a family to try
        "roles": [
            ("council-admin@demo.test", "leeds", None, "council_admin"),
            ("manager@demo.test", "leeds", "Leeds Central library", "venue_manager"),
            ("staff@demo.test", "leeds", "Leeds Central library", "venue_staff"),
        ],
    }
    leeds = Council.objects.get(slug="leeds")
    assert leeds.name == "Leeds Council"
    assert stored_venues(leeds) == {as_stored(row) for row in library_rows("Leeds")}
    manager = User.objects.get(email="manager@demo.test")
    assert manager.is_staff and manager.check_password("council-demo-2026")
    assert manager.birth_year is not None  # the pages do not stop the demo to ask


def test_seed_demo_run_twice_creates_nothing_new():
    call_command("seed_demo", force=True, stdout=io.StringIO())
    first = demo_state()
    out = io.StringIO()

    call_command("seed_demo", force=True, stdout=out)

    assert demo_state() == first
    assert f"{first['councils']} councils, {first['venues']} venues (0 new)." in out.getvalue()


def test_seed_demo_refuses_to_run_with_debug_off_unless_forced(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=io.StringIO())

    assert not User.objects.exists()
    assert not Council.objects.exists()
