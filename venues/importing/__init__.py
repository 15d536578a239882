"""Bulk registration of a council's venues from CSV (``manage.py import_venues``).

The header is ``name,category,address,postcode,latitude,longitude`` (other columns are
ignored). Rows are keyed by (council, name, postcode): a known key updates the venue, a new one
creates it. A bad row is rejected with its reason and never stops the others. This module
reads and checks the file and geocodes rows without coordinates; the writes are the venue
service ``venues_upsert`` (the rules of the API and the admin, in bulk operations in one
transaction, so 10,000 rows take a handful of queries, not 10,000).
"""

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from venues.activity.sentences import said
from venues.activity.services import activity_record
from venues.geocoding import Coordinates, GeocodingFailed, geocode_address
from venues.models import Council, Venue
from venues.services import venues_upsert
from venues.validators import normalise_postcode, validate_postcode

REQUIRED_COLUMNS = ("name", "category", "address", "postcode", "latitude", "longitude")

# Spellings seen in council spreadsheets for the categories of the contract.
_CATEGORY_ALIASES = {
    "leisure": Venue.Category.LEISURE_CENTRE,
    "sports_centre": Venue.Category.LEISURE_CENTRE,
    "gallery": Venue.Category.MUSEUM,
    "museum_and_gallery": Venue.Category.MUSEUM,
    "community_hub": Venue.Category.COMMUNITY_CENTRE,
    "town_hall": Venue.Category.COUNCIL_OFFICE,
    "civic_centre": Venue.Category.COUNCIL_OFFICE,
}


class ImportFileError(Exception):
    """The file as a whole cannot be read (not CSV, or columns missing)."""


@dataclass(frozen=True)
class RejectedRow:
    line: int
    name: str
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _CleanRow:
    line: int
    name: str
    category: str
    address: str
    postcode: str
    latitude: float | None
    longitude: float | None


class _RowRejected(Exception):
    pass


def _normalise_category(raw: str) -> str | None:
    key = re.sub(r"[\s\-]+", "_", raw.strip().lower())
    if key in Venue.Category.values:
        return key
    return _CATEGORY_ALIASES.get(key)


def _parse_coordinate(raw: str, label: str, low: float, high: float) -> float:
    try:
        value = float(raw)
    except ValueError as exc:
        raise _RowRejected(
            gettext("%(column)s '%(value)s' is not a number") % {"column": label, "value": raw}
        ) from exc
    if not low <= value <= high:
        raise _RowRejected(
            gettext("%(column)s %(value)s is out of range (%(low)s to %(high)s)")
            % {"column": label, "value": value, "low": f"{low:g}", "high": f"{high:g}"}
        )
    return value


def _clean_row(line: int, row: dict[str, str], warnings: list[str]) -> _CleanRow:
    def text(column: str) -> str:
        return (row.get(column) or "").strip()

    if any("\x00" in (value or "") for value in row.values() if isinstance(value, str)):
        raise _RowRejected(
            gettext("the row holds a NUL character (is this a spreadsheet, not CSV?)")
        )

    name, address = text("name"), text("address")
    if not name:
        raise _RowRejected(gettext("name is missing"))
    if len(name) > 200:
        raise _RowRejected(gettext("name is longer than 200 characters"))
    if len(address) > 300:
        raise _RowRejected(gettext("address is longer than 300 characters"))
    postcode = normalise_postcode(text("postcode"))
    try:
        validate_postcode(postcode)
    except ValidationError as exc:
        raise _RowRejected(
            gettext("postcode '%(postcode)s' is not a UK postcode") % {"postcode": text("postcode")}
        ) from exc
    category = _normalise_category(text("category"))
    if category is None:
        category = Venue.Category.OTHER
        warnings.append(
            gettext("line %(line)d: unknown category '%(category)s' imported as 'other'")
            % {"line": line, "category": text("category")}
        )
    raw_lat, raw_lng = text("latitude"), text("longitude")
    if not raw_lat and not raw_lng:
        latitude = longitude = None
    elif not raw_lat or not raw_lng:
        raise _RowRejected(gettext("latitude and longitude must both be given, or both left empty"))
    else:
        latitude = _parse_coordinate(raw_lat, "latitude", -90, 90)
        longitude = _parse_coordinate(raw_lng, "longitude", -180, 180)
    return _CleanRow(line, name, category, address, postcode, latitude, longitude)


