"""A small client for Foursquare's Places API, the only module here that speaks HTTP to it.

Targets the API as of ``X-Places-Api-Version: 2025-06-17`` (the version is a setting): host
``places-api.foursquare.com`` with no version in the path, ``Authorization: Bearer <service
key>``, places carrying ``fsq_place_id`` with top-level ``latitude``/``longitude``. Foursquare's
guides and SDKs disagree on some feedback paths, so every path lives in ``PATHS``.

Retries are urllib3's ``Retry`` mounted on a requests session, not a hand-written loop: reads
(GET) are retried on 429 and 5xx and on connection or read failures, with exponential backoff and
jitter, honouring ``Retry-After`` (capped). Feedback proposals (POST) are retried only where
Foursquare cannot have acted on them: a refused connection, or a 429/503 asking us to come back.
A 5xx or a timeout on a proposal is not retried, so one proposal is never sent twice.

Every failure is one of the typed errors below; callers never see requests' exceptions.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import requests
import urllib3
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

PATHS = {
    "search": "/places/search",
    "match": "/places/match",
    "place": "/places/{place_id}",
    "suggest_edit": "/places/{place_id}/suggest/edit",
    "suggest_remove": "/places/{place_id}/suggest/remove",
    "suggest_flag": "/places/{place_id}/suggest/flag",
    "suggest_status": "/places/suggest/status",
}

# What the sync reads of a place. rating, popularity, hours and stats are Premium fields.
PLACE_FIELDS = (
    "fsq_place_id,name,latitude,longitude,categories,location,website,tel,"
    "rating,popularity,hours,stats,date_closed,distance"
)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class FoursquareError(Exception):
    """Any failure talking to Foursquare. ``str(error)`` is fit to show a venue manager."""

    status: int | None = None

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        if status is not None:
            self.status = status


class FoursquareNotConfigured(FoursquareError):
    """No service key is set: nothing is sent."""


class FoursquareAuthError(FoursquareError):
    """401/403: the key is wrong, revoked, or not allowed this endpoint. Never retried."""


class FoursquareNotFound(FoursquareError):
    """404: no such place (or nothing matched)."""


class FoursquareBadRequest(FoursquareError):
    """Another 4xx: Foursquare refused what we sent. Never retried."""


class FoursquareRateLimited(FoursquareError):
    """429 still, after the retries."""


class FoursquareUnavailable(FoursquareError):
    """5xx after the retries, a timeout, or no connection."""


class FoursquareMalformedResponse(FoursquareError):
    """A 2xx whose body is not the JSON this client was written against."""


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


class FoursquareClient:
    def __init__(
        self,
        *,
        api_key: str,
        base_url: str,
        api_version: str,
        connect_timeout: float = 3.05,
        read_timeout: float = 10.0,
        max_retries: int = 2,
        backoff_factor: float = 1.0,
        backoff_max: float = 30.0,
        retry_after_max: int = 60,
    ):
        self.base_url = base_url.rstrip("/")
        self.timeout = (connect_timeout, read_timeout)
        self._api_key = api_key
        headers = {
            "Authorization": f"Bearer {api_key}",
            "X-Places-Api-Version": api_version,
            "Accept": "application/json",
            "User-Agent": "council-checkins (Foursquare venue sync)",
        }
        common = {
            "backoff_factor": backoff_factor,
            "backoff_jitter": backoff_factor,
            "backoff_max": backoff_max,
            "respect_retry_after_header": True,
            "retry_after_max": retry_after_max,
            # The last answer comes back to us to be mapped to a typed error.
            "raise_on_status": False,
            "raise_on_redirect": False,
            "redirect": 0,
        }
        self._reads = self._session(
            headers,
            Retry(
                total=max_retries,
                status_forcelist=RETRY_STATUSES,
                allowed_methods=frozenset({"GET"}),
                **common,
            ),
        )
        self._writes = self._session(
            headers,
            Retry(
                total=max_retries,
                read=False,
                other=0,
                status_forcelist=frozenset({429}),
                allowed_methods=frozenset({"POST"}),
                **common,
            ),
        )

    @classmethod
    def from_settings(cls) -> FoursquareClient:
        if not settings.FOURSQUARE_API_KEY:
            raise FoursquareNotConfigured(
                "Foursquare is not configured: set FOURSQUARE_API_KEY to the service key."
            )
        return cls(
            api_key=settings.FOURSQUARE_API_KEY,
            base_url=settings.FOURSQUARE_API_BASE,
            api_version=settings.FOURSQUARE_API_VERSION,
            connect_timeout=settings.FOURSQUARE_CONNECT_TIMEOUT_SECONDS,
            read_timeout=settings.FOURSQUARE_READ_TIMEOUT_SECONDS,
            max_retries=settings.FOURSQUARE_MAX_RETRIES,
            backoff_factor=settings.FOURSQUARE_BACKOFF_FACTOR,
            backoff_max=settings.FOURSQUARE_BACKOFF_MAX_SECONDS,
            retry_after_max=settings.FOURSQUARE_RETRY_AFTER_MAX_SECONDS,
        )

    @staticmethod
    def _session(headers: dict[str, str], retry: Retry) -> requests.Session:
        session = requests.Session()
        session.headers.update(headers)
        # Proxies from the environment would route tests' loopback fakes elsewhere.
        session.trust_env = False
        adapter = HTTPAdapter(max_retries=retry)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    def close(self) -> None:
        self._reads.close()
        self._writes.close()

    def __enter__(self) -> FoursquareClient:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # --- Places

    def search(
        self, *, query: str, latitude: float, longitude: float, radius_m: int, limit: int = 10
    ) -> list[Place]:
        """Places named like ``query`` within ``radius_m`` of the point, best first."""
        body = self._get(
            PATHS["search"],
            {
                "query": query,
                "ll": f"{latitude:.6f},{longitude:.6f}",
                "radius": int(radius_m),
                "limit": limit,
                "fields": PLACE_FIELDS,
            },
        )
        results = body.get("results")
        if not isinstance(results, list):
            raise FoursquareMalformedResponse("Foursquare's search answer has no results list.")
        return [parse_place(item) for item in results]

    def match(
        self,
        *,
        name: str,
        address: str,
        city: str,
        country_code: str,
        postcode: str = "",
        latitude: float | None = None,
        longitude: float | None = None,
    ) -> PlaceMatch | None:
        """Foursquare's one best match for a record, with its score; None when nothing matched."""
        params: dict[str, Any] = {
            "name": name,
            "address": address,
            "city": city,
            "cc": country_code,
            "fields": PLACE_FIELDS,
        }
        if postcode:
            params["postal_code"] = postcode
        if latitude is not None and longitude is not None:
            params["ll"] = f"{latitude:.6f},{longitude:.6f}"
        try:
            body = self._get(PATHS["match"], params)
        except FoursquareNotFound:
            return None
        place = body.get("place")
        if not place:
            return None
        score = body.get("match_score")
        if isinstance(score, bool) or not isinstance(score, int | float):
            raise FoursquareMalformedResponse("Foursquare's match answer has no match_score.")
        return PlaceMatch(place=parse_place(place), score=float(score))

    def place(self, place_id: str) -> Place:
        return parse_place(
            self._get(
                PATHS["place"].format(place_id=_path_part(place_id)), {"fields": PLACE_FIELDS}
            )
        )

    # --- Places Feedback (needs a service key)

    def propose_edit(self, place_id: str, changes: Mapping[str, Any]) -> list[SuggestedEdit]:
        """Propose new values for a place's attributes (``name``, ``address``, ``postcode``,
        ``latitude``, ``website``... as Foursquare names them)."""
        if not changes:
            raise ValueError("Nothing to propose.")
        return self._suggest(
            PATHS["suggest_edit"].format(place_id=_path_part(place_id)), dict(changes)
        )

    def propose_removal(
        self, place_id: str, *, reason: str, comment: str = ""
    ) -> list[SuggestedEdit]:
        """Say a place should go: ``reason`` is ``closed``, ``doesnt_exist``, ``private``..."""
        params = {"reason": reason}
        if comment:
            params["comment"] = comment
        return self._suggest(PATHS["suggest_remove"].format(place_id=_path_part(place_id)), params)

    def flag(self, place_id: str, *, fields: list[str], comment: str = "") -> list[SuggestedEdit]:
        """Say some of a place's fields are wrong, without proposing values."""
        params = {"fields": ",".join(fields)}
        if comment:
            params["comment"] = comment
        return self._suggest(PATHS["suggest_flag"].format(place_id=_path_part(place_id)), params)

    def suggestion_statuses(self, suggestion_ids: list[str]) -> list[SuggestedEdit]:
        """Where each proposal stands in Foursquare's review (up to 50 per call)."""
        if not suggestion_ids:
            return []
        if len(suggestion_ids) > 50:
            raise ValueError("Foursquare reports at most 50 suggestions per call.")
        body = self._get(
            PATHS["suggest_status"],
            {"suggested_edit_ids": ",".join(suggestion_ids), "limit": len(suggestion_ids)},
        )
        return _parse_suggested_edits(body)

    def _suggest(self, path: str, params: dict[str, Any]) -> list[SuggestedEdit]:
        body = self._send("POST", path, params)
        errors = body.get("errors")
        if errors:
            raise FoursquareBadRequest(
                "Foursquare refused the proposal: " + "; ".join(str(error) for error in errors)
            )
        edits = _parse_suggested_edits(body)
        if not edits:
            raise FoursquareMalformedResponse("Foursquare accepted a proposal but named no id.")
        return edits

    # --- HTTP

    def _get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        return self._send("GET", path, params)

    def _send(self, method: str, path: str, params: dict[str, Any]) -> dict[str, Any]:
        session = self._reads if method == "GET" else self._writes
        url = self.base_url + path
        try:
            # The feedback endpoints take their values as query parameters, like the reads.
            response = session.request(method, url, params=params, timeout=self.timeout)
        except requests.RequestException as exc:
            raise _unavailable(method, path, exc) from exc
        return self._body_or_error(method, path, response)

    @staticmethod
    def _body_or_error(method: str, path: str, response: requests.Response) -> dict[str, Any]:
        status = response.status_code
        if 200 <= status < 300:
            try:
                body = response.json()
            except ValueError as exc:
                raise FoursquareMalformedResponse(
                    f"Foursquare answered {method} {path} with a body that is not JSON."
                ) from exc
            if not isinstance(body, dict):
                raise FoursquareMalformedResponse(
                    f"Foursquare answered {method} {path} with JSON that is not an object."
                )
            return body
        message = _error_message(response)
        where = f"{method} {path}"
        logger.warning("Foursquare answered %s with %s: %s", where, status, message)
        if status in (401, 403):
            raise FoursquareAuthError(
                f"Foursquare refused the service key ({status}): {message}. "
                "Check FOURSQUARE_API_KEY.",
                status=status,
            )
        if status == 404:
            raise FoursquareNotFound(
                f"Foursquare has no such resource ({where}): {message}", status=404
            )
        if status == 429:
            raise FoursquareRateLimited(
                f"Foursquare's rate limit was still exceeded after retrying ({where}).", status=429
            )
        if status >= 500:
            raise FoursquareUnavailable(
                f"Foursquare failed ({status}) after retrying ({where}): {message}", status=status
            )
        raise FoursquareBadRequest(
            f"Foursquare refused the request ({status}, {where}): {message}", status=status
        )


def _unavailable(method: str, path: str, exc: requests.RequestException) -> FoursquareUnavailable:
    # After retries, requests wraps the last failure (a timeout too) in a ConnectionError.
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    if isinstance(exc, requests.Timeout) or isinstance(reason, urllib3.exceptions.TimeoutError):
        return FoursquareUnavailable(f"Foursquare did not answer in time ({method} {path}).")
    cause = type(reason or exc).__name__
    return FoursquareUnavailable(f"Could not reach Foursquare ({method} {path}): {cause}.")


def _path_part(place_id: str) -> str:
    if not place_id or not all(ch.isalnum() or ch in "-_" for ch in place_id):
        raise FoursquareBadRequest(f"'{place_id}' is not a Foursquare place id.")
    return place_id


def _error_message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason or "no explanation"
    if isinstance(body, dict):
        for key in ("message", "error_detail", "detail", "error"):
            if isinstance(body.get(key), str) and body[key]:
                return body[key][:500]
    return response.reason or "no explanation"


# --- Parsing: Foursquare's JSON into the dataclasses above, refusing what does not fit.


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


def _parse_suggested_edits(body: dict[str, Any]) -> list[SuggestedEdit]:
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


def _date(value: Any) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _datetime(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
