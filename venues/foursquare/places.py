"""Foursquare's JSON, read into plain values: places, tips and feedback items. Anything that
does not fit what the client was written against is a ``FoursquareMalformedResponse``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from venues.foursquare.errors import FoursquareMalformedResponse


@dataclass(frozen=True)
class Place:
    place_id: str
    name: str
    latitude: float | None = None
    longitude: float | None = None
    categories: list[str] = field(default_factory=list)
    address: str = ""
    locality: str = ""
    postcode: str = ""
    country: str = ""
    formatted_address: str = ""
    website: str = ""
    rating: float | None = None
    popularity: float | None = None
    hours: dict[str, Any] = field(default_factory=dict)
    tips_count: int | None = None
    date_closed: date | None = None
    distance_m: float | None = None


@dataclass(frozen=True)
class Tip:
    """One tip of a place (Get Place Tips, 2025-06-17)."""

    tip_id: str
    text: str
    created_at: datetime
    lang: str = ""
    url: str = ""
    agree_count: int | None = None
    disagree_count: int | None = None


@dataclass(frozen=True)
class PlaceMatch:
    place: Place
    score: float


@dataclass(frozen=True)
class SuggestedEdit:
    """One item of Foursquare's feedback queue, as the Places Feedback endpoints report it."""

    id: str
    place_id: str = ""
    kind: str = ""
    status: str = ""
    created_at: datetime | None = None
    resolved_at: datetime | None = None


def parse_place(raw: Any) -> Place:
    if not isinstance(raw, dict):
        raise FoursquareMalformedResponse("A Foursquare place is not a JSON object.")
    place_id = raw.get("fsq_place_id")
    name = raw.get("name")
    if not isinstance(place_id, str) or not place_id or not isinstance(name, str):
        raise FoursquareMalformedResponse("A Foursquare place has no fsq_place_id or name.")
    location = _object(raw.get("location"), "location")
    stats = _object(raw.get("stats"), "stats")
    categories = raw.get("categories") or []
    if not isinstance(categories, list):
        raise FoursquareMalformedResponse("A Foursquare place's categories are not a list.")
    return Place(
        place_id=place_id,
        name=name,
        latitude=_number(raw.get("latitude"), "latitude"),
        longitude=_number(raw.get("longitude"), "longitude"),
        categories=[
            category["name"]
            for category in categories
            if isinstance(category, dict) and isinstance(category.get("name"), str)
        ],
        address=_text(location.get("address")),
        locality=_text(location.get("locality")),
        postcode=_text(location.get("postcode")),
        country=_text(location.get("country")),
        formatted_address=_text(location.get("formatted_address")),
        website=_text(raw.get("website")),
        rating=_number(raw.get("rating"), "rating"),
        popularity=_number(raw.get("popularity"), "popularity"),
        hours=_object(raw.get("hours"), "hours"),
        tips_count=_integer(stats.get("total_tips"), "stats.total_tips"),
        date_closed=_date(raw.get("date_closed")),
        distance_m=_number(raw.get("distance"), "distance"),
    )


def parse_tips(raw: Any) -> list[Tip]:
    """The array Get Place Tips answers. ``created_at`` is an ISO 8601 date-time in the spec's
    schema, while its ``fields`` text calls it a UNIX timestamp: both are read. A tip without an
    id, a time or any text is skipped (nothing to show), not an error."""
    if not isinstance(raw, list):
        raise FoursquareMalformedResponse("Foursquare's tips are not a list.")
    tips = []
    for item in raw:
        if not isinstance(item, dict):
            raise FoursquareMalformedResponse("A Foursquare tip is not a JSON object.")
        tip_id = item.get("fsq_tip_id")
        created_at = _moment(item.get("created_at"))
        text = _text(item.get("text"))
        if not isinstance(tip_id, str) or not tip_id or created_at is None or not text:
            continue
        tips.append(
            Tip(
                tip_id=tip_id[:64],
                text=text,
                created_at=created_at,
                lang=_text(item.get("lang"))[:16],
                url=_text(item.get("url"))[:500],
                agree_count=_count(item.get("agree_count"), "tip's agree_count"),
                disagree_count=_count(item.get("disagree_count"), "tip's disagree_count"),
            )
        )
    return tips


def parse_suggested_edits(body: dict[str, Any]) -> list[SuggestedEdit]:
    items = body.get("suggested_edits")
    if items is None:
        return []
    if not isinstance(items, list):
        raise FoursquareMalformedResponse("Foursquare's suggested_edits is not a list.")
    edits = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
            raise FoursquareMalformedResponse("A Foursquare suggested edit has no id.")
        edits.append(
            SuggestedEdit(
                id=item["id"],
                place_id=_text(item.get("fsq_place_id")),
                kind=_text(item.get("suggested_edit_type")),
                status=_text(item.get("status")),
                created_at=_datetime(item.get("created_at")),
                resolved_at=_datetime(item.get("resolved_time")),
            )
        )
    return edits


def _object(value: Any, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise FoursquareMalformedResponse(f"A Foursquare place's {name} is not an object.")
    return value


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _number(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FoursquareMalformedResponse(f"A Foursquare place's {name} is not a number.")
    return float(value)


def _integer(value: Any, name: str) -> int | None:
    number = _number(value, name)
    return None if number is None else int(number)


def _count(value: Any, name: str) -> int | None:
    number = _integer(value, name)
    return None if number is None else max(number, 0)


def _date(value: Any) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _moment(value: Any) -> datetime | None:
    """An ISO 8601 date-time (UTC when it names no zone), or seconds since the epoch."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    moment = _datetime(value)
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def _datetime(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