class CsvRow(dict):
    """One CSV record's columns, and the line of the file it starts on."""

    def __init__(self, columns: dict[str, str], line: int) -> None:
        super().__init__(columns)
        self.line = line


def read_venue_csv(text: str) -> list[CsvRow]:
    """The records of a CSV text, checking the header has every required column.

    Each row knows the file line it starts on (a quoted address may span lines, and blank
    lines are skipped), so a rejection names the line a person sees in their editor.
    """
    reader = csv.reader(io.StringIO(text))
    try:
        header = [column.strip().lower() for column in next(reader, [])]
        missing = [column for column in REQUIRED_COLUMNS if column not in header]
        if missing:
            raise ImportFileError(
                gettext("The header lacks the column(s): %(columns)s.")
                % {"columns": ", ".join(missing)}
            )
        rows, previous_end = [], reader.line_num
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if record:
                rows.append(CsvRow(dict(zip(header, record, strict=False)), start))
    except csv.Error as exc:
        raise ImportFileError(
            gettext("Not a readable CSV file: %(reason)s") % {"reason": exc}
        ) from exc
    return rows


def venues_import(
    *,
    council: Council,
    rows: Iterable[dict[str, str]],
    geocode: Callable[..., Coordinates] = geocode_address,
    actor=None,
    source: str = "a CSV file",
) -> ImportReport:
    """Create or update ``council``'s venues from CSV rows; see the module docstring. The
    import is recorded in the council's activity log (by ``actor``, from ``source``)."""
    report = ImportReport()
    clean_rows: dict[tuple[str, str], _CleanRow] = {}
    for position, row in enumerate(rows, start=2):  # line 1 is the header
        line = getattr(row, "line", position)
        try:
            clean = _clean_row(line, row, report.warnings)
            key = (clean.name, clean.postcode)
            if key in clean_rows:
                raise _RowRejected(
                    gettext("duplicate of line %(line)d") % {"line": clean_rows[key].line}
                )
            if clean.latitude is None:
                try:
                    found = geocode(address=clean.address, postcode=clean.postcode)
                except GeocodingFailed as exc:
                    raise _RowRejected(
                        gettext("the address could not be geocoded: %(reason)s") % {"reason": exc}
                    ) from exc
                clean.latitude, clean.longitude = found.latitude, found.longitude
            clean_rows[key] = clean
        except _RowRejected as exc:
            report.rejected.append(RejectedRow(line, (row.get("name") or "").strip(), str(exc)))

    clean = list(clean_rows.values())
    with transaction.atomic():
        upserted = venues_upsert(
            council=council,
            rows=[
                {
                    "name": row.name,
                    "category": row.category,
                    "address": row.address,
                    "postcode": row.postcode,
                    "latitude": row.latitude,
                    "longitude": row.longitude,
                }
                for row in clean
            ],
        )
        for position, reason in upserted.invalid.items():
            report.rejected.append(RejectedRow(clean[position].line, clean[position].name, reason))
        report.rejected.sort(key=lambda rejected: rejected.line)
        report.created, report.updated = upserted.created, upserted.updated
        report.unchanged = upserted.unchanged
        activity_record(
            actor=actor,
            action="venues.imported",
            obj=council,
            summary=said(
                gettext_noop(
                    "Imported %(source)s: %(created)s created, %(updated)s updated, "
                    "%(unchanged)s unchanged, %(rejected)s rejected."
                ),
                source=source,
                created=report.created,
                updated=report.updated,
                unchanged=report.unchanged,
                rejected=len(report.rejected),
            ),
        )
    return report
