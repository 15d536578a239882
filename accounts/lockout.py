"""How django-axes (brute-force protection, settings ``AXES_*``) reads and answers sign-ins.

Every password sign-in goes through ``authenticate()``: the admin's and the pages' forms post a
``username`` field, the API's ``POST /auth/token/`` an ``email``. Both are read as the same
lower-cased email, so the lockout counts one account's failures whichever door they came in by.
"""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import normalize_email
from backend.errors import THROTTLED


def attempted_email(request, credentials: dict | None) -> str | None:
    credentials = credentials or {}
    email = credentials.get("email") or credentials.get("username")
    if email is None and request is not None and hasattr(request, "POST"):
        email = request.POST.get("username") or request.POST.get("email")
    return normalize_email(email) if isinstance(email, str) else None


def locked_out_response(request, original_response=None, credentials=None) -> HttpResponse:
    """The API gets the error envelope (429 ``throttled``); a page gets a page that says when
    to try again, in the same words."""
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    detail = ngettext(
        "Too many failed sign-in attempts. For your security, signing in to this account from "
        "here is paused for %(minutes)d minute.",
        "Too many failed sign-in attempts. For your security, signing in to this account from "
        "here is paused for %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    retry_after = str(minutes * 60)
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": THROTTLED.code, "detail": detail}, status=THROTTLED.status)
    else:
        response = render(
            request,
            "accounts/locked_out.html",
            {"title": _("Sign-in paused"), "detail": detail},
            status=THROTTLED.status,
        )
    response["Retry-After"] = retry_after
    return response
