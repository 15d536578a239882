"""What can go wrong talking to Foursquare, one class per kind of failure.

``maybe_acted`` says whether Foursquare may have carried the request out even though we saw a
failure (a timeout, a 5xx, an answer we could not read): a proposal that failed that way must
not be sent again, or Foursquare would get it twice.
"""

from typing import Any


class FoursquareError(Exception):
    """Any failure talking to Foursquare. ``str(error)`` is fit to show a venue manager."""

    status: int | None = None
    maybe_acted: bool = False

    def __init__(self, message: str, *, status: int | None = None, maybe_acted: bool = False):
        super().__init__(message)
        if status is not None:
            self.status = status
        self.maybe_acted = maybe_acted


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


class FoursquareEndpointMissing(FoursquareError):
    """404 "Endpoint does not exist": this host does not serve the path at all (``/places/match``
    is not in the 2025-06-17 spec), which is not the same as "nothing found"."""


MISSING_ENDPOINT_MESSAGE = "endpoint does not exist"
# Foursquare does not document its rate limit's answer: besides 429 it answers 403 with a
# message like "Rate limit exceeded" or "Quota exceeded". A 403 saying so is waited out and
# retried; any other 403 is the key's fault and is not.
_RATE_LIMIT_WORDS = ("rate limit", "quota", "too many requests")


def is_rate_limit(status: int, message: str) -> bool:
    return status == 429 or (
        status == 403 and any(words in message.lower() for words in _RATE_LIMIT_WORDS)
    )


def error_for_answer(method: str, path: str, status: int, message: str) -> FoursquareError:
    """The typed error for a non-2xx answer (after the client's retries)."""
    where = f"{method} {path}"
    if is_rate_limit(status, message):
        return FoursquareRateLimited(
            f"Foursquare's rate limit was still exceeded after retrying ({where}): {message}",
            status=status,
        )
    if status in (401, 403):
        return FoursquareAuthError(
            f"Foursquare refused the service key ({status}): {message}. Check FOURSQUARE_API_KEY.",
            status=status,
        )
    if status == 404 and MISSING_ENDPOINT_MESSAGE in message.lower():
        return FoursquareEndpointMissing(
            f"Foursquare does not serve {path} here: {message}", status=404
        )
    if status == 404:
        return FoursquareNotFound(
            f"Foursquare has no such resource ({where}): {message}", status=404
        )
    if status >= 500:
        return FoursquareUnavailable(
            f"Foursquare failed ({status}) after retrying ({where}): {message}",
            status=status,
            maybe_acted=method != "GET",
        )
    return FoursquareBadRequest(
        f"Foursquare refused the request ({status}, {where}): {message}", status=status
    )


def answer_message(response: Any) -> str:
    """What a (requests) response of Foursquare says went wrong: its ``message``."""
    try:
        body = response.json()
    except ValueError:
        return response.reason or "no explanation"
    if isinstance(body, dict):
        for key in ("message", "error_detail", "detail", "error"):
            if isinstance(body.get(key), str) and body[key]:
                return body[key][:500]
    return response.reason or "no explanation"
