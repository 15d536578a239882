"""What a page says when its form comes back without a valid CSRF token: almost always a page
left open until its cookies were cleared or expired. In plain words, with a way back to the
page the form was on, never "CSRF token missing" (``CSRF_FAILURE_VIEW``). The API's session
callers get DRF's own JSON refusal instead."""

from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


def csrf_failure(request, reason: str = ""):
    referer = request.headers.get("Referer", "")
    same_site = url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()})
    context = {
        "title": "This page has expired",
        "again_url": referer if same_site else request.path,
    }
    return render(request, "csrf_failure.html", context, status=403)
