"""A Content-Security-Policy on every HTML page the project serves.

Our pages keep their styles and scripts in static files (``backend/static/``), so the policy
allows ``'self'`` and nothing inline: no external fonts, scripts or styles, no framing. A view
with other needs sets its own header, which is kept.
The API docs (Swagger UI, ReDoc) run inline scripts of their own and are left to their views.
"""

from django.conf import settings

DEFAULT_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.exempt = tuple(getattr(settings, "CSP_EXEMPT_PATH_PREFIXES", ()))

    def __call__(self, request):
        response = self.get_response(request)
        if (
            "Content-Security-Policy" not in response
            and response.get("Content-Type", "").startswith("text/html")
            and not request.path.startswith(self.exempt)
        ):
            response["Content-Security-Policy"] = DEFAULT_POLICY
        return response
