"""Every path answers with and without its trailing slash, and none redirects a POST (API.md,
"For the app's developers").

Django's ``APPEND_SLASH`` answers ``/api/v1/checkins`` with a 301 to the slashed path, which a
browser's ``fetch`` (and most HTTP clients) follow as a GET: a POST becomes a 405. Here a path
that does not resolve as sent, but does with the slash added (or taken away, for the few paths
named without one, such as ``poster.png``), is routed to that view in place, with no round
trip. Resident and staff pages keep the usual redirect for a GET (the address bar then shows
the canonical address); every other method, and every ``/api/`` request, is served in place.
"""

from django.urls import Resolver404, get_resolver

_SAFE_PAGE_METHODS = frozenset({"GET", "HEAD"})


def _resolves(path_info: str, urlconf) -> bool:
    try:
        get_resolver(urlconf).resolve(path_info)
    except Resolver404:
        return False
    return True


class TrailingSlashOptionalMiddleware:
    """Before ``CommonMiddleware``: rewrites ``path_info`` to the form that resolves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path_info = request.path_info
        in_place = path_info.startswith("/api/") or request.method not in _SAFE_PAGE_METHODS
        if in_place and path_info != "/":
            urlconf = getattr(request, "urlconf", None)
            if not _resolves(path_info, urlconf):
                other = path_info[:-1] if path_info.endswith("/") else path_info + "/"
                if _resolves(other, urlconf):
                    script_prefix = request.path[: len(request.path) - len(path_info)]
                    request.path_info = other
                    request.path = script_prefix + other
        return self.get_response(request)
