"""Rate limits of the pages that take a password or send an email about an account: sign-in,
registration, password reset, accepting an invitation, the back office's sign-in, and an email
change. The same limits as the API's, counted in the same place:

- **per client address**: the API's ``auth`` scope (``THROTTLE_AUTH``, 10/min), in the very
  bucket its login, registration and refresh use (one cache key per address), so an address
  the API has throttled is throttled on the pages too, and the other way round;
- **per target email** (``THROTTLE_AUTH_EMAIL``, 5/hour), for what sends an email to an address
  (a password reset, an email-change confirmation), whoever asks and from wherever, so nobody
  can flood a victim's inbox from many addresses. Its key is a hash of the address.

Sign-in is not limited per target email: that would let anyone lock a person out from
anywhere. django-axes already pauses an (email, address) pair after repeated failures.

Each refused request gets a 429 page in the site's layout, with ``Retry-After``; only POSTs
count (reading a form costs nothing).
"""

import hashlib
import math

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework import throttling

from backend.durations import minutes_rounded_up
from backend.throttling import SlidingWindowThrottle


class PageThrottle(SlidingWindowThrottle):
    """DRF's sliding window (in one Redis round trip when Redis is the cache) for a scope and
    an identity the page names, not a DRF view's."""

    def __init__(self, *, scope: str, rate: str, ident: str) -> None:
        self.scope, self.rate, self.ident = scope, rate, ident
        self.num_requests, self.duration = self.parse_rate(rate)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.ident}


def _client_address(request) -> str:
    """The client's address as the API's throttles read it (honouring ``NUM_PROXIES``)."""
    return throttling.BaseThrottle().get_ident(request)


def _email_ident(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def throttles_for(request, *, email: str | None = None) -> list[PageThrottle]:
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    found = [PageThrottle(scope="auth", rate=rates["auth"], ident=_client_address(request))]
    if email:
        found.append(
            PageThrottle(
                scope="auth_email", rate=settings.THROTTLE_AUTH_EMAIL, ident=_email_ident(email)
            )
        )
    return found


def page_rate_limit(request, *, email: str | None = None):
    """None when this POST is within the limits (and it is counted), else the 429 page.
    ``email``: the address the request would send an email to."""
    if request.method != "POST":
        return None
    for throttle in throttles_for(request, email=email):
        if not throttle.allow_request(request, None):
            wait = max(1, math.ceil(throttle.wait() or throttle.duration))
            return too_many_requests_page(request, wait=wait, per_email=throttle.scope != "auth")
    return None


def too_many_requests_page(request, *, wait: int, per_email: bool):
    minutes = minutes_rounded_up(wait)
    detail = (
        _("Too many emails have been asked for this address. Check your inbox and spam folder.")
        if per_email
        else _("Too many attempts from your connection.")
    )
    response = render(
        request,
        "too_many_requests.html",
        {"title": _("Too many attempts"), "detail": detail, "minutes": minutes},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response
