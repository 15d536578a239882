"""Accounts made before ages were asked give their birth year once, on their next page, before
anything else (the ICO Children's code: the product must know who may be a child).

Only the pages are held: the API keeps working (an app cannot show this page; ``/me/`` says
``birth_year: null`` and the app may ask). Sign-in, sign-out, the password pages, the legal
pages and the language switch stay reachable, so nobody is trapped.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import error_codes
from accounts.services import user_birth_year_set
from accounts.web.forms import BirthYearForm
from accounts.web.views import safe_next, too_young_page
from backend.errors import ApplicationError

# Paths that never wait for the answer (prefixes of the request's path).
_NOT_HELD = (
    "/api/",
    "/static/",
    "/accounts/",
    "/account/birth-year/",
    "/children/privacy/",
    "/i18n/",
    "/privacy/",
    "/cookies/",
    "/accessibility/",
    "/healthz",
    "/readyz",
    "/metrics",
    "/favicon.ico",
    "/.well-known/",
)


def needs_birth_year(user) -> bool:
    return (
        user.is_authenticated
        and getattr(user, "birth_year", 0) is None
        and getattr(user, "guardian_id", None) is None
    )


class BirthYearAskedMiddleware:
    """Sends a signed-in account without a birth year to ``/account/birth-year/`` (and back to
    where it was going afterwards) in place of the page it asked for.

    Asked of a page's successful answer (GET or HEAD, 200, HTML), not before the view: a request
    whose page reads nothing (an error page while the database is down) reads nothing here
    either, and a page that already read the account costs no query more.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and response.get("Content-Type", "").startswith("text/html")
            and not request.path.startswith(_NOT_HELD)
        ):
            try:
                held = needs_birth_year(getattr(request, "user", None) or AnonymousUser())
            except DatabaseError:  # the page needed no database: neither does this
                return response
            if held:
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('account-birth-year')}?{query}")
        return response


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def birth_year_page(request):
    next_url = safe_next(request)
    if not needs_birth_year(request.user):
        return redirect(next_url)
    form = BirthYearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_birth_year_set(user=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            if exc.error == error_codes.TOO_YOUNG:
                return too_young_page(request)
            form.add_error("birth_year", exc.detail)
        else:
            messages.success(request, _("Thank you."))
            return redirect(next_url)
    status = 400 if form.errors else 200
    context = {"title": _("One question before you carry on"), "form": form, "next": next_url}
    return render(request, "accounts/birth_year.html", context, status=status)
