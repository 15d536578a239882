"""The error pages: 400, 403, 404 and 500 in the site's layout and the reader's language, each
with a way home. Under ``/api/`` the same errors keep the JSON envelope (API.md).

The 403 and 404 pages are rendered with the request (the header shows who is signed in). The
400 and 500 pages are rendered without it: a 400 may come from a request too broken to read
(a host name not allowed), and a 500 from the database or the session store being down, so
neither touches the session, the user or the database.
"""

import logging
import sys

from django.db import DatabaseError, DataError, IntegrityError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from backend.errors import (
    DATABASE_RETRY_AFTER_SECONDS,
    INVALID,
    NOT_FOUND,
    PERMISSION_DENIED,
    SERVER_ERROR,
    database_unavailable_response,
    error_body,
)

logger = logging.getLogger(__name__)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _plain(request, template: str, status: int) -> HttpResponse:
    try:
        body = loader.get_template(template).render({"request": request, "plain_page": True})
    except Exception:  # the page of last resort must not fail in turn
        logger.exception("the %s page could not be rendered", status)
        body = "<!doctype html><title>Error</title><h1>Sorry, something went wrong</h1>"
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


def bad_request_view(request, exception=None):
    if _is_api(request):
        return JsonResponse(error_body(INVALID, _("The request could not be read.")), status=400)
    return _plain(request, "400.html", 400)


def permission_denied_view(request, exception=None):
    if _is_api(request):
        body = error_body(PERMISSION_DENIED, _("You do not have permission to do this."))
        return JsonResponse(body, status=403)
    return render(request, "403.html", {"title": _("You cannot open this page")}, status=403)


def not_found_view(request, exception=None):
    if _is_api(request):
        return JsonResponse(error_body(NOT_FOUND, _("Not found.")), status=404)
    return render(request, "404.html", {"title": _("Page not found")}, status=404)


def server_error_view(request):
    """Errors outside DRF views (middleware, pages): no stack trace, ever. The database being
    unreachable is a 503 with ``Retry-After`` (``service_unavailable`` under /api/), not a 500:
    Django calls this inside the ``except`` that caught the error, so it is at hand."""
    caught = sys.exc_info()[1]
    if isinstance(caught, DatabaseError) and not isinstance(caught, IntegrityError | DataError):
        if _is_api(request):
            return database_unavailable_response()
        response = _plain(request, "500.html", 503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
        return response
    if _is_api(request):
        return JsonResponse(
            error_body(SERVER_ERROR, _("Something went wrong on our side; it has been logged.")),
            status=500,
        )
    return _plain(request, "500.html", 500)
