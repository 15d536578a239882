"""Turning an address into coordinates: geopy's Nominatim, configured from settings.

Nominatim's usage policy asks for an identifying user agent and at most one request a second;
the only callers are venue creation (one at a time) and the CSV import for rows without
coordinates. Tests point ``GEOCODER_DOMAIN``/``GEOCODER_SCHEME`` at a local fake that answers
Nominatim's JSON, so the real geopy code path runs.
"""

import logging
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from geopy.adapters import RequestsAdapter
from geopy.exc import GeopyError
from geopy.geocoders import Nominatim

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Coordinates:
    latitude: float
    longitude: float


class GeocodingFailed(Exception):
    """The address could not be turned into coordinates (not found, or the service failed)."""


def _geocoder() -> Nominatim:
    return Nominatim(
        user_agent=settings.GEOCODER_USER_AGENT,
        domain=settings.GEOCODER_DOMAIN,
        scheme=settings.GEOCODER_SCHEME,
        timeout=settings.GEOCODER_TIMEOUT_SECONDS,
        # No retries: geopy's default adapter retries twice and sleeps out Retry-After, which
        # would hold a request for minutes and hammer a service that asked us to slow down.
        adapter_factory=partial(RequestsAdapter, max_retries=0),
    )


def geocode_address(*, address: str, postcode: str, timeout: float | None = None) -> Coordinates:
    """The coordinates of ``address, postcode``; raises `GeocodingFailed`. ``timeout`` (seconds,
    at most ``GEOCODER_TIMEOUT_SECONDS``) bounds each network wait of this one call."""
    query = ", ".join(part for part in (address.strip(), postcode.strip()) if part)
    if not query:
        raise GeocodingFailed("There is no address to look up.")
    try:
        location = _geocoder().geocode(
            query,
            exactly_one=True,
            country_codes=settings.GEOCODER_COUNTRY_CODES or None,
            timeout=min(
                timeout or settings.GEOCODER_TIMEOUT_SECONDS, settings.GEOCODER_TIMEOUT_SECONDS
            ),
        )
    except GeopyError as exc:
        # The message can hold the service's URL: log it, tell the caller less.
        logger.warning("Geocoding %r failed: %s", query, exc)
        raise GeocodingFailed(f"the geocoding service failed ({type(exc).__name__})") from exc
    except (ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
        logger.warning("Geocoding %r got a malformed answer: %r", query, exc)
        raise GeocodingFailed("the geocoding service gave a malformed answer") from exc
    if location is None:
        raise GeocodingFailed(f"no place was found for '{query}'")
    raw = location.raw if isinstance(location.raw, dict) else {}
    if raw.get("lat") in (None, "") or raw.get("lon") in (None, ""):
        # geopy reads a place without coordinates as (0, 0), off the coast of Africa.
        raise GeocodingFailed("the geocoding service gave a place without coordinates")
    return Coordinates(latitude=float(location.latitude), longitude=float(location.longitude))
