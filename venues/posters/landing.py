"""The page a phone's browser opens after its camera reads a poster: ``GET /q/<token>``.

It names the venue, lets a resident signed in on this browser check in with one button (the
page posts the token to the JSON check-in endpoint), and points everyone else at the app. A
token we did not sign is a 404 page, a withdrawn poster a 410 page, in the same layout.
"""

import secrets

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from backend.errors import ApplicationError
from venues import error_codes
from venues.posters.services import poster_resolve

TEMPLATE = "venues/poster_landing.html"
DEFAULT_APP_DOWNLOAD_URL = "https://www.gov.uk"

_PROBLEMS = {
    error_codes.UNKNOWN_QR.code: (
        "Code not recognised",
        "This QR code is not recognised. It may have been copied or damaged; look for the "
        "poster at the venue's entrance.",
    ),
    error_codes.REVOKED_QR.code: (
        "Poster withdrawn",
        "This poster has been withdrawn and can no longer be used to check in. Ask staff at "
        "the venue for the current one.",
    ),
}


@never_cache  # a poster can be withdrawn at any time
@require_safe
def poster_landing_page(request, token: str):
    nonce = secrets.token_urlsafe(16)
    context = {
        "app_download_url": getattr(settings, "APP_DOWNLOAD_URL", DEFAULT_APP_DOWNLOAD_URL),
        "csp_nonce": nonce,
    }
    try:
        poster = poster_resolve(token=token, invalid=error_codes.UNKNOWN_QR)
    except ApplicationError as exc:
        title, message = _PROBLEMS.get(exc.code, _PROBLEMS[error_codes.UNKNOWN_QR.code])
        context.update(title=title, problem=message)
        return _with_policy(render(request, TEMPLATE, context, status=exc.status), nonce)
    context.update(
        title=f"Check in at {poster.venue.name}",
        venue=poster.venue,
        council=poster.venue.council,
        token=poster.token,
    )
    return _with_policy(render(request, TEMPLATE, context), nonce)


def _with_policy(response, nonce: str):
    """Only this page's own inline style and script run, and it talks only to this site."""
    response["Content-Security-Policy"] = (
        f"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; "
        "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    )
    return response
