"""Personal API answers are never stored by a cache (``Cache-Control: private, no-store``).

An answer to a request that carried credentials (a bearer token, or the session cookie of the
same-origin pages) may hold personal data: a shared proxy must not keep it, and neither should
the phone's HTTP cache once the person signs out. Answers to anonymous requests (public venue
data) keep whatever the view said. Decided by what the request carried, not by who it turned
out to be, so it costs no query and covers refusals too.
"""

from django.conf import settings


class PersonalAnswersNotStoredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        carried_credentials = (
            "HTTP_AUTHORIZATION" in request.META or settings.SESSION_COOKIE_NAME in request.COOKIES
        )
        if request.path.startswith("/api/") and carried_credentials:
            response["Cache-Control"] = "private, no-store"
        return response
