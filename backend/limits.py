"""What a request may weigh: the middleware that answers an API body over
``DATA_UPLOAD_MAX_MEMORY_SIZE`` with the envelope (413 ``request_too_large``, API.md "Limits")
before any view reads it. The JSON depth limit is the parser's (``backend/parsers.py``)."""

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

from backend.errors import REQUEST_TOO_LARGE, error_body


def too_large_response() -> JsonResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return JsonResponse(
        error_body(
            REQUEST_TOO_LARGE,
            _("The request body is over the limit of %(limit)s bytes.") % {"limit": limit},
        ),
        status=REQUEST_TOO_LARGE.status,
    )


class RequestSizeLimitMiddleware:
    """An API request whose ``Content-Length`` is over the limit is answered 413 at once (the
    Stripe webhook too, which no throttle guards). A body with no length (chunked) is caught
    when read: Django raises ``RequestDataTooBig`` and the exception handler answers 413."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request.path.startswith("/api/") and limit is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                return too_large_response()
        return self.get_response(request)
