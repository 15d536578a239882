"""The site's front page and its favicon: what this service is and where each part lives."""

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from backend.service_name import service_name


@require_safe
def home_page(request):
    return render(request, "home.html", {"title": service_name()})


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico before reading any page's <link rel="icon">."""
    return HttpResponseRedirect(static("site/favicon.svg"))
