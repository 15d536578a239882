"""A fake Foursquare Places API for tests, served by pytest-httpserver on loopback.

It speaks the API the client targets (X-Places-Api-Version 2025-06-17): the same paths, the
Bearer service key and version headers (refused as Foursquare does when wrong), places as JSON
with ``fsq_place_id`` and top-level coordinates, ``fields=`` honoured, a place's tips as the
published Get Place Tips answers them (a JSON array; ``fields``, ``sort`` and ``limit`` as the
spec defines them), errors as ``{"message": ...}``, and the Places Feedback endpoints with their
``suggested_edits`` answers.
Tests add places, script failures (``fail``), and read what was asked (``requests``).

Where it could be kinder than Foursquare, it is not: ``/places/match`` is not in the published
2025-06-17 spec, so it is not served unless ``serves_match`` is set (a 404 "Endpoint does not
exist", as for any path Foursquare does not have); ``suggest/remove`` takes the spec's upper-case
``reason`` values only; ``rate_limit`` answers 429 or the 403 with a rate-limit message that
Foursquare also sends. Every answer is kept in ``answers`` and checked against the spec's schema
fragments (tests/venues/foursquare/spec_schemas.py) when the test ends.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from pyproj import Geod
from werkzeug import Request, Response

API_VERSION = "2025-06-17"
MISSING_ENDPOINT = "Endpoint does not exist"
RATE_LIMIT_MESSAGE = "Rate limit exceeded. Please try again later."
# The spec's reason enum for suggest/remove, as far as this project can send it (upper case).
REMOVAL_REASONS = frozenset({"CLOSED", "DOESNT_EXIST"})
SERVICE_KEY = "fsq-test-service-key"
_GEOD = Geod(ellps="WGS84")

LIBRARY_CATEGORY = {
    "fsq_category_id": "4bf58dd8d48988d12f941735",
    "name": "Library",
    "short_name": "Library",
    "plural_name": "Libraries",
    "icon": {
        "prefix": "https://ss3.4sqi.net/img/categories_v2/building/library_",
        "suffix": ".png",
    },
}


def library_place(
    place_id: str,
    name: str,
    *,
    latitude: float,
    longitude: float,
    address: str,
    locality: str,
    postcode: str,
    website: str = "",
    rating: float | None = 8.1,
    popularity: float | None = 0.82,
    tips: int = 7,
) -> dict[str, Any]:
    """A place as Foursquare lists one, with the Premium fields."""
    place = {
        "fsq_place_id": place_id,
        "name": name,
        "latitude": latitude,
        "longitude": longitude,
        "categories": [LIBRARY_CATEGORY],
        "chains": [],
        "location": {
            "address": address,
            "locality": locality,
            "region": "England",
            "postcode": postcode,
            "country": "GB",
            "formatted_address": f"{address}, {locality}, {postcode}",
        },
        "tel": "020 8724 8725",
        "website": website,
        "rating": rating,
        "popularity": popularity,
        "hours": {
            "display": "Mon-Fri 9:00 AM-7:00 PM; Sat 9:00 AM-5:00 PM",
            "is_local_holiday": False,
            "open_now": True,
            "regular": [{"day": day, "open": "0900", "close": "1900"} for day in range(1, 6)]
            + [{"day": 6, "open": "0900", "close": "1700"}],
        },
        "stats": {"total_photos": 12, "total_ratings": 40, "total_tips": tips},
        "date_created": "2010-01-15",
        "date_refreshed": "2026-10-01",
    }
    return {key: value for key, value in place.items() if value is not None}


# Get Place Tips: what it sends when ``fields`` is omitted, and the values the spec allows.
TIP_DEFAULT_FIELDS = "fsq_tip_id,created_at,text"
TIP_FIELDS = frozenset(
    {"fsq_tip_id", "created_at", "text", "lang", "url", "agree_count", "disagree_count", "photo"}
)
TIP_SORTS = frozenset({"POPULAR", "NEWEST"})


def tip(
    tip_id: str,
    text: str,
    *,
    created_at: str = "2026-10-01T12:00:00.000Z",
    lang: str = "en",
    agree_count: int = 0,
    disagree_count: int = 0,
) -> dict[str, Any]:
    """A tip as Foursquare holds one (every field the spec names but the photo)."""
    return {
        "fsq_tip_id": tip_id,
        "created_at": created_at,
        "text": text,
        "lang": lang,
        "url": f"https://foursquare.com/item/{tip_id}",
        "agree_count": agree_count,
        "disagree_count": disagree_count,
    }


@dataclass
class ScriptedFailure:
    method: str
    path_pattern: str
    status: int
    body: str | bytes
    headers: dict[str, str]
    delay_seconds: float = 0.0


@dataclass
class FakeFoursquare:
    places: dict[str, dict[str, Any]] = field(default_factory=dict)
    tips: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by place id
    # place id -> the score place match gives it; places not listed score 0.95 on a name match.
    match_scores: dict[str, float] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    suggestions: dict[str, dict[str, Any]] = field(default_factory=dict)
    serves_match: bool = False
    answers: list[dict[str, Any]] = field(default_factory=list)
    _failures: deque = field(default_factory=deque)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def add(self, place: dict[str, Any]) -> dict[str, Any]:
        self.places[place["fsq_place_id"]] = place
        return place

    def add_tips(self, place_id: str, *tips: dict[str, Any]) -> None:
        self.tips.setdefault(place_id, []).extend(tips)

    def fail(
        self,
        path_pattern: str,
        status: int,
        *,
        times: int = 1,
        method: str = "GET",
        body: str | bytes | None = None,
        headers: dict[str, str] | None = None,
        delay_seconds: float = 0.0,
    ) -> None:
        """The next ``times`` requests whose path matches get this answer instead."""
        if body is None:
            body = json.dumps({"message": f"scripted failure {status}"})
        for _ in range(times):
            self._failures.append(
                ScriptedFailure(method, path_pattern, status, body, headers or {}, delay_seconds)
            )

    def rate_limit(
        self, path_pattern: str, *, status: int = 429, times: int = 1, method: str = "GET"
    ) -> None:
        """Foursquare's rate limit: a 429, or (``status=403``) the 403 it also answers with."""
        self.fail(
            path_pattern,
            status,
            times=times,
            method=method,
            body=json.dumps({"message": RATE_LIMIT_MESSAGE}),
        )

    def calls(self, method: str, path_pattern: str) -> list[dict[str, Any]]:
        return [
            call
            for call in self.requests
            if call["method"] == method and re.fullmatch(path_pattern, call["path"])
        ]

    def set_suggestion_status(self, suggestion_id: str, status: str, resolved: bool) -> None:
        self.suggestions[suggestion_id]["status"] = status
        if resolved:
            self.suggestions[suggestion_id]["resolved_time"] = "2026-11-26T02:31:00Z"

    # --- the server side

    def handle(self, request: Request) -> Response:
        response, scripted = self._answer(request)
        try:
            body = json.loads(response.get_data(as_text=True))
        except ValueError:
            body = None
        self.answers.append(
            {
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "body": body,
                "scripted": scripted,
            }
        )
        return response

    def _answer(self, request: Request) -> tuple[Response, bool]:
        params = {key: request.args.get(key) for key in request.args}
        self.requests.append(
            {
                "method": request.method,
                "path": request.path,
                "params": params,
                "headers": dict(request.headers),
            }
        )
        for failure in list(self._failures):
            if failure.method == request.method and re.fullmatch(
                failure.path_pattern, request.path
            ):
                self._failures.remove(failure)
                if failure.delay_seconds:
                    time.sleep(failure.delay_seconds)
                return Response(
                    failure.body,
                    status=failure.status,
                    headers=failure.headers,
                    content_type="application/json",
                ), True
        return self._serve(request, params), False

    def _serve(self, request: Request, params: dict[str, str]) -> Response:
        if request.headers.get("Authorization") != f"Bearer {SERVICE_KEY}":
            return _error(401, "Invalid request token.")
        if request.headers.get("X-Places-Api-Version") != API_VERSION:
            return _error(400, "X-Places-Api-Version header is missing or not supported.")

        path = request.path
        if request.method == "GET" and path == "/places/match":
            return self._match(params) if self.serves_match else _error(404, MISSING_ENDPOINT)
        if request.method == "GET" and path == "/places/search":
            return self._search(params)
        if request.method == "GET" and path == "/places/suggest/status":
            return self._suggest_status(params)
        if request.method == "GET" and (
            found := re.fullmatch(r"/places/([0-9a-zA-Z]+)/tips", path)
        ):
            return self._tips(found[1], params)
        if request.method == "GET" and (found := re.fullmatch(r"/places/([0-9a-zA-Z]+)", path)):
            place = self.places.get(found[1])
            if place is None:
                return _error(404, "Place not found.")
            return _json(_select(place, params.get("fields")))
        if request.method == "POST" and (
            found := re.fullmatch(r"/places/([0-9a-zA-Z]+)/suggest/(edit|remove|flag)", path)
        ):
            return self._suggest(found[1], found[2], params)
        return _error(404, MISSING_ENDPOINT)

    def _match(self, params: dict[str, str]) -> Response:
        for required in ("name", "address", "city", "cc"):
            if not params.get(required):
                return _error(400, f"Missing required parameter: {required}.")
        wanted = _words(params["name"])
        for place in self.places.values():
            if wanted <= _words(place["name"]) or _words(place["name"]) <= wanted:
                score = self.match_scores.get(place["fsq_place_id"], 0.95)
                return _json({"place": _select(place, params.get("fields")), "match_score": score})
        return _json({})

    def _search(self, params: dict[str, str]) -> Response:
        lat, lng = (float(part) for part in params["ll"].split(","))
        radius = float(params.get("radius", 22000))
        query = _words(params.get("query", ""))
        results = []
        for place in self.places.values():
            _, _, distance = _GEOD.inv(lng, lat, place["longitude"], place["latitude"])
            if distance <= radius and (not query or query & _words(place["name"])):
                results.append({**place, "distance": round(distance)})
        results.sort(key=lambda place: place["distance"])
        limit = int(params.get("limit", 10))
        return _json({"results": [_select(p, params.get("fields")) for p in results[:limit]]})

    def _tips(self, place_id: str, params: dict[str, str]) -> Response:
        if place_id not in self.places:
            return _error(404, "Place not found.")
        fields = (params.get("fields") or TIP_DEFAULT_FIELDS).split(",")
        if not set(fields) <= TIP_FIELDS:
            return _error(400, f"Invalid fields: {','.join(sorted(set(fields) - TIP_FIELDS))}.")
        sort = params.get("sort") or "POPULAR"
        if sort not in TIP_SORTS:
            return _error(400, f"Invalid sort: {sort}.")
        limit = params.get("limit") or "10"
        if not limit.isdigit() or not 1 <= int(limit) <= 50:
            return _error(400, "limit must be between 1 and 50.")
        tips = list(self.tips.get(place_id, []))
        if sort == "NEWEST":
            tips.sort(key=lambda item: item["created_at"], reverse=True)
        else:
            tips.sort(key=lambda item: item.get("agree_count", 0), reverse=True)
        wanted = set(fields)
        return _json(
            [
                {key: value for key, value in item.items() if key in wanted}
                for item in tips[: int(limit)]
            ]
        )

    def _suggest(self, place_id: str, kind: str, params: dict[str, str]) -> Response:
        if place_id not in self.places:
            return _error(404, "Place not found.")
        if kind == "remove" and params.get("reason") not in REMOVAL_REASONS:
            return _error(400, f"Invalid reason: {params.get('reason')}.")
        suggestion_id = f"{next(self._ids):024x}"
        self.suggestions[suggestion_id] = {
            "id": suggestion_id,
            "fsq_place_id": place_id,
            "suggested_edit_type": kind,
            "created_at": "2026-11-25T02:30:00Z",
            "status": "pending",
            "params": params,
        }
        return _json({"suggested_edits": [_public(self.suggestions[suggestion_id])], "errors": []})

    def _suggest_status(self, params: dict[str, str]) -> Response:
        ids = (params.get("suggested_edit_ids") or "").split(",")
        return _json(
            {
                "suggested_edits": [
                    _public(self.suggestions[i]) for i in ids if i in self.suggestions
                ]
            }
        )


def _public(suggestion: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in suggestion.items() if key != "params"}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower())) - {"library", "the"}


def _select(place: dict[str, Any], fields: str | None) -> dict[str, Any]:
    if not fields:
        return place
    wanted = set(fields.split(","))
    return {key: value for key, value in place.items() if key in wanted}


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


def _error(status: int, message: str) -> Response:
    return _json({"message": message}, status)
