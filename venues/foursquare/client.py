"""A small client for Foursquare's Places API, the only module here that speaks HTTP to it.

Targets the API as of ``X-Places-Api-Version: 2025-06-17`` (the version is a setting): host
``places-api.foursquare.com`` with no version in the path, ``Authorization: Bearer <service
key>``, places carrying ``fsq_place_id`` with top-level ``latitude``/``longitude``. Foursquare's
guides and SDKs disagree on some feedback paths, so every path lives in ``PATHS``.

Retries are urllib3's ``Retry`` mounted on a requests session, not a hand-written loop: reads
(GET) are retried on 429 and 5xx and on connection or read failures, with exponential backoff and
jitter, honouring ``Retry-After`` (capped). Feedback proposals (POST) are retried only where
Foursquare cannot have acted on them: a refused connection, or a 429/503 asking us to come back.
A 5xx or a timeout on a proposal is not retried, so one proposal is never sent twice. A 403
whose message says "rate limit" is Foursquare's rate limit too, waited out like a 429 (``_send``).
Every failure is one of the typed errors (errors.py); callers never see requests' exceptions.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Mapping
from typing import Any

import requests
import urllib3
from django.conf import settings
from requests.adapters import HTTPAdapter

from venues.foursquare.errors import (
    FoursquareAuthError,
    FoursquareBadRequest,
    FoursquareEndpointMissing,
    FoursquareError,
    FoursquareMalformedResponse,
    FoursquareNotConfigured,
    FoursquareNotFound,
    FoursquareRateLimited,
    FoursquareUnavailable,
    answer_message,
    error_for_answer,
    is_rate_limit,
)
from venues.foursquare.places import (
    Place,
    PlaceMatch,
    SuggestedEdit,
    Tip,
    parse_place,
    parse_suggested_edits,
    parse_tips,
)
from venues.foursquare.retry import RETRY_STATUSES, BackoffRetry

__all__ = [
    "FoursquareAuthError",
    "FoursquareBadRequest",
    "FoursquareClient",
    "FoursquareEndpointMissing",
    "FoursquareError",
    "FoursquareMalformedResponse",
    "FoursquareNotConfigured",
    "FoursquareNotFound",
    "FoursquareRateLimited",
    "FoursquareUnavailable",
    "Place",
    "PlaceMatch",
    "SuggestedEdit",
    "Tip",
    "forget_missing_endpoints",
]

logger = logging.getLogger(__name__)

PATHS = {
    "search": "/places/search",
    "match": "/places/match",
    "place": "/places/{place_id}",
    "tips": "/places/{place_id}/tips",
    "suggest_edit": "/places/{place_id}/suggest/edit",
    "suggest_remove": "/places/{place_id}/suggest/remove",
    "suggest_flag": "/places/{place_id}/suggest/flag",
    "suggest_status": "/places/suggest/status",
}

# (base URL, path) a host answered "Endpoint does not exist" for: asked once per process.
_MISSING_ENDPOINTS: set[tuple[str, str]] = set()


def forget_missing_endpoints() -> None:
    """Ask hosts again whether they serve the optional endpoints (tests; a new host)."""
    _MISSING_ENDPOINTS.clear()


# What the sync reads of a place. rating, popularity, hours and stats are Premium fields.
PLACE_FIELDS = (
    "fsq_place_id,name,latitude,longitude,categories,location,website,tel,"
    "rating,popularity,hours,stats,date_closed,distance"
)
# What the sync reads of a tip: the published spec's field names for GET /places/{id}/tips
# (2025-06-17). Without ``fields`` Foursquare sends only fsq_tip_id, created_at and text.
TIP_FIELDS = "fsq_tip_id,created_at,text,lang,url,agree_count,disagree_count"
TIPS_MAX_LIMIT = 50  # the spec's maximum per call


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
        self._max_retries = max_retries
        self._backoff = (backoff_factor, backoff_max, retry_after_max)
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
            BackoffRetry(
                total=max_retries,
                status_forcelist=RETRY_STATUSES,
                allowed_methods=frozenset({"GET"}),
                **common,
            ),
        )
        self._writes = self._session(
            headers,
            BackoffRetry(
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
    def _session(headers: dict[str, str], retry: BackoffRetry) -> requests.Session:
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
        """Foursquare's one best match for a record, with its score; None when nothing matched.
        ``/places/match`` is not in the 2025-06-17 spec: where the host does not serve it, this
        raises FoursquareEndpointMissing (and, remembered for the process, without asking)."""
        if (self.base_url, PATHS["match"]) in _MISSING_ENDPOINTS:
            raise FoursquareEndpointMissing(f"Foursquare does not serve {PATHS['match']} here.")
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
        except FoursquareEndpointMissing:
            _MISSING_ENDPOINTS.add((self.base_url, PATHS["match"]))
            raise
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

    def tips(self, place_id: str, *, limit: int = 10) -> list[Tip]:
        """The place's newest tips (at most ``limit``, 1-50), as the spec's Get Place Tips
        answers: a JSON array of tips."""
        body = self._get(
            PATHS["tips"].format(place_id=_path_part(place_id)),
            {
                "fields": TIP_FIELDS,
                "sort": "NEWEST",
                "limit": max(1, min(int(limit), TIPS_MAX_LIMIT)),
            },
            expect=list,
        )
        return parse_tips(body)

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
        """Say a place should go: ``reason`` is one of the spec's upper-case values (``CLOSED``,
        ``DOESNT_EXIST``...); Foursquare refuses lower case."""
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
        return parse_suggested_edits(body)

    def _suggest(self, path: str, params: dict[str, Any]) -> list[SuggestedEdit]:
        try:
            body = self._send("POST", path, params)
            edits = parse_suggested_edits(body)
        except FoursquareMalformedResponse as exc:
            exc.maybe_acted = True  # a 2xx we cannot read may still have filed the proposal
            raise
        errors = body.get("errors") or []
        if edits:
            if errors:
                logger.warning("Foursquare filed a proposal with remarks: %s", errors)
            return edits
        if errors:
            raise FoursquareBadRequest(
                "Foursquare refused the proposal: " + "; ".join(str(error) for error in errors)
            )
        raise FoursquareMalformedResponse(
            "Foursquare accepted a proposal but named no id.", maybe_acted=True
        )

    # --- HTTP

    def _get(self, path: str, params: dict[str, Any], *, expect: type = dict) -> Any:
        return self._send("GET", path, params, expect=expect)

    def _send(self, method: str, path: str, params: dict[str, Any], *, expect: type = dict) -> Any:
        session = self._reads if method == "GET" else self._writes
        url = self.base_url + path
        for attempt in range(self._max_retries + 1):
            try:
                # The feedback endpoints take their values as query parameters, like the reads.
                response = session.request(method, url, params=params, timeout=self.timeout)
            except requests.RequestException as exc:
                raise _unavailable(method, path, exc) from exc
            if (
                response.status_code != 403
                or attempt == self._max_retries
                or not is_rate_limit(403, answer_message(response))
            ):
                break
            # urllib3 waits out a 429; Foursquare's 403 "rate limit" is waited out the same way
            # here (nothing was done: a POST is safe to send again).
            logger.info("Foursquare's rate limit (403) on %s %s: waiting", method, path)
            time.sleep(self._rate_limit_wait(attempt, response))
        return self._body_or_error(method, path, response, expect)

    def _rate_limit_wait(self, attempt: int, response: requests.Response) -> float:
        factor, most, retry_after_most = self._backoff
        retry_after = response.headers.get("Retry-After", "")
        if retry_after.isdigit():
            return float(min(int(retry_after), retry_after_most))
        return min(most, factor * 2**attempt + random.random() * factor)

    @staticmethod
    def _body_or_error(
        method: str, path: str, response: requests.Response, expect: type = dict
    ) -> Any:
        """The answer's JSON body (an object, or what ``expect`` says), or its typed error."""
        status = response.status_code
        if 200 <= status < 300:
            try:
                body = response.json()
            except ValueError as exc:
                raise FoursquareMalformedResponse(
                    f"Foursquare answered {method} {path} with a body that is not JSON."
                ) from exc
            if not isinstance(body, expect):
                kind = "an array" if expect is list else "an object"
                raise FoursquareMalformedResponse(
                    f"Foursquare answered {method} {path} with JSON that is not {kind}."
                )
            return body
        message = answer_message(response)
        logger.warning("Foursquare answered %s %s with %s: %s", method, path, status, message)
        raise error_for_answer(method, path, status, message)


def _unavailable(method: str, path: str, exc: requests.RequestException) -> FoursquareUnavailable:
    # After retries, requests wraps the last failure (a timeout too) in a ConnectionError.
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    timed_out = isinstance(exc, requests.Timeout) or isinstance(
        reason, urllib3.exceptions.TimeoutError
    )
    if timed_out:
        # A connect timeout never reached Foursquare; a read timeout may have been acted on.
        reached = not isinstance(exc, requests.ConnectTimeout) and not isinstance(
            reason, urllib3.exceptions.ConnectTimeoutError
        )
        return FoursquareUnavailable(
            f"Foursquare did not answer in time ({method} {path}).",
            maybe_acted=reached and method != "GET",
        )
    cause = type(reason or exc).__name__
    return FoursquareUnavailable(f"Could not reach Foursquare ({method} {path}): {cause}.")


def _path_part(place_id: str) -> str:
    if not place_id or not all(ch.isalnum() or ch in "-_" for ch in place_id):
        raise FoursquareBadRequest(f"'{place_id}' is not a Foursquare place id.")
    return place_id
