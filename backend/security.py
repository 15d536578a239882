"""A Content-Security-Policy on every HTML page the project serves.

Our pages keep their styles and scripts in static files (``backend/static/``), so the policy
allows ``'self'`` and nothing inline: no external fonts, scripts or styles, no framing. A view
with other needs sets its own header, which is kept (the API docs do: api_docs/views.py).
"""

DEFAULT_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response and response.get(
            "Content-Type", ""
        ).startswith("text/html"):
            response["Content-Security-Policy"] = DEFAULT_POLICY
        return response
