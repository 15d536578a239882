"""What can go wrong talking to Foursquare, one class per kind of failure.

``maybe_acted`` says whether Foursquare may have carried the request out even though we saw a
failure (a timeout, a 5xx, an answer we could not read): a proposal that failed that way must
not be sent again, or Foursquare would get it twice.
"""


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
